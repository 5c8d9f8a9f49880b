from __future__ import annotations

import smtplib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from pakn.accounts.models import User
from pakn.notifications import delivery
from pakn.notifications.delivery import DELIVER_STEP, MAX_ATTEMPTS, deliver
from pakn.notifications.models import DeliveryStatus, Notification, NotificationChannel
from pakn.notifications.services import notify_contact, notify_users
from pakn.ops.models import Step, StepStatus
from pakn.ops.steps import run_pending_now

from .conftest import CONTEXT

pytestmark = pytest.mark.django_db


def email_to_submitter() -> Notification:
    [notification] = notify_contact(
        email="nguoi.gui@example.vn", template="submission_received", context=CONTEXT
    )
    return notification


def fail_email_with(monkeypatch: pytest.MonkeyPatch, error: Exception) -> list[int]:
    calls: list[int] = []

    def send(self: EmailMultiAlternatives, fail_silently: bool = False) -> int:
        calls.append(1)
        raise error

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    return calls


def test_email_is_sent_with_vietnamese_subject_and_html_alternative(mailoutbox: list[Any]) -> None:
    notification = email_to_submitter()

    run_pending_now()

    [mail] = mailoutbox
    assert mail.to == ["nguoi.gui@example.vn"]
    assert mail.subject == "[PAKN K7M3-9XQ2C] Đã tiếp nhận phản ánh, kiến nghị"
    assert "Mã tra cứu: K7M3-9XQ2C" in mail.body
    [(html, mimetype)] = mail.alternatives
    assert mimetype == "text/html"
    assert '<td style="padding:4px 0">K7M3-9XQ2C</td>' in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert mail.extra_headers["Auto-Submitted"] == "auto-generated"
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None
    assert notification.last_error == ""


def test_delivery_step_run_twice_sends_once(mailoutbox: list[Any]) -> None:
    notification = email_to_submitter()

    deliver(notification_id=notification.pk)
    deliver(notification_id=notification.pk)
    run_pending_now()  # the step that was scheduled with it

    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert Step.objects.get(name=DELIVER_STEP).status == StepStatus.DONE


def test_each_recipient_gets_one_email(
    mailoutbox: list[Any], make_user: Callable[..., User]
) -> None:
    officers = [make_user(), make_user(language="en")]

    notify_users(users=officers, template="case_assigned", context=CONTEXT)
    run_pending_now()

    assert sorted(m.to[0] for m in mailoutbox) == sorted(o.email for o in officers)
    assert {m.subject for m in mailoutbox} == {
        "[PAKN K7M3-9XQ2C] Được giao xử lý hồ sơ",
        "[PAKN K7M3-9XQ2C] Case assigned to you",
    }


def test_transient_smtp_error_is_recorded_and_retried_later(
    monkeypatch: pytest.MonkeyPatch, mailoutbox: list[Any]
) -> None:
    calls = fail_email_with(
        monkeypatch, smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    )
    notification = email_to_submitter()

    run_pending_now()

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.PENDING
    assert notification.attempts == 1
    assert "SMTPServerDisconnected" in notification.last_error
    retry = Step.objects.get(name=DELIVER_STEP, status=StepStatus.PENDING)
    assert retry.run_after > timezone.now()
    assert len(calls) == 1

    monkeypatch.undo()
    with time_machine.travel(retry.run_after + timedelta(seconds=1)):
        run_pending_now()

    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SENT
    assert notification.attempts == 2


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"nguoi.gui@example.vn": (550, b"No such user")}),
        smtplib.SMTPDataError(554, b"Message rejected"),
    ],
)
def test_permanent_smtp_error_fails_without_retry(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    calls = fail_email_with(monkeypatch, error)
    notification = email_to_submitter()

    run_pending_now()
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        run_pending_now()

    assert len(calls) == 1
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.FAILED
    assert type(error).__name__ in notification.last_error
    assert not Step.objects.filter(status=StepStatus.PENDING).exists()


def test_smtp_4xx_is_transient(monkeypatch: pytest.MonkeyPatch) -> None:
    fail_email_with(monkeypatch, smtplib.SMTPDataError(451, b"Try again later"))
    notification = email_to_submitter()

    run_pending_now()

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.PENDING
    assert Step.objects.filter(name=DELIVER_STEP, status=StepStatus.PENDING).count() == 1


def test_gives_up_after_the_last_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    fail_email_with(monkeypatch, TimeoutError("timed out"))
    notification = email_to_submitter()
    Notification.objects.filter(pk=notification.pk).update(attempts=MAX_ATTEMPTS - 1)

    run_pending_now()

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.FAILED
    assert notification.attempts == MAX_ATTEMPTS
    assert not Step.objects.filter(status=StepStatus.PENDING).exists()


def test_notification_without_address_is_skipped(mailoutbox: list[Any]) -> None:
    notification = Notification.objects.create(
        channel=NotificationChannel.EMAIL, template="answered", subject="x", body_text="x"
    )

    deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SKIPPED
    assert mailoutbox == []


def test_unexpected_error_rolls_back_the_claim_so_the_step_retries(
    monkeypatch: pytest.MonkeyPatch, mailoutbox: list[Any]
) -> None:
    def broken(notification: Notification) -> None:
        raise RuntimeError("bug")

    notification = email_to_submitter()
    monkeypatch.setattr(delivery, "send_email", broken)

    run_pending_now()

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.PENDING
    assert notification.attempts == 0
    step = Step.objects.get(name=DELIVER_STEP)
    assert step.status == StepStatus.PENDING
    assert "RuntimeError: bug" in step.last_error

    monkeypatch.undo()
    with time_machine.travel(step.run_after + timedelta(seconds=1)):
        run_pending_now()
    assert len(mailoutbox) == 1


def test_sms_without_a_gateway_is_recorded_as_skipped_never_as_sent(settings) -> None:
    settings.PAKN_SMS_BACKEND = "none"
    [notification] = notify_contact(
        phone="0912345678", template="submission_received", context=CONTEXT
    )

    deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SKIPPED
    assert "no SMS gateway" in notification.last_error
    assert notification.sent_at is None


@pytest.mark.django_db(transaction=True)
def test_the_gateway_call_holds_no_database_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    # transaction=True: the test itself is not wrapped in a transaction, so what is seen is ours.
    from django.db import connection

    seen: list[bool] = []
    monkeypatch.setattr(delivery, "send_email", lambda n: seen.append(connection.in_atomic_block))
    notification = email_to_submitter()

    deliver(notification_id=notification.pk)

    assert seen == [False]
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SENT
    assert notification.claimed_until is None


def test_a_message_being_sent_by_another_worker_is_not_sent_again(mailoutbox: list[Any]) -> None:
    notification = email_to_submitter()
    Notification.objects.filter(pk=notification.pk).update(
        claimed_until=timezone.now() + timedelta(seconds=60)
    )

    deliver(notification_id=notification.pk)
    assert mailoutbox == []

    # The other worker died: once its claim has expired the message goes out.
    with time_machine.travel(timezone.now() + timedelta(seconds=delivery.CLAIM_SECONDS + 1)):
        deliver(notification_id=notification.pk)
    assert len(mailoutbox) == 1
