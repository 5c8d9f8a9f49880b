"""Creating notifications. Called by the workflow inside its transactions.

Each call renders every message at once, in the recipient's language, stores all of them with
one INSERT and their delivery steps with one more, whatever the number of recipients.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone

from pakn.accounts.models import User
from pakn.core.phones import normalize_phone

from .delivery import schedule_deliveries
from .models import DeliveryStatus, Notification, NotificationChannel
from .rendering import check_template, render_message, sms_allowed

Target = tuple[NotificationChannel, str]  # channel and address ("" for in-app)


def notify_users(
    *,
    users: Iterable[User],
    template: str,
    context: Mapping[str, Any],
    case_ref: int | None = None,
    link: str = "",
) -> list[Notification]:
    """Notify people with accounts over the channels they enabled.

    A channel the person turned off for this event type (``User.wants``) is skipped. In-app if
    ``notify_in_app``; email if they have an address and ``notify_email``; SMS if
    they have a phone and ``notify_sms``, and for officer templates only the urgent ones.
    A user listed twice is notified once; inactive users are skipped.
    """
    check_template(template)
    link = link or str(context.get("link") or "")
    rows: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        targets: list[Target] = []
        if user.notify_in_app and user.wants(template, NotificationChannel.IN_APP):
            targets.append((NotificationChannel.IN_APP, ""))
        if user.notify_email and user.email and user.wants(template, NotificationChannel.EMAIL):
            targets.append((NotificationChannel.EMAIL, user.email))
        if (
            user.notify_sms
            and user.phone
            and sms_allowed(template)
            and user.wants(template, NotificationChannel.SMS)
        ):
            targets.append((NotificationChannel.SMS, user.phone))
        rows += _build(
            targets,
            template=template,
            context=context,
            link=link,
            case_ref=case_ref,
            language=user.language,
            name=user.full_name,
            recipient=user,
        )
    return _save(rows)


def notify_contact(
    *,
    email: str = "",
    phone: str = "",
    template: str,
    context: Mapping[str, Any],
    case_ref: int | None = None,
    link: str = "",
    user: User | None = None,
    name: str = "",
    language: str | None = None,
) -> list[Notification]:
    """Notify a submitter by the contact they gave, with or without an account.

    With ``user``, that user's preferences apply (channels, and events turned off per channel), an in-app notification is added, and the
    account's email, phone, name and language fill in whatever was not given.
    """
    check_template(template)
    link = link or str(context.get("link") or "")
    targets: list[Target] = []
    if user is not None:
        if (
            user.notify_in_app
            and user.is_active
            and user.wants(template, NotificationChannel.IN_APP)
        ):
            targets.append((NotificationChannel.IN_APP, ""))
        wants_email = user.notify_email and user.wants(template, NotificationChannel.EMAIL)
        wants_sms = user.notify_sms and user.wants(template, NotificationChannel.SMS)
        email = (email or user.email or "") if wants_email else ""
        phone = (phone or user.phone or "") if wants_sms else ""
        name = name or user.full_name
        language = language or user.language
    # Submissions store missing contacts as NULL; tolerate None despite the annotation.
    email = (email or "").strip()
    phone = normalize_phone(phone or "") or (phone or "").strip()
    if email:
        targets.append((NotificationChannel.EMAIL, email))
    if phone and sms_allowed(template):
        targets.append((NotificationChannel.SMS, phone))
    rows = _build(
        targets,
        template=template,
        context=context,
        link=link,
        case_ref=case_ref,
        language=language,
        name=name,
        recipient=user,
    )
    return _save(rows)


def mark_read(*, user: User, notification_ids: Iterable[int]) -> int:
    """Mark the user's own in-app notifications read; returns how many changed."""
    ids = list(notification_ids)
    if not ids:
        return 0
    return Notification.objects.filter(
        recipient=user, channel=NotificationChannel.IN_APP, pk__in=ids, read_at__isnull=True
    ).update(read_at=timezone.now())


def _build(
    targets: list[Target],
    *,
    template: str,
    context: Mapping[str, Any],
    link: str,
    case_ref: int | None,
    language: str | None,
    name: str,
    recipient: User | None,
) -> list[Notification]:
    if not targets:
        return []
    channels = {channel for channel, _ in targets}
    message = render_message(
        template=template,
        context={**context, "link": link},
        language=language,
        recipient_name=name,
        email=NotificationChannel.EMAIL in channels,
        sms=NotificationChannel.SMS in channels,
        summary=NotificationChannel.IN_APP in channels,
    )
    now = timezone.now()
    rows = []
    for channel, address in targets:
        row = Notification(
            channel=channel,
            recipient=recipient,
            address=address,
            template=template,
            link=link,
            case_ref=case_ref,
        )
        if channel == NotificationChannel.EMAIL:
            row.subject, row.body_text, row.body_html = message.subject, message.text, message.html
        elif channel == NotificationChannel.SMS:
            row.body_text = message.sms
        else:
            # Nothing to hand over: an in-app notification is delivered by being stored.
            row.subject, row.body_text = message.subject, message.summary
            row.status, row.sent_at = DeliveryStatus.SENT, now
        rows.append(row)
    return rows


def _save(rows: list[Notification]) -> list[Notification]:
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    schedule_deliveries([row.pk for row in created if row.status == DeliveryStatus.PENDING])
    return created
