"""Delivery of pending notifications: one background step per notification.

The step claims its row with a conditional UPDATE (pending, and not claimed by a live worker),
commits, talks to the gateway with no transaction open, then records the result in a second
short transaction. A step that runs twice (a redelivered task, an overlapping sweep) finds the
row claimed or no longer pending and sends nothing. The one remaining window is a crash after
the gateway accepted the message and before the result was written: the claim expires and the
message goes again (at least once, never silently lost).

Retries are scheduled here rather than by raising, so the delivery log keeps every attempt and
its error. An unexpected exception (a bug, a database error) releases the claim, propagates,
and is retried by ``run_step`` like any other step.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from pakn.ops.models import Step
from pakn.ops.steps import backoff, enqueue, step

from .exceptions import DeliverySkipped, PermanentDeliveryError, TransientDeliveryError
from .models import DeliveryStatus, Notification, NotificationChannel
from .rendering import ACCOUNT_TEMPLATES
from .sms import get_sms_backend

log = logging.getLogger(__name__)

DELIVER_STEP = "notifications.deliver"
MAX_ATTEMPTS = 8  # with the ops backoff (30 s doubling) the last try is about an hour later


def schedule_deliveries(
    notification_ids: Sequence[int], *, run_after: datetime | None = None
) -> None:
    """Record one delivery step per notification in the current transaction (one query).

    Due steps are enqueued after commit; later ones are left to the scheduler's sweep.
    """
    if not notification_ids:
        return
    due = run_after or timezone.now()
    created = Step.objects.bulk_create(
        Step(name=DELIVER_STEP, payload={"notification_id": pk}, run_after=due)
        for pk in notification_ids
    )
    if run_after is None:
        step_ids = [record.pk for record in created]
        transaction.on_commit(lambda: _enqueue_all(step_ids))


def _enqueue_all(step_ids: list[int]) -> None:
    for step_id in step_ids:
        enqueue(step_id)


# Longer than any gateway call can last (SMTP and HTTP time out after 10 s): a claim older than
# this belongs to a worker that died mid-send.
CLAIM_SECONDS = 120


@step(DELIVER_STEP, atomic=False)
def deliver(*, notification_id: int) -> None:
    """Send one pending notification; a repeated call finds it claimed and does nothing.

    The claim and the result are two short transactions and the gateway call between them holds
    no database lock: on SQLite a write lock held through a slow mail server would stall every
    intake behind it.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Notification.objects.filter(pk=notification_id, status=DeliveryStatus.PENDING)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(
                attempts=F("attempts") + 1, claimed_until=now + timedelta(seconds=CLAIM_SECONDS)
            )
        )
    if claimed != 1:
        return  # already sent, failed or skipped, being sent by another worker, or deleted
    notification = Notification.objects.get(pk=notification_id)
    try:
        error = _attempt(notification)
    except Exception:
        # A bug or a database error is not a delivery attempt: release the claim and let the
        # step runner retry the whole step.
        Notification.objects.filter(pk=notification_id).update(
            attempts=F("attempts") - 1, claimed_until=None
        )
        raise
    with transaction.atomic():
        notification.claimed_until = None
        if error is None:
            _finish(notification, DeliveryStatus.SENT)
        elif isinstance(error, DeliverySkipped | _NoAddress):
            _finish(notification, DeliveryStatus.SKIPPED, _describe(error))
        elif isinstance(error, PermanentDeliveryError) or notification.attempts >= MAX_ATTEMPTS:
            _finish(notification, DeliveryStatus.FAILED, _describe(error))
        else:
            notification.last_error = _describe(error)
            notification.save(update_fields=["last_error", "claimed_until"])
            schedule_deliveries(
                [notification.pk], run_after=timezone.now() + backoff(notification.attempts)
            )
            log.warning(
                "notification %s attempt %s failed, will retry: %s",
                notification.pk,
                notification.attempts,
                notification.last_error,
            )


class _NoAddress(Exception):
    def __str__(self) -> str:
        return "no address to send to"


def _attempt(notification: Notification) -> Exception | None:
    """Hand the message to its gateway; the delivery error, if any, is returned, not raised."""
    if notification.channel != NotificationChannel.IN_APP and not notification.address:
        return _NoAddress()
    try:
        _send(notification)
    except (DeliverySkipped, PermanentDeliveryError, TransientDeliveryError) as exc:
        return exc
    return None


def _send(notification: Notification) -> None:
    if notification.channel == NotificationChannel.IN_APP:
        return  # the stored row is the delivery
    if notification.channel == NotificationChannel.EMAIL:
        send_email(notification)
    elif notification.channel == NotificationChannel.SMS:
        get_sms_backend().send(to=notification.address, message=notification.body_text)
    else:
        raise PermanentDeliveryError(f"unknown channel {notification.channel!r}")


def send_email(notification: Notification) -> None:
    """Send through Django's configured email backend, sorting SMTP errors by retry value."""
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.address],
        # RFC 3834: tells mail servers not to answer with vacation or out-of-office replies.
        headers={"Auto-Submitted": "auto-generated"},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentDeliveryError(_describe(exc)) from exc
    except smtplib.SMTPResponseException as exc:
        error = PermanentDeliveryError if 500 <= exc.smtp_code < 600 else TransientDeliveryError
        raise error(_describe(exc)) from exc
    except OSError as exc:
        # smtplib.SMTPException is an OSError: disconnects, refused connections, timeouts.
        raise TransientDeliveryError(_describe(exc)) from exc
    except ValueError as exc:
        # A malformed address or header: the same message would fail the same way again.
        raise PermanentDeliveryError(_describe(exc)) from exc


_TOKEN = re.compile(r"([?&;]token=)[A-Za-z0-9_-]+")
# The 6-digit codes of account messages (verification, password reset): gone once sent too.
_ONE_TIME_CODE = re.compile(r"\b\d{6}\b")


def scrub_secrets(text: str) -> str:
    """Drop access tokens from tracking links: once a message is out, the outbox keeps no key
    to a citizen's case (the token is stored only as a hash everywhere else)."""
    return _TOKEN.sub(r"\1…", text)


def _finish(notification: Notification, status: DeliveryStatus, error: str = "") -> None:
    notification.status = status
    fields = ["status", "claimed_until"]
    if status in (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED):
        for name in ("link", "body_text", "body_html"):
            text = scrub_secrets(getattr(notification, name))
            if notification.template in ACCOUNT_TEMPLATES:
                text = _ONE_TIME_CODE.sub("••••••", text)
            setattr(notification, name, text)
        fields += ["link", "body_text", "body_html"]
    if status == DeliveryStatus.SENT:
        notification.sent_at = timezone.now()
        fields.append("sent_at")
    if error:
        notification.last_error = error
        fields.append("last_error")
        log.error("notification %s %s: %s", notification.pk, status, error)
    notification.save(update_fields=fields)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
