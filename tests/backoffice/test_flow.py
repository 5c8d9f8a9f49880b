"""The whole workflow through the back-office pages with the test client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pakn.cases import services
from pakn.cases.models import AnswerStatus, Case, Status
from tests.cases.conftest import World

pytestmark = pytest.mark.django_db


def act(client, case: Case, action: str, data: dict[str, object], **extra: object):
    payload = {f"{action}-{k}": v for k, v in data.items()}
    return client.post(reverse("backoffice:case_action", args=[case.pk, action]), payload, **extra)


def counts(client, **params: str) -> dict[str, int]:
    response = client.get(reverse("backoffice:inbox"), params)
    assert response.status_code == 200
    return {q.key: n for q, n in response.context["queues"]}


def test_full_flow_through_the_back_office(client, world: World) -> None:
    case = world.new_case()

    client.force_login(world.intake)
    assert counts(client)["screen"] == 1
    page = client.get(reverse("backoffice:case", args=[case.pk])).content.decode()
    assert "/actions/accept/" in page
    assert "&lt;script&gt;" in page and "<script>alert(1)" not in page
    response = act(client, case, "accept", {"confirm": "on", "note": "Đúng thẩm quyền"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    assert counts(client)["screen"] == 0
    response = act(client, case, "assign", {"assignee": world.handler.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.assignee_id) == (Status.IN_PROGRESS, world.handler.pk)

    client.force_login(world.handler)
    assert counts(client)["mine"] == 1
    response = act(
        client,
        case,
        "request_info",
        {"confirm": "on", "question": "Xin cho biết số nhà cụ thể nơi có rác."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.NEEDS_INFO
    queues = counts(client)
    assert queues["needs_info"] == 1
    badge = client.get(reverse("backoffice:inbox"), {"queue": "needs_info"}).content.decode()
    assert "tạm dừng tính hạn" in badge

    services.submission_provide_info(case=case, text="Số 12 ngõ 5 phố Đông Kinh.")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert counts(client)["needs_info"] == 0
    assert "Số 12 ngõ 5" in client.get(reverse("backoffice:case", args=[case.pk])).content.decode()

    answer_text = "Đã bố trí thu gom rác hằng ngày; liên hệ tổ dân phố qua 0912345678."
    draft = {"outcome": "accepted", "text": answer_text, "signer_name": "Trần Văn Bình"}
    preview = client.post(
        reverse("backoffice:case_action", args=[case.pk, "draft_answer"]),
        {**{f"draft_answer-{k}": v for k, v in draft.items()}, "preview": "1"},
    )
    assert preview.status_code == 200
    # The preview shows the public version; the form keeps what the officer typed.
    assert preview.context["preview"]["text"] == answer_text.replace(
        "0912345678", "[số điện thoại đã ẩn]"
    )
    assert "Đã ẩn thông tin cá nhân trong câu trả lời: số điện thoại" in preview.content.decode()
    assert answer_text in preview.content.decode()
    assert "[số điện thoại đã ẩn]" in preview.context["preview"]["body"]
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    response = act(client, case, "draft_answer", {**draft, "submit": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ANSWER_REVIEW

    client.force_login(world.leader)
    assert counts(client)["approve"] == 1
    approvals = client.get(reverse("backoffice:approvals")).content.decode()
    assert answer_text in approvals
    response = act(client, case, "return_answer", {"comment": "Bổ sung thời gian thực hiện."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert counts(client)["approve"] == 0

    client.force_login(world.handler)
    page = client.get(reverse("backoffice:case", args=[case.pk])).content.decode()
    assert "Bổ sung thời gian thực hiện." in page
    assert answer_text in page  # the editor starts from the returned draft
    response = act(client, case, "draft_answer", {**draft, "text": answer_text + " Từ 1/12."})
    assert response.status_code == 302

    client.force_login(world.leader)
    response = act(client, case, "approve_answer", {"confirm": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ANSWERED
    assert case.answers.get(status=AnswerStatus.APPROVED).text.endswith("Từ 1/12.")
    response = act(client, case, "publish", {"confirm": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.PUBLISHED
    assert "0912345678" not in case.public_body
    assert list(case.events.values_list("action", flat=True)) == [
        "submitted",
        "accept",
        "assign",
        "request_info",
        "info_provided",
        "draft_answer",
        "return_answer",
        "draft_answer",
        "approve_answer",
        "publish",
    ]
    overview = client.get(reverse("backoffice:case", args=[case.pk])).content.decode()
    assert "Nhật ký xử lý" in overview


def test_service_errors_are_shown_next_to_the_form_with_typed_values_kept(
    as_user, world: World
) -> None:
    case = world.new_case()
    client = as_user(world.intake)
    response = act(client, case, "return", {"confirm": "on", "reason": "x"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Vui lòng nhập hướng dẫn cho người gửi" in html
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_missing_confirmation_keeps_what_was_typed(as_user, world: World) -> None:
    case = world.new_case()
    client = as_user(world.intake)
    response = act(client, case, "reject", {"reason": "Nội dung <b>xúc phạm</b> cán bộ"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Vui lòng đánh dấu ô xác nhận." in html
    assert 'aria-describedby="id_reject-confirm-error"' in html
    assert "Nội dung &lt;b&gt;xúc phạm&lt;/b&gt; cán bộ" in html
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_illegal_transition_says_why_with_409(as_user, world: World) -> None:
    case = world.new_case()
    client = as_user(world.leader)
    response = act(client, case, "publish", {"confirm": "on"})
    assert response.status_code == 409
    assert "Không thể thực hiện thao tác khi hồ sơ đang ở trạng thái" in response.content.decode()


def test_extend_is_a_leader_form_and_refuses_a_second_extension(as_user, world: World) -> None:
    case = world.new_case()
    client = as_user(world.leader)
    response = act(client, case, "extend", {"confirm": "on", "days": 5, "reason": "Cần khảo sát"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.extended_at is not None
    again = act(client, case, "extend", {"confirm": "on", "days": 5, "reason": "Lần nữa"})
    assert again.status_code == 409
    assert "đã được gia hạn một lần" in again.content.decode()


def test_merge_and_transfer_forms(as_user, world: World) -> None:
    main = world.new_case()
    dup = world.new_case()
    other = world.new_case()
    client = as_user(world.intake)
    response = act(client, dup, "merge", {"confirm": "on", "into": main.submission.tracking_code})
    assert response.status_code == 302
    dup.refresh_from_db()
    assert (dup.status, dup.merged_into_id) == (Status.MERGED, main.pk)
    response = act(
        client,
        other,
        "transfer",
        {"confirm": "on", "to_agency": world.b.pk, "reason": "Thuộc thẩm quyền sở B"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.agency_id == world.b.pk


def test_coordinating_agency_reads_and_answers_the_request(as_user, world: World) -> None:
    from tests.cases.conftest import drive

    case = drive(world, world.new_case(), "in_progress")
    client = as_user(world.handler)
    response = act(
        client,
        case,
        "coordinate",
        {"agencies": [world.b.pk], "question": "Đề nghị cho ý kiến về lịch thu gom", "days": 5},
    )
    assert response.status_code == 302
    client = as_user(world.handler_b)
    inbox = client.get(reverse("backoffice:inbox"), {"queue": "coordination"})
    assert [r["case"].pk for r in inbox.context["rows"]] == [case.pk]
    page = client.get(reverse("backoffice:case", args=[case.pk])).content.decode()
    assert "/coordination/" in page
    assert "/actions/" not in page
    request = case.coordinations.get()
    response = client.post(
        reverse("backoffice:coordination_respond", args=[case.pk, request.pk]),
        {f"coord-{request.pk}-response": "Đồng ý phối hợp từ tuần sau."},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.responded_at is not None


def test_transfer_out_of_my_agencies_lands_on_the_inbox_with_a_message(
    as_user, world: World
) -> None:
    case = world.new_case()
    client = as_user(world.intake)
    response = act(
        client,
        case,
        "transfer",
        {"confirm": "on", "to_agency": world.b.pk, "reason": "Thuộc thẩm quyền sở B"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:inbox")
    html = client.get(response["Location"]).content.decode()
    assert "Đã thực hiện: Chuyển cơ quan có thẩm quyền." in html
    assert "đã chuyển khỏi phạm vi của bạn" in html


def test_action_on_a_case_i_still_see_returns_to_the_case(as_user, world: World) -> None:
    case = world.new_case()
    client = as_user(world.intake)
    response = act(client, case, "accept", {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:case", args=[case.pk])


def test_assign_and_transfer_dropdowns_have_vietnamese_empty_labels(as_user, world: World) -> None:
    case = world.new_case()
    services.case_accept(case=case, actor=world.intake)
    client = as_user(world.intake)
    html = client.get(reverse("backoffice:case", args=[case.pk])).content.decode()
    assert "Select an option" not in html
    assert '<option value="" selected>— Chọn cán bộ —</option>' in html
    assert '<option value="" selected>— Chọn cơ quan —</option>' in html
