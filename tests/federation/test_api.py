"""The federation endpoints: a peer forwards a case to us, and a peer reports back on a case we
forwarded (status, answer), each request signed; and the officers' REST forward action."""

from __future__ import annotations

import base64
import io
import json
import time

import pytest
from PIL import Image

from pakn.accounts.tokens import api_token_issue
from pakn.cases import services as S
from pakn.cases.log import verify_chain
from pakn.cases.models import Answer, CaseEvent, Status
from pakn.federation.models import Forwarding, ReceivedEvent
from pakn.federation.services import peer_forward_case
from pakn.submissions.models import Channel, Submission
from tests.world import World

from .conftest import OUR_SECRET, THEIR_SECRET, signed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def _forward_doc(world: World, **overrides):
    doc = {
        "external_id": "LS4K7M2QA",
        "reason": "Thuộc thẩm quyền của cơ quan trung ương.",
        "kind": "report",
        "field": "moi-truong",
        "title": "Rác thải tồn đọng ở phường Đông Kinh",
        "body": "Rác không được thu gom đã một tuần, bốc mùi hôi thối.",
        "submitter": {"name": "Nguyễn Văn An", "phone": "0912345678", "email": "an@example.vn"},
        "attachments": [{"name": "anh.png", "content_type": "image/png", "content_base64": _png()}],
    }
    doc.update(overrides)
    return doc


# -- a peer forwards a case to us -------------------------------------------------------------


def test_peer_forwards_a_case_and_gets_our_tracking_code(client, world: World, peer):
    response = client.post(
        "/api/v1/federation/cases", **signed("quoc-gia", THEIR_SECRET, _forward_doc(world))
    )
    assert response.status_code == 201, response.content
    code = response.json()["tracking_code"]
    submission = Submission.objects.get(tracking_code=code)
    assert submission.channel == Channel.FEDERATION
    assert submission.source_instance == "quoc-gia" and submission.external_id == "LS4K7M2QA"
    assert submission.submitter_name == "Nguyễn Văn An"
    assert submission.attachments.count() == 1
    assert submission.case.agency == world.a  # routed by the field, like any intake
    # The same forward again (a retry after a lost answer) creates nothing new.
    again = client.post(
        "/api/v1/federation/cases", **signed("quoc-gia", THEIR_SECRET, _forward_doc(world))
    )
    assert again.status_code == 200 and again.json()["tracking_code"] == code
    assert Submission.objects.count() == 1


def test_forwarded_submitter_is_not_contacted_by_the_receiving_system(client, world: World, peer):
    from pakn.notifications.models import Notification

    client.post("/api/v1/federation/cases", **signed("quoc-gia", THEIR_SECRET, _forward_doc(world)))
    case = Submission.objects.get().case
    from pakn.ops.steps import run_pending_now

    run_pending_now()
    S.case_accept(case=case, actor=world.intake)
    citizen = Notification.objects.filter(address__in=["0912345678", "an@example.vn"])
    assert not citizen.exists()  # the origin tells them, under the code they already have


def test_unsigned_or_wrongly_signed_forward_is_refused(client, world: World, peer):
    kwargs = signed("quoc-gia", "khoá-sai", _forward_doc(world))
    response = client.post("/api/v1/federation/cases", **kwargs)
    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature" and "Chữ ký" in response.json()["message"]
    unknown = client.post(
        "/api/v1/federation/cases", **signed("la-lam", THEIR_SECRET, _forward_doc(world))
    )
    assert unknown.status_code == 401
    assert not Submission.objects.exists()


def test_forward_with_bad_content_is_422_in_vietnamese(client, world: World, peer):
    doc = _forward_doc(world, title="Rác", submitter={"name": "An"})
    response = client.post("/api/v1/federation/cases", **signed("quoc-gia", THEIR_SECRET, doc))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and "title" in body["fields"]
    missing = client.post(
        "/api/v1/federation/cases", **signed("quoc-gia", THEIR_SECRET, {"kind": "report"})
    )
    assert missing.status_code == 422 and missing.json()["fields"]


def test_forward_with_broken_attachment_is_422(client, world: World, peer):
    doc = _forward_doc(
        world, attachments=[{"name": "x.png", "content_type": "image/png", "content_base64": "%%%"}]
    )
    response = client.post("/api/v1/federation/cases", **signed("quoc-gia", THEIR_SECRET, doc))
    assert response.status_code == 422 and "base64" in response.json()["message"]


# -- a peer reports back on a case we forwarded ----------------------------------------------


@pytest.fixture
def forwarded(world: World, peer):
    issued = S.submission_intake(data=world.intake_data())
    forwarding = peer_forward_case(
        case=issued.case, actor=world.intake, peer=peer, reason="Thuộc thẩm quyền trung ương."
    )
    forwarding.remote_tracking_code = "QG7K2M9PX"
    forwarding.save()
    return issued, forwarding


def _event(code: str, event_id: str, status: str, seq: int, **extra):
    return {"event_id": event_id, "external_id": code, "status": status, "seq": seq, **extra}


ANSWER = {
    "outcome": "accepted",
    "text": "Đã chỉ đạo thu gom rác và bố trí lịch thu gom cố định hằng ngày.",
    "signer_name": "Trần Thị Bình",
    "answered_at": "2026-12-01T09:00:00+07:00",
}


def test_remote_status_shows_in_the_public_timeline(client, world: World, peer, forwarded):
    issued, _ = forwarded
    code = issued.tracking_code
    doc = _event(code, "evt-accept-0001", "accepted", 2)
    response = client.post("/api/v1/federation/events", **signed("quoc-gia", THEIR_SECRET, doc))
    assert response.status_code == 200 and response.json() == {"result": "applied"}
    event = CaseEvent.objects.filter(case=issued.case).order_by("-seq").first()
    assert event.action == "remote_status" and event.is_public and event.actor is None
    assert event.actor_label == "Hệ thống PAKN quốc gia" and event.agency == peer.agency
    page = client.get(f"/track/?code={code}&token={issued.access_token}", follow=True)
    text = page.content.decode()
    assert "Cập nhật từ hệ thống PAKN đang xử lý" in text and "Đã tiếp nhận" in text
    assert Forwarding.objects.get().remote_status == "accepted"


def test_remote_answer_becomes_our_answer_on_track_and_can_be_rated(
    client, world: World, peer, forwarded
):
    issued, _ = forwarded
    code = issued.tracking_code
    doc = _event(code, "evt-answer-0001", "answered", 6, answer=ANSWER)
    assert (
        client.post(
            "/api/v1/federation/events", **signed("quoc-gia", THEIR_SECRET, doc)
        ).status_code
        == 200
    )
    case = issued.case
    case.refresh_from_db()
    assert case.status == Status.ANSWERED and case.dispute_until
    answer = Answer.objects.get(case=case)
    assert answer.drafted_by is None and answer.signer_name == "Trần Thị Bình"
    page = client.get(
        f"/track/?code={code}&token={issued.access_token}", follow=True
    ).content.decode()
    assert "bố trí lịch thu gom cố định" in page and "Trần Thị Bình" in page
    S.submission_rate(case=case, score=5, comment="Cảm ơn")
    # Publication there publishes here too, redacted.
    doc = _event(code, "evt-publish-001", "published", 7, answer=ANSWER)
    assert (
        client.post(
            "/api/v1/federation/events", **signed("quoc-gia", THEIR_SECRET, doc)
        ).status_code
        == 200
    )
    case.refresh_from_db()
    assert case.status == Status.PUBLISHED and "0912345678" not in case.public_body
    assert verify_chain([case.pk]) is None  # remote events are ordinary, chained log lines
    client.force_login(world.intake)
    screen = client.get(f"/backoffice/cases/{case.pk}/").content.decode()
    assert "Hệ thống nhận chuyển đã trả lời" in screen and "QG7K2M9PX" in screen


def test_answer_and_publication_arriving_as_one_event_publish_here(
    client, world: World, peer, forwarded
):
    issued, _ = forwarded
    doc = _event(issued.tracking_code, "evt-publish-002", "published", 7, answer=ANSWER)
    client.post("/api/v1/federation/events", **signed("quoc-gia", THEIR_SECRET, doc))
    issued.case.refresh_from_db()
    assert issued.case.status == Status.PUBLISHED
    # The late "answered" event (seq 6) is older than what was applied: nothing moves back.
    late = _event(issued.tracking_code, "evt-answer-0002", "answered", 6, answer=ANSWER)
    response = client.post("/api/v1/federation/events", **signed("quoc-gia", THEIR_SECRET, late))
    assert response.json() == {"result": "stale"}
    issued.case.refresh_from_db()
    assert issued.case.status == Status.PUBLISHED and Answer.objects.count() == 1


def test_replayed_event_id_is_not_applied_twice(client, world: World, peer, forwarded):
    issued, _ = forwarded
    doc = _event(issued.tracking_code, "evt-progress-01", "in_progress", 3)
    first = client.post("/api/v1/federation/events", **signed("quoc-gia", THEIR_SECRET, doc))
    before = CaseEvent.objects.filter(case=issued.case).count()
    replay = client.post("/api/v1/federation/events", **signed("quoc-gia", THEIR_SECRET, doc))
    assert first.json() == {"result": "applied"} and replay.json() == {"result": "duplicate"}
    assert CaseEvent.objects.filter(case=issued.case).count() == before
    assert ReceivedEvent.objects.count() == 1


def test_event_with_old_timestamp_is_refused(client, world: World, peer, forwarded):
    issued, _ = forwarded
    doc = _event(issued.tracking_code, "evt-old-000001", "accepted", 2)
    kwargs = signed("quoc-gia", THEIR_SECRET, doc, now=time.time() - 600)
    response = client.post("/api/v1/federation/events", **kwargs)
    assert response.status_code == 401 and "quá hạn" in response.json()["message"]
    assert not ReceivedEvent.objects.exists()


def test_event_signed_with_the_previous_secret_is_accepted_during_rotation(
    client, world: World, peer, forwarded
):
    issued, _ = forwarded
    peer.incoming_secret_previous = THEIR_SECRET
    peer.incoming_secret = "khoá-mới-2027"
    peer.save()
    old = _event(issued.tracking_code, "evt-rotate-0001", "accepted", 2)
    assert (
        client.post(
            "/api/v1/federation/events", **signed("quoc-gia", THEIR_SECRET, old)
        ).status_code
        == 200
    )
    new = _event(issued.tracking_code, "evt-rotate-0002", "in_progress", 3)
    assert (
        client.post(
            "/api/v1/federation/events", **signed("quoc-gia", "khoá-mới-2027", new)
        ).status_code
        == 200
    )
    peer.incoming_secret_previous = ""
    peer.save()
    gone = _event(issued.tracking_code, "evt-rotate-0003", "answer_review", 4)
    assert (
        client.post(
            "/api/v1/federation/events", **signed("quoc-gia", THEIR_SECRET, gone)
        ).status_code
        == 401
    )


def test_event_for_a_case_not_forwarded_to_that_peer_is_404(client, world: World, peer, forwarded):
    other = world.new_case()
    doc = _event(other.submission.tracking_code, "evt-other-00001", "accepted", 2)
    response = client.post("/api/v1/federation/events", **signed("quoc-gia", THEIR_SECRET, doc))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not ReceivedEvent.objects.exists()  # a later, correct event with this id still applies


def test_our_own_outgoing_secret_does_not_authenticate_incoming_requests(
    client, world: World, peer, forwarded
):
    issued, _ = forwarded
    doc = _event(issued.tracking_code, "evt-wrong-key-01", "accepted", 2)
    assert (
        client.post("/api/v1/federation/events", **signed("quoc-gia", OUR_SECRET, doc)).status_code
        == 401
    )


# -- the officers' REST action -----------------------------------------------------------------


def _officer_post(client, user, path: str, body: dict):
    _token, token = api_token_issue(user=user, name="kiểm thử")
    return client.post(
        f"/api/v1{path}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_rest_forward_action(client, world: World, peer):
    case = world.new_case()
    body = {"peer_id": peer.pk, "reason": "Thuộc thẩm quyền trung ương."}
    other = _officer_post(client, world.intake_b, f"/cases/{case.pk}/actions/forward", body)
    assert other.status_code == 404
    handler = _officer_post(client, world.handler, f"/cases/{case.pk}/actions/forward", body)
    assert handler.status_code == 403
    missing = _officer_post(
        client,
        world.intake,
        f"/cases/{case.pk}/actions/forward",
        {"peer_id": 999, "reason": "x y z"},
    )
    assert missing.status_code == 422 and "peer_id" in missing.json()["fields"]
    ok = _officer_post(client, world.intake, f"/cases/{case.pk}/actions/forward", body)
    assert ok.status_code == 200 and ok.json()["status"] == "transferred"
    again = _officer_post(client, world.intake, f"/cases/{case.pk}/actions/forward", body)
    assert again.status_code == 409


@pytest.mark.parametrize(
    "raw", [b"[]", b"not json", b'{"event_id": 5}', '{"x": "\u0000"}'.encode()]
)
def test_signed_but_malformed_bodies_are_422_not_a_server_error(client, world: World, peer, raw):
    from pakn.federation.signing import signed_headers

    headers = {**signed_headers(secret=THEIR_SECRET, body=raw), "X-PAKN-Peer": "quoc-gia"}
    for path in ("/api/v1/federation/cases", "/api/v1/federation/events"):
        response = client.post(path, data=raw, content_type="application/json", headers=headers)
        assert response.status_code == 422, (path, response.content)
        assert response.json()["code"] == "invalid" and response.json()["message"]


def test_case_returned_by_the_peer_comes_back_to_our_intake(client, world: World, peer, forwarded):
    issued, _ = forwarded
    doc = _event(
        issued.tracking_code,
        "evt-return-00001",
        "returned",
        3,
        note="Không thuộc thẩm quyền của Bộ; đề nghị UBND tỉnh giải quyết.",
    )
    assert (
        client.post(
            "/api/v1/federation/events", **signed("quoc-gia", THEIR_SECRET, doc)
        ).status_code
        == 200
    )
    case = issued.case
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and case.agency == world.a and case.screening_due_at
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert event.action == "remote_returned" and "đề nghị UBND tỉnh" in event.reason
    # Our intake may now forward it elsewhere or handle it here.
    S.case_accept(case=case, actor=world.intake)
