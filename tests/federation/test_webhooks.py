"""Case events going out: to the peer a case came from, and to subscribed partner systems
(public, redacted content only); nothing at all is scheduled when nobody listens."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pakn.cases import services as S
from pakn.cases.models import CaseEvent
from pakn.federation import hooks
from pakn.federation.models import Delivery, DeliveryKind, DeliveryStatus, Subscription
from pakn.federation.signing import verify
from pakn.ops import steps
from pakn.ops.models import Step, StepStatus
from tests.world import World, drive

from .conftest import OUR_SECRET

pytestmark = pytest.mark.django_db

PARTNER_SECRET = "khoá-đối-tác-2026"


def _run(name: str) -> None:
    for pk in Step.objects.filter(name=name, status=StepStatus.PENDING).values_list(
        "pk", flat=True
    ):
        steps.run_step(pk)


def _subscribe(events, agency=None) -> Subscription:
    return Subscription.objects.create(
        name="Cổng dữ liệu mở",
        url="https://doitac.example.vn/hook",
        secret=PARTNER_SECRET,
        events=events,
        agency=agency,
    )


def test_nothing_is_scheduled_and_no_query_is_made_when_nobody_listens(world: World):
    case = drive(world, world.new_case(), "accepted")
    assert not Step.objects.filter(name="federation.fan_out").exists()
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    # As in a service: the case (and its submission) are already loaded by the transition.
    event.case = type(case).objects.select_related("submission").get(pk=case.pk)
    with CaptureQueriesContext(connection) as queries:
        hooks.on_case_event(event)  # the "anyone listening?" answer is remembered
    assert len(queries) == 0


def test_a_new_subscription_is_seen_at_once_in_this_process(world: World):
    drive(world, world.new_case(), "accepted")  # remembers "nobody listens"
    _subscribe(["case.status_changed"])
    drive(world, world.new_case(), "accepted")
    assert Step.objects.filter(name="federation.fan_out").count() == 1


def test_partner_gets_signed_status_changes_without_personal_data(world: World, fake_http):
    _subscribe(["case.status_changed"])
    case = drive(world, world.new_case(), "accepted")
    _run("federation.fan_out")
    _run("federation.deliver")
    sent = fake_http.sent[0]
    verify(
        secrets=[PARTNER_SECRET],
        timestamp=sent["headers"]["X-PAKN-Timestamp"],
        signature_header=sent["headers"]["X-PAKN-Signature"],
        body=sent["body"],
    )
    assert "X-PAKN-Peer" not in sent["headers"]
    doc = json.loads(sent["body"])
    assert doc["type"] == "case.status_changed" and doc["status"] == "accepted"
    assert doc["tracking_code"] == case.submission.tracking_code
    raw = sent["body"].decode()
    for private in ("Nguyễn Văn An", "0912345678", "an@example.vn", "Rác thải tồn đọng"):
        assert private not in raw
    delivery = Delivery.objects.get()
    assert delivery.kind == DeliveryKind.WEBHOOK and delivery.status == DeliveryStatus.DELIVERED


def test_answer_published_carries_only_the_redacted_public_text(world: World, fake_http):
    _subscribe(["answer.published"])
    case = drive(world, world.new_case(), "published")
    _run("federation.fan_out")
    _run("federation.deliver")
    assert len(fake_http.sent) == 1  # only the subscribed event type
    doc = fake_http.json()
    assert doc["type"] == "answer.published"
    assert doc["answer"]["text"] == "Đã thu gom rác và bố trí lịch cố định."
    assert doc["body"] == case.public_body and "0912345678" not in doc["body"]
    assert doc["url"].endswith(f"/published/{case.submission.tracking_code}/")
    assert "Nguyễn Văn An" not in fake_http.sent[0]["body"].decode()


def test_agency_filter_limits_a_subscription_to_a_subtree(world: World, fake_http):
    _subscribe(["case.status_changed"], agency=world.b)
    drive(world, world.new_case(), "accepted")  # agency a: not b's subtree
    _run("federation.fan_out")
    assert not Delivery.objects.exists()
    _subscribe(["case.status_changed"], agency=world.parent)
    drive(world, world.new_case(), "accepted")
    _run("federation.fan_out")
    assert Delivery.objects.count() == 1


def test_case_received_from_a_peer_reports_each_status_and_the_answer_back(
    world: World, peer, fake_http
):
    from pakn.cases import services as S

    issued = S.submission_intake(
        data=world.intake_data(
            channel="federation", source_instance="quoc-gia", external_id="QG7K2M9PX"
        )
    )
    assert not Step.objects.filter(name="federation.fan_out").exists()  # intake itself: no
    case = drive(world, issued.case, "answered")
    _run("federation.fan_out")
    _run("federation.deliver")
    docs = [json.loads(s["body"]) for s in fake_http.sent]
    assert [d["status"] for d in docs] == ["accepted", "in_progress", "answer_review", "answered"]
    assert all(d["external_id"] == "QG7K2M9PX" for d in docs)
    assert docs[-1]["answer"]["text"] == "Đã thu gom rác và bố trí lịch cố định."
    assert docs[0]["answer"] is None and docs[-1]["seq"] > docs[0]["seq"]
    assert len({d["event_id"] for d in docs}) == 4
    sent = fake_http.sent[-1]
    assert sent["url"] == "https://pakn.example.gov.vn/api/v1/federation/events"
    assert sent["headers"]["X-PAKN-Peer"] == "pakn"
    verify(
        secrets=[OUR_SECRET],
        timestamp=sent["headers"]["X-PAKN-Timestamp"],
        signature_header=sent["headers"]["X-PAKN-Signature"],
        body=sent["body"],
    )
    assert case.status == "answered"


def test_answer_published_hides_personal_data_written_in_the_answer(world: World, fake_http):
    _subscribe(["answer.published"])
    case = drive(world, world.new_case(), "in_progress")
    S.case_draft_answer(
        case=case,
        actor=world.handler,
        outcome="accepted",
        text="Kính gửi ông Nguyễn Văn An (SĐT 0912345678, email an.nguyen@example.vn). Đã xử lý.",
    )
    S.case_approve_answer(case=case, actor=world.leader)
    S.case_publish(case=case, actor=world.leader)
    _run("federation.fan_out")
    _run("federation.deliver")
    doc = fake_http.json()
    assert doc["type"] == "answer.published"
    assert "[số điện thoại đã ẩn]" in doc["answer"]["text"]
    raw = fake_http.sent[0]["body"].decode()
    for private in ("Nguyễn Văn An", "0912345678", "an.nguyen@example.vn"):
        assert private not in raw
