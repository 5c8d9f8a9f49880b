from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from pakn.notifications.delivery import DELIVER_STEP
from pakn.notifications.exceptions import PermanentDeliveryError, TransientDeliveryError
from pakn.notifications.models import DeliveryStatus, Notification
from pakn.notifications.services import notify_contact
from pakn.notifications.sms import HttpSmsBackend, LogSmsBackend, SmsMessage, get_sms_backend
from pakn.ops.models import Step, StepStatus
from pakn.ops.steps import run_pending_now

from .conftest import CONTEXT, Gateway

pytestmark = pytest.mark.django_db


def sms_to_submitter(template: str = "answered") -> Notification:
    [notification] = notify_contact(phone="0912345678", template=template, context=CONTEXT)
    return notification


def test_log_backend_records_the_folded_message(sms_outbox: list[SmsMessage]) -> None:
    notification = sms_to_submitter()

    run_pending_now()

    [message] = sms_outbox
    assert message.to == "0912345678"
    assert message.message == (
        "PAKN K7M3-9XQ2C: Da co ket qua tra loi, moi Ong/Ba xem va danh gia. " + CONTEXT["link"]
    )
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SENT
    assert notification.attempts == 1


def test_settings_choose_the_backend(settings: Any) -> None:
    assert isinstance(get_sms_backend(), LogSmsBackend)
    settings.PAKN_SMS_BACKEND = "http"
    settings.PAKN_SMS_HTTP_URL = "https://sms.example.vn/send"
    assert isinstance(get_sms_backend(), HttpSmsBackend)


def test_http_backend_posts_json_with_bearer_token(sms_gateway: Gateway) -> None:
    sms_to_submitter()

    run_pending_now()

    [request] = sms_gateway.requests
    assert request["path"] == "/sms"
    assert request["headers"]["Authorization"] == "Bearer test-token"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"]["to"] == "0912345678"
    assert request["json"]["message"].startswith("PAKN K7M3-9XQ2C: Da co ket qua tra loi")


def test_http_5xx_is_retried_later_and_the_message_sent_once(sms_gateway: Gateway) -> None:
    sms_gateway.responses = [500, 200]
    notification = sms_to_submitter()

    run_pending_now()

    assert len(sms_gateway.requests) == 1
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.PENDING
    assert notification.attempts == 1
    assert "HTTP 500" in notification.last_error
    retry = Step.objects.get(name=DELIVER_STEP, status=StepStatus.PENDING)
    assert retry.run_after > timezone.now()

    run_pending_now()  # not due yet
    assert len(sms_gateway.requests) == 1

    with time_machine.travel(retry.run_after + timedelta(seconds=1)):
        run_pending_now()

    assert len(sms_gateway.requests) == 2
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SENT
    assert notification.attempts == 2
    assert notification.sent_at is not None

    with time_machine.travel(timezone.now() + timedelta(days=1)):
        run_pending_now()
    assert len(sms_gateway.requests) == 2
    assert sms_gateway.requests[0]["json"] == sms_gateway.requests[1]["json"]


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_http_4xx_fails_without_retry(sms_gateway: Gateway, status: int) -> None:
    sms_gateway.responses = [status]
    notification = sms_to_submitter()

    run_pending_now()
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        run_pending_now()

    assert len(sms_gateway.requests) == 1
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.FAILED
    assert notification.attempts == 1
    assert f"HTTP {status}" in notification.last_error
    assert not Step.objects.filter(status=StepStatus.PENDING).exists()


@pytest.mark.parametrize("status", [429, 502, 503])
def test_http_throttling_and_gateway_errors_are_transient(
    sms_gateway: Gateway, status: int
) -> None:
    sms_gateway.responses = [status]
    backend = HttpSmsBackend(url=sms_gateway.url, token="t")

    with pytest.raises(TransientDeliveryError, match=f"HTTP {status}"):
        backend.send(to="0912345678", message="x")


def test_http_timeout_is_transient(sms_gateway: Gateway) -> None:
    sms_gateway.delay = 1.0
    backend = HttpSmsBackend(url=sms_gateway.url, token="t", timeout=0.2)

    with pytest.raises(TransientDeliveryError, match="unreachable"):
        backend.send(to="0912345678", message="x")


def test_refused_connection_is_transient() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = HttpSmsBackend(url=f"http://127.0.0.1:{port}/sms", token="t", timeout=2)

    with pytest.raises(TransientDeliveryError):
        backend.send(to="0912345678", message="x")


def test_redirect_is_not_followed(sms_gateway: Gateway) -> None:
    sms_gateway.responses = [302]
    backend = HttpSmsBackend(url=sms_gateway.url, token="t")

    with pytest.raises(PermanentDeliveryError, match="HTTP 302"):
        backend.send(to="0912345678", message="x")
    assert len(sms_gateway.requests) == 1


def test_gateway_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="http"):
        HttpSmsBackend(url="file:///etc/passwd", token="t")
