"""Account messages (email link, SMS codes, reset) and per-event preferences."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from pakn.accounts.models import User
from pakn.notifications.accounts import send_phone_code
from pakn.notifications.delivery import deliver
from pakn.notifications.models import DeliveryStatus, NotificationChannel
from pakn.notifications.rendering import ACCOUNT_TEMPLATES, render_message, sms_allowed
from pakn.notifications.services import notify_contact, notify_users

from .conftest import CONTEXT

MakeUser = Callable[..., User]


@pytest.mark.parametrize("template", sorted(ACCOUNT_TEMPLATES))
def test_account_messages_render_short_sms_and_no_case_code(template: str) -> None:
    message = render_message(
        template=template, context={"otp": "042517", "link": CONTEXT["link"]}, recipient_name="Hoa"
    )
    assert message.subject.startswith("[PAKN] ")
    assert "Kính gửi Hoa," in message.text
    assert message.sms.isascii() and len(message.sms) <= 160
    assert sms_allowed(template)
    if template.endswith("_code") or template == "account_verify_phone":
        assert "042517" in message.sms and "042517" in message.text


def test_muted_event_is_skipped_on_that_channel_only(make_user: MakeUser) -> None:
    user = make_user(notify_muted=["answered:email", "answered:in_app"])
    created = notify_users(users=[user], template="answered", context=CONTEXT)
    assert {n.channel for n in created} == {NotificationChannel.SMS}
    created = notify_users(users=[user], template="published", context=CONTEXT)
    assert NotificationChannel.EMAIL in {n.channel for n in created}


def test_muted_event_also_silences_the_submission_contact(make_user: MakeUser) -> None:
    user = make_user(notify_muted=["answered:sms"])
    created: Any = notify_contact(
        email="khac@example.vn",
        phone="0912000999",
        user=user,
        template="answered",
        context=CONTEXT,
    )
    assert {(n.channel, n.address) for n in created} == {
        (NotificationChannel.IN_APP, ""),
        (NotificationChannel.EMAIL, "khac@example.vn"),
    }


def test_sent_sms_code_leaves_no_usable_code_in_the_outbox(make_user: MakeUser) -> None:
    user = make_user(phone="0912000777")
    (sms,) = send_phone_code(user=user)
    code = re.search(r"\b(\d{6})\b", sms.body_text)
    assert code
    deliver(notification_id=sms.pk)
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.SENT
    assert code.group(1) not in sms.body_text + sms.body_html
    assert "••••••" in sms.body_text
