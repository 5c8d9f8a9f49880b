"""Forwarding a case to another PAKN system: who may, from which states, what is logged, and
the signed delivery that follows (with a fake network)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from pakn.cases.models import CaseEvent, Status
from pakn.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from pakn.federation.models import Delivery, DeliveryStatus, Forwarding, Health
from pakn.federation.services import delivery_retry_now, peer_forward_case
from pakn.federation.signing import verify
from pakn.ops import steps
from pakn.ops.models import Step, StepStatus
from tests.world import PASSWORD, World, drive

from .conftest import OUR_SECRET

pytestmark = pytest.mark.django_db


def _run_deliveries() -> list[str]:
    return [
        steps.run_step(pk)
        for pk in Step.objects.filter(
            name="federation.deliver", status=StepStatus.PENDING, run_after__lte=timezone.now()
        ).values_list("pk", flat=True)
    ]


def test_intake_officer_forwards_case_which_stays_here_as_transferred(world: World, peer):
    case = world.new_case()
    forwarding = peer_forward_case(
        case=case, actor=world.intake, peer=peer, reason="Thuộc thẩm quyền trung ương."
    )
    case.refresh_from_db()
    assert case.status == Status.TRANSFERRED
    assert case.agency == world.a  # our officers still see it; the submitter follows it here
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert event.action == "forward" and event.actor == world.intake and event.is_public
    assert event.data["peer"] == "quoc-gia" and event.reason == "Thuộc thẩm quyền trung ương."
    assert forwarding.peer == peer and forwarding.remote_tracking_code == ""
    delivery = Delivery.objects.get(forwarding=forwarding)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.url == "https://pakn.example.gov.vn/api/v1/federation/cases"
    assert Step.objects.filter(name="federation.deliver", payload__delivery_id=delivery.pk).exists()


def test_leader_may_forward_an_accepted_case(world: World, peer):
    case = drive(world, world.new_case(), "accepted")
    peer_forward_case(case=case, actor=world.leader, peer=peer, reason="Chuyển liên thông.")
    case.refresh_from_db()
    assert case.status == Status.TRANSFERRED


def test_handler_may_not_forward(world: World, peer):
    case = world.new_case()
    with pytest.raises(PermissionDenied):
        peer_forward_case(case=case, actor=world.handler, peer=peer, reason="Chuyển đi.")
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and not Forwarding.objects.exists()


def test_officer_of_another_agency_may_not_forward(world: World, peer):
    case = world.new_case()
    with pytest.raises(PermissionDenied):
        peer_forward_case(case=case, actor=world.intake_b, peer=peer, reason="Chuyển đi.")


def test_answered_case_cannot_be_forwarded(world: World, peer):
    case = drive(world, world.new_case(), "answered")
    with pytest.raises(IllegalTransition):
        peer_forward_case(case=case, actor=world.leader, peer=peer, reason="Chuyển đi.")
    assert not Delivery.objects.exists()


def test_forward_needs_a_reason_and_an_active_peer(world: World, peer):
    case = world.new_case()
    with pytest.raises(ValidationFailed):
        peer_forward_case(case=case, actor=world.intake, peer=peer, reason=" ")
    peer.is_active = False
    peer.save()
    with pytest.raises(ValidationFailed, match="không còn liên thông"):
        peer_forward_case(case=case, actor=world.intake, peer=peer, reason="Chuyển đi.")


def test_forward_delivery_is_signed_carries_the_submission_and_stores_the_remote_code(
    world: World, peer, fake_http
):
    case = world.new_case()
    forwarding = peer_forward_case(case=case, actor=world.intake, peer=peer, reason="Chuyển.")
    fake_http.replies.append((201, {"tracking_code": "QG7K2M9PX", "status": "submitted"}))
    assert _run_deliveries() == [StepStatus.DONE]
    sent = fake_http.sent[0]
    verify(
        secrets=[OUR_SECRET],
        timestamp=sent["headers"]["X-PAKN-Timestamp"],
        signature_header=sent["headers"]["X-PAKN-Signature"],
        body=sent["body"],
    )
    assert sent["headers"]["X-PAKN-Peer"] == "pakn"
    doc = fake_http.json()
    assert doc["external_id"] == case.submission.tracking_code
    assert doc["submitter"]["name"] == "Nguyễn Văn An"  # a government peer gets the full data
    assert doc["submitter"]["phone"] == "0912345678"
    forwarding.refresh_from_db()
    assert forwarding.remote_tracking_code == "QG7K2M9PX" and forwarding.accepted_at
    delivery = Delivery.objects.get(forwarding=forwarding)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert delivery.last_status_code == 201 and delivery.delivered_at
    peer.refresh_from_db()
    assert peer.health == Health.OK and peer.last_contact_at


def test_failed_delivery_is_logged_and_retried_with_exponential_backoff(
    world: World, peer, fake_http
):
    from pakn.federation.transport import TransportError

    peer_forward_case(case=world.new_case(), actor=world.intake, peer=peer, reason="Chuyển.")
    fake_http.replies.extend(
        [(503, {"code": "busy"}), TransportError("ConnectionRefusedError: refused"), (201, {})]
    )
    start = timezone.now()
    _run_deliveries()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.last_status_code == 503 and "HTTP 503" in delivery.last_error
    first_wait = delivery.next_attempt_at - start
    assert timedelta(seconds=29) <= first_wait <= timedelta(seconds=35)
    peer.refresh_from_db()
    assert peer.health == Health.FAILING
    assert _run_deliveries() == []  # not due yet
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        _run_deliveries()
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and "refused" in delivery.last_error
        assert delivery.last_status_code is None
        second_wait = delivery.next_attempt_at - timezone.now()
        assert timedelta(seconds=58) <= second_wait <= timedelta(seconds=61)
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        _run_deliveries()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3
    assert delivery.last_error == "" and len(fake_http.sent) == 3
    # Every attempt carried the same event id, so the receiver can tell a retry.
    assert len({s["headers"]["X-PAKN-Delivery"] for s in fake_http.sent}) == 1


def test_client_error_fails_for_good_and_retry_now_sends_once_more(world: World, peer, fake_http):
    peer_forward_case(case=world.new_case(), actor=world.intake, peer=peer, reason="Chuyển.")
    fake_http.replies.extend([(422, {"code": "invalid"}), (201, {"tracking_code": "QG7K2M9PX"})])
    _run_deliveries()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    delivery_retry_now(delivery=delivery)
    assert _run_deliveries() == [StepStatus.DONE]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    with pytest.raises(IllegalTransition):
        delivery_retry_now(delivery=delivery)


def test_a_delivery_is_sent_once_even_when_two_steps_run_for_it(world: World, peer, fake_http):
    peer_forward_case(case=world.new_case(), actor=world.intake, peer=peer, reason="Chuyển.")
    delivery = Delivery.objects.get()
    delivery_retry_now(delivery=delivery)  # a second step for the same pending delivery
    _run_deliveries()
    assert len(fake_http.sent) == 1


def test_gives_up_after_max_attempts(world: World, peer, fake_http):
    from pakn.federation import delivery as delivery_module

    peer_forward_case(case=world.new_case(), actor=world.intake, peer=peer, reason="Chuyển.")
    fake_http.replies.extend([(500, {})] * delivery_module.MAX_ATTEMPTS)
    now = timezone.now()
    for attempt in range(delivery_module.MAX_ATTEMPTS):
        with time_machine.travel(now + timedelta(hours=2 * attempt)):
            _run_deliveries()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == delivery_module.MAX_ATTEMPTS


# -- the back-office button ------------------------------------------------------------------


def _login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def test_backoffice_shows_the_forward_form_only_when_a_peer_exists(client, world: World):
    case = world.new_case()
    _login(client, world.intake)
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    assert "/actions/forward/" not in page


def test_backoffice_forward_button_forwards_with_reason(client, world: World, peer):
    case = world.new_case()
    _login(client, world.intake)
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    assert "/actions/forward/" in page and "Hệ thống PAKN quốc gia" in page
    response = client.post(
        f"/backoffice/cases/{case.pk}/actions/forward/",
        {
            "forward-peer": peer.pk,
            "forward-reason": "Thuộc thẩm quyền trung ương.",
            "forward-confirm": "on",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.TRANSFERRED
    page = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    assert 'id="forwarding"' in page and "đang gửi" in page


def test_backoffice_forward_without_reason_keeps_the_form(client, world: World, peer):
    case = world.new_case()
    _login(client, world.intake)
    response = client.post(
        f"/backoffice/cases/{case.pk}/actions/forward/",
        {"forward-peer": peer.pk, "forward-reason": "", "forward-confirm": "on"},
    )
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_backoffice_forward_of_another_agencys_case_is_404(client, world: World, peer):
    case = world.new_case()
    _login(client, world.intake_b)
    response = client.post(
        f"/backoffice/cases/{case.pk}/actions/forward/",
        {"forward-peer": peer.pk, "forward-reason": "Chuyển đi.", "forward-confirm": "on"},
    )
    assert response.status_code == 404


def test_backoffice_handler_is_refused_the_forward(client, world: World, peer):
    case = world.new_case()
    _login(client, world.handler)
    response = client.post(
        f"/backoffice/cases/{case.pk}/actions/forward/",
        {"forward-peer": peer.pk, "forward-reason": "Chuyển đi.", "forward-confirm": "on"},
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_backoffice_forward_of_answered_case_is_409(client, world: World, peer):
    case = drive(world, world.new_case(), "answered")
    _login(client, world.leader)
    response = client.post(
        f"/backoffice/cases/{case.pk}/actions/forward/",
        {"forward-peer": peer.pk, "forward-reason": "Chuyển đi.", "forward-confirm": "on"},
    )
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.status == Status.ANSWERED and not Forwarding.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_http_call_holds_no_database_transaction(world: World, peer, monkeypatch):
    from django.db import connection

    from pakn.federation import transport

    seen: list[bool] = []

    def post(url, body, headers):
        seen.append(connection.in_atomic_block)
        return transport.Response(201, b'{"tracking_code": "QG7K2M9PX"}')

    monkeypatch.setattr(transport, "post", post)
    peer_forward_case(case=world.new_case(), actor=world.intake, peer=peer, reason="Chuyển.")
    _run_deliveries()
    assert seen == [False]
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED


def test_admin_retry_now_action_schedules_a_failed_delivery_again(
    client, world: World, peer, fake_http
):
    peer_forward_case(case=world.new_case(), actor=world.intake, peer=peer, reason="Chuyển.")
    fake_http.replies.append((404, {"code": "not_found"}))
    _run_deliveries()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    client.force_login(world.superadmin)
    page = client.get("/admin/federation/delivery/")
    assert page.status_code == 200 and "Gửi lại ngay" in page.content.decode()
    response = client.post(
        "/admin/federation/delivery/",
        {"action": "retry_now", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "Đã xếp lịch gửi lại 1 yêu cầu." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert _run_deliveries() == [StepStatus.DONE]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_attachments_travel_inline_up_to_the_budget_and_the_rest_are_listed(
    world: World, peer, fake_http, monkeypatch
):
    import base64
    import io

    from PIL import Image

    from pakn.cases import services as S
    from pakn.federation import payloads

    def png(size: int) -> io.BytesIO:
        buffer = io.BytesIO()
        Image.effect_noise((size, size), 64).convert("RGB").save(buffer, "PNG")
        buffer.seek(0)
        return buffer

    small, large = png(8), png(200)
    small.name, large.name = "nho.png", "lon.png"
    case = S.submission_intake(data=world.intake_data(attachments=[small, large])).case
    sizes = sorted(a.size for a in case.submission.attachments.all())
    monkeypatch.setattr(payloads, "INLINE_ATTACHMENT_BUDGET", sizes[0] + 10)
    forwarding = peer_forward_case(case=case, actor=world.intake, peer=peer, reason="Chuyển.")
    _run_deliveries()
    doc = fake_http.json()
    assert [a["name"] for a in doc["attachments"]] == ["nho.png"]
    assert len(base64.b64decode(doc["attachments"][0]["content_base64"])) == sizes[0]
    assert [a["name"] for a in doc["attachments_omitted"]] == ["lon.png"]
    forwarding.refresh_from_db()
    assert [a["name"] for a in forwarding.omitted_attachments] == ["lon.png"]
    logged = Delivery.objects.get().body
    assert "content_base64" not in logged and "nho.png" in logged  # the log keeps no file bytes
