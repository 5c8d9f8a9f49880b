from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pakn.accounts.models import ApiToken
from pakn.cases import services as S
from pakn.cases.models import Case, Status

from .conftest import drive

pytestmark = pytest.mark.django_db


def test_officer_endpoints_need_a_token(api, world):
    case = world.new_case()
    for response in (
        api.get("/cases"),
        api.get(f"/cases/{case.pk}"),
        api.post(f"/cases/{case.pk}/actions/accept", {}),
        api.get("/cases", HTTP_AUTHORIZATION="Bearer pakn_không-hợp-lệ"),
        api.get("/cases", HTTP_AUTHORIZATION="Basic YWxhZGRpbjpvcGVuc2VzYW1l"),
    ):
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
        assert "Bearer" in response.json()["message"]


def test_revoked_and_expired_tokens_are_refused(as_officer, world):
    officer = as_officer(world.intake)
    assert officer.get("/cases").status_code == 200
    ApiToken.objects.filter(user=world.intake).update(revoked_at=timezone.now())
    assert officer.get("/cases").status_code == 401
    expired = as_officer(world.intake)
    ApiToken.objects.filter(revoked_at=None).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert expired.get("/cases").status_code == 401


def test_officer_list_shows_only_visible_cases(as_officer, world):
    mine = world.new_case()
    elsewhere = world.new_case(field_id=None)  # routed to the root agency
    listed = as_officer(world.handler).get("/cases").json()
    assert [c["id"] for c in listed["items"]] == [mine.pk]
    assert listed["items"][0]["tracking_code"] == mine.submission.display_code
    assert as_officer(world.handler_b).get("/cases").json()["items"] == []
    citizen = as_officer(world.citizen).get("/cases")
    assert citizen.status_code == 403
    assert citizen.json()["code"] == "not_an_officer"
    everything = as_officer(world.superadmin).get("/cases").json()["items"]
    assert {c["id"] for c in everything} == {mine.pk, elsewhere.pk}


def test_case_of_another_agency_is_not_found(as_officer, world):
    case = world.new_case()
    other = as_officer(world.intake_b)
    detail = other.get(f"/cases/{case.pk}")
    assert detail.status_code == 404
    assert detail.json()["code"] == "not_found"
    action = other.post(f"/cases/{case.pk}/actions/accept", {})
    assert action.status_code == 404
    assert action.json()["code"] == "not_found"
    missing = other.get("/cases/999999")
    assert missing.json() == detail.json()
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_case_detail_has_its_log_and_available_actions(as_officer, world):
    case = drive(world, world.new_case(), "accepted")
    detail = as_officer(world.intake).get(f"/cases/{case.pk}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["status"] == "accepted"
    assert body["submitter"]["name"] == "Nguyễn Văn An"
    assert [e["action"] for e in body["log"]] == ["submitted", "accept"]
    assert [e["seq"] for e in body["log"]] == [1, 2]
    assert body["log"][1]["actor"]["id"] == world.intake.pk
    assert "assign" in body["available_actions"]
    assert "approve_answer" not in body["available_actions"]


def test_supervisor_reads_but_cannot_act(as_officer, world):
    case = world.new_case()
    supervisor = as_officer(world.supervisor)
    assert supervisor.get(f"/cases/{case.pk}").status_code == 200
    response = supervisor.post(f"/cases/{case.pk}/actions/accept", {})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_illegal_transition_is_409(as_officer, world):
    case = world.new_case()
    response = as_officer(world.leader).post(f"/cases/{case.pk}/actions/approve_answer", {})
    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "illegal_transition"
    assert "Chờ tiếp nhận" in error["message"]


def test_unknown_action_is_404_with_code(as_officer, world):
    case = world.new_case()
    response = as_officer(world.intake).post(f"/cases/{case.pk}/actions/delete", {})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "delete" in response.json()["message"]


def test_action_body_is_validated_in_vietnamese(as_officer, world):
    case = world.new_case()
    intake = as_officer(world.intake)
    missing = intake.post(f"/cases/{case.pk}/actions/reject", {})
    assert missing.status_code == 422
    assert missing.json()["fields"] == {"reason": "Trường này là bắt buộc."}
    extra = intake.post(f"/cases/{case.pk}/actions/accept", {"ghi_chu": "x"})
    assert extra.status_code == 422
    assert extra.json()["fields"] == {"ghi_chu": "Trường này không được hỗ trợ."}
    short = intake.post(f"/cases/{case.pk}/actions/reject", {"reason": "x"})
    assert short.status_code == 422
    assert short.json()["code"] == "invalid"
    not_json = intake.client.post(
        f"/api/v1/cases/{case.pk}/actions/accept",
        "{",
        content_type="application/json",
        headers=intake.headers,
    )
    assert not_json.status_code == 422
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_read_only_token_cannot_act(as_officer, world):
    case = world.new_case()
    reader = as_officer(world.intake, scopes="read")
    assert reader.get(f"/cases/{case.pk}").status_code == 200
    response = reader.post(f"/cases/{case.pk}/actions/accept", {})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def _body(world, action):
    other = world.new_case(title="Phản ánh trùng lặp về rác thải ở Đông Kinh")
    return {
        "accept": {"note": "Đúng thẩm quyền."},
        "return": {"reason": "Đây là khiếu nại; đề nghị gửi theo Luật Khiếu nại."},
        "reject": {"reason": "Nội dung vi phạm quy định."},
        "assign": {"assignee_id": world.handler.pk},
        "request_info": {"question": "Vui lòng cho biết số nhà."},
        "transfer": {"agency_id": world.b.pk, "reason": "Thuộc thẩm quyền Sở B."},
        "coordinate": {"agency_ids": [world.b.pk], "question": "Đề nghị cho ý kiến.", "days": 3},
        "note": {"text": "Đã gọi điện cho người dân.", "progress": False},
        "draft_answer": {
            "outcome": "explained",
            "text": "Cơ quan đã kiểm tra và giải thích như sau.",
            "signer_name": "Lê Văn Cường",
            "submit": True,
        },
        "approve_answer": {"note": "Đồng ý."},
        "return_answer": {"comment": "Bổ sung căn cứ pháp lý."},
        "publish": {"public_title": "Rác thải tồn đọng", "public_body": "Nội dung đã che."},
        "close": {"reason": "Hoàn thành."},
        "reopen": {"reason": "Người dân phản hồi chưa xử lý xong."},
        "merge": {"into_id": other.pk, "reason": "Trùng nội dung."},
        "extend": {"reason": "Cần khảo sát hiện trường.", "days": 5},
    }[action]


# action → (state to start from, who acts, status afterwards)
HAPPY_PATHS = {
    "accept": ("submitted", "intake", "accepted"),
    "return": ("submitted", "intake", "returned"),
    "reject": ("submitted", "intake", "rejected"),
    "assign": ("accepted", "intake", "in_progress"),
    "request_info": ("submitted", "intake", "needs_info"),
    "transfer": ("submitted", "intake", "submitted"),
    "coordinate": ("in_progress", "handler", "in_progress"),
    "note": ("submitted", "intake", "submitted"),
    "draft_answer": ("in_progress", "handler", "answer_review"),
    "approve_answer": ("answer_review", "leader", "answered"),
    "return_answer": ("answer_review", "leader", "in_progress"),
    "publish": ("answered", "leader", "published"),
    "close": ("answered", "leader", "closed"),
    "reopen": ("closed", "leader", "in_progress"),
    "merge": ("submitted", "intake", "merged"),
    "extend": ("accepted", "leader", "accepted"),
}


@pytest.mark.parametrize("action", sorted(HAPPY_PATHS))
def test_every_action_works_through_the_api(as_officer, world, action):
    start, role, expected = HAPPY_PATHS[action]
    case = drive(world, world.new_case(), start)
    body = _body(world, action)
    events_before = case.events.count()
    response = as_officer(getattr(world, role)).post(f"/cases/{case.pk}/actions/{action}", body)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == expected
    case.refresh_from_db()
    assert case.status == expected
    assert case.events.count() > events_before
    assert response.json()["log"][-1]["seq"] == case.events.count()


def test_transfer_moves_the_case_out_of_sight(as_officer, world):
    case = world.new_case()
    intake = as_officer(world.intake)
    response = intake.post(
        f"/cases/{case.pk}/actions/transfer",
        {"agency_id": world.b.pk, "reason": "Thuộc thẩm quyền Sở B."},
    )
    assert response.status_code == 200
    assert response.json()["agency"]["id"] == world.b.pk
    assert intake.get(f"/cases/{case.pk}").status_code == 404
    assert as_officer(world.intake_b).get(f"/cases/{case.pk}").status_code == 200


def test_action_referring_to_unknown_things_is_422(as_officer, world):
    case = drive(world, world.new_case(), "accepted")
    intake = as_officer(world.intake)
    assign = intake.post(f"/cases/{case.pk}/actions/assign", {"assignee_id": world.handler_b.pk})
    assert assign.status_code == 422
    assert "assignee" in assign.json()["fields"]
    transfer = intake.post(
        f"/cases/{case.pk}/actions/transfer", {"agency_id": 999999, "reason": "Chuyển đi."}
    )
    assert transfer.status_code == 422
    assert transfer.json()["fields"] == {
        "agency_id": "Cơ quan không tồn tại hoặc không còn hoạt động."
    }
    hidden = world.new_case(field_id=None)  # at the root agency: not visible to intake of A
    merge = intake.post(f"/cases/{case.pk}/actions/merge", {"into_id": hidden.pk})
    assert merge.status_code == 422


def test_list_filters(as_officer, world):
    first = world.new_case(title="Ổ gà trên đường Trần Hưng Đạo", kind="recommendation")
    second = drive(world, world.new_case(), "accepted")
    admin = as_officer(world.superadmin)

    def ids(**params):
        response = admin.get("/cases", params)
        assert response.status_code == 200, response.json()
        return {c["id"] for c in response.json()["items"]}

    assert ids(status="accepted") == {second.pk}
    assert ids(kind="recommendation") == {first.pk}
    assert ids(q="o ga tran hung dao") == {first.pk}
    assert ids(agency=world.a.pk) == {first.pk, second.pk}
    assert ids(agency=world.b.pk) == set()
    assert ids(field=world.field_id) == {first.pk, second.pk}
    assert ids(overdue="true") == set()
    Case.objects.filter(pk=first.pk).update(due_at=timezone.now() - timedelta(days=1))
    assert ids(overdue="true") == {first.pk}
    assert ids(overdue="false") == {second.pk}
    bad = admin.get("/cases", {"status": "lost"})
    assert bad.status_code == 422
    assert bad.json()["fields"] == {"status": "Giá trị không nằm trong danh sách cho phép."}


def test_cursor_pagination_walks_every_case_once(as_officer, world):
    now = timezone.now()
    cases = [world.new_case() for _ in range(7)]
    # Two cases received in the same instant: the id breaks the tie.
    Case.objects.filter(pk__in=[cases[2].pk, cases[3].pk]).update(received_at=now)
    officer = as_officer(world.intake)
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = officer.get("/cases", params).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(c.pk for c in cases)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize("limit", [5, 50])
def test_list_query_count_does_not_grow_with_page_size(
    as_officer, world, django_assert_max_num_queries, settings, limit
):
    # The rate limiter adds a constant few queries on the database cache; counted apart.
    settings.PAKN_API_OFFICER_RATE = ""
    for _ in range(6):
        drive(world, world.new_case(), "in_progress")
    for _ in range(50):
        S.submission_intake(data=world.intake_data())
    officer = as_officer(world.supervisor)
    with django_assert_max_num_queries(4):  # token, its last-used time, memberships, one page
        response = officer.get("/cases", {"limit": limit})
    assert len(response.json()["items"]) == limit


def test_officer_rate_limit_counts_per_token(as_officer, world, settings):
    settings.PAKN_API_OFFICER_RATE = "2/m"
    first, second = as_officer(world.intake), as_officer(world.intake)
    assert first.get("/cases").status_code == 200
    assert first.get("/cases").status_code == 200
    limited = first.get("/cases")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert second.get("/cases").status_code == 200


def test_huge_case_id_is_bad_input(as_officer, world):
    assert as_officer(world.intake).get(f"/cases/{2**40}").status_code == 422


def test_retried_action_with_idempotency_key_acts_once(as_officer, world):
    case = world.new_case()
    intake = as_officer(world.intake)
    first = intake.post(f"/cases/{case.pk}/actions/accept", {}, HTTP_IDEMPOTENCY_KEY="k-1")
    again = intake.post(f"/cases/{case.pk}/actions/accept", {}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert case.events.filter(action="accept").count() == 1
    without_key = intake.post(f"/cases/{case.pk}/actions/accept", {})
    assert without_key.status_code == 409
    reused = intake.post(
        f"/cases/{case.pk}/actions/note", {"text": "Ghi chú."}, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert reused.status_code == 422
    assert "Idempotency-Key" in reused.json()["fields"]
