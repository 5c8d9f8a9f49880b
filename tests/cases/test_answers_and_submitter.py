from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from pakn.cases import services as S
from pakn.cases.models import Case, Status
from pakn.core.errors import IllegalTransition, NotFound, ValidationFailed
from pakn.notifications.models import Notification
from tests.cases.conftest import drive

pytestmark = pytest.mark.django_db


def test_leader_returns_once_then_approves_then_publishes_redacted(world):
    case = drive(world, world.new_case(), "answer_review")
    S.case_return_answer(case=case, actor=world.leader, comment="Bổ sung thời hạn khắc phục.")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    answer = case.answers.get()
    assert answer.status == "returned" and answer.review_comment == "Bổ sung thời hạn khắc phục."
    S.case_draft_answer(
        case=case,
        actor=world.handler,
        outcome="accepted",
        text="Đã thu gom, sẽ khắc phục trước 30/4.",
    )
    assert case.answers.count() == 1
    S.case_approve_answer(case=case, actor=world.leader)
    case.refresh_from_db()
    assert case.status == Status.ANSWERED and case.dispute_until is not None
    S.case_publish(case=case, actor=world.leader)
    case.refresh_from_db()
    assert case.status == Status.PUBLISHED
    assert "0912345678" not in case.public_body
    assert "[số điện thoại đã ẩn]" in case.public_body
    assert Notification.objects.filter(template="answered", case_ref=case.pk).exists()


def test_submitter_tracks_rates_once_and_disputes_within_window(world):
    result = S.submission_intake(data=world.intake_data())
    case = drive(world, result.case, "answered")
    found = S.find_case_for_submitter(
        code=result.submission.display_code, token=result.access_token
    )
    assert found.pk == case.pk
    assert (
        S.find_case_for_submitter(code=result.tracking_code, phone="+84 912 345 678").pk == case.pk
    )
    with pytest.raises(NotFound):
        S.find_case_for_submitter(code=result.tracking_code, token="sai")
    with pytest.raises(ValidationFailed):
        S.submission_rate(case=case, score=6)
    S.submission_rate(case=case, score=4, comment="Trả lời nhanh.")
    with pytest.raises(IllegalTransition, match="đã đánh giá"):
        S.submission_rate(case=case, score=5)
    S.submission_dispute(case=case, reason="Rác vẫn chưa được thu gom.")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert case.events.filter(action="dispute", is_public=True).exists()


def test_dispute_after_window_is_refused(world):
    case = drive(world, world.new_case(), "answered")
    with (
        time_machine.travel(case.dispute_until + timedelta(hours=1)),
        pytest.raises(IllegalTransition, match="hết thời hạn"),
    ):
        S.submission_dispute(case=case, reason="Chưa đồng ý.")


def test_merged_submitter_follows_main_case(world):
    main = world.new_case(title="Rác thải tồn đọng ở chợ Đông Kinh")
    dup = S.submission_intake(data=world.intake_data(title="Rác ở chợ Đông Kinh chưa thu gom"))
    S.case_merge(case=dup.case, actor=world.intake, into=main, reason="Trùng nội dung.")
    merged = Case.objects.get(pk=dup.case.pk)
    assert merged.status == Status.MERGED and merged.merged_into_id == main.pk
    assert main.events.filter(action="merged_in").exists()
    assert Notification.objects.filter(template="merged", case_ref=merged.pk).exists()


def test_cannot_merge_into_itself(world):
    case = world.new_case()
    with pytest.raises(ValidationFailed):
        S.case_merge(case=case, actor=world.intake, into=case)


def test_assignee_must_be_handler_of_the_agency(world):
    case = drive(world, world.new_case(), "accepted")
    with pytest.raises(ValidationFailed, match="cán bộ xử lý của cơ quan"):
        S.case_assign(case=case, actor=world.intake, assignee=world.handler_b)


def test_transfer_notifies_submitter_and_new_agency(world):
    case = world.new_case()
    S.case_transfer(
        case=case, actor=world.intake, to_agency=world.b, reason="Thuộc thẩm quyền sở B."
    )
    assert Notification.objects.filter(template="transferred", case_ref=case.pk).exists()
    assert Notification.objects.filter(template="case_received", recipient=world.intake_b).exists()


def test_merged_submitter_tracking_leads_to_main_case(world):
    main = world.new_case(title="Rác thải tồn đọng ở chợ Đông Kinh")
    dup = S.submission_intake(data=world.intake_data(title="Rác chợ Đông Kinh"))
    S.case_merge(case=dup.case, actor=world.intake, into=main)
    followed = S.find_case_for_submitter(code=dup.tracking_code, token=dup.access_token)
    assert followed.pk == main.pk


def test_answer_draft_carries_checked_attachments(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = drive(world, world.new_case(), "in_progress")
    pdf = SimpleUploadedFile("công văn trả lời.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF")
    answer = S.case_draft_answer(
        case=case,
        actor=world.handler,
        outcome="explained",
        text="Xem công văn đính kèm.",
        attachments=[pdf],
    )
    attachment = answer.attachments.get()
    assert (attachment.original_name, attachment.content_type) == (
        "công văn trả lời.pdf",
        "application/pdf",
    )
    with pytest.raises(ValidationFailed):
        S.case_draft_answer(
            case=Case.objects.get(pk=case.pk),
            actor=world.handler,
            outcome="explained",
            text="Tệp đính kèm không hợp lệ.",
            attachments=[SimpleUploadedFile("x.exe", b"MZ\x90\x00")],
        )


def test_officer_correction_of_kind_and_field_becomes_a_label(world):
    from tests.factories import FieldFactory

    other_field = FieldFactory(code="giao-thong")
    case = world.new_case()
    Case.objects.filter(pk=case.pk).update(
        suggestions={"kind": [{"label": "report", "confidence": 0.4}]}
    )
    S.case_classify(
        case=Case.objects.get(pk=case.pk),
        actor=world.intake,
        kind="recommendation",
        field_id=other_field.pk,
    )
    case.refresh_from_db()
    assert (case.submission.kind, case.submission.field_id) == ("recommendation", other_field.pk)
    assert case.classified_by == world.intake and case.classified_at is not None
    event = case.events.get(action="classify")
    assert event.data["corrected"] is True
    assert event.data["suggested"] == {"kind": "report"}
    assert event.data["before"]["kind"] == "report"
    from pakn.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        S.case_classify(case=case, actor=world.handler_b, kind="report")
