from __future__ import annotations

import pytest

from pakn.cases import services as S
from pakn.cases.models import Case, Status
from pakn.submissions.models import Channel, Submission

from .conftest import drive, submission_payload

pytestmark = pytest.mark.django_db


def test_submission_post_then_get_round_trip(api, world):
    created = api.post("/submissions", submission_payload(world))
    assert created.status_code == 201, created.json()
    body = created.json()
    code, raw, token = body["tracking_code"], body["tracking_code_raw"], body["access_token"]
    assert code.replace("-", "") == raw and len(raw) == 9
    assert body["status"] == "submitted" and body["created"] is True
    assert body["agency"]["id"] == world.a.pk
    assert body["due_at"] and body["screening_due_at"]
    assert Submission.objects.get(tracking_code=raw).channel == Channel.API

    by_query = api.get(f"/submissions/{code}", {"token": token})
    assert by_query.status_code == 200
    status = by_query.json()
    assert status["tracking_code_raw"] == raw
    assert status["status"] == "submitted"
    assert [e["action"] for e in status["timeline"]] == ["submitted"]
    assert status["answer"] is None

    by_header = api.get(f"/submissions/{raw.lower()}", HTTP_X_ACCESS_TOKEN=token)
    assert by_header.status_code == 200
    by_phone = api.get(f"/submissions/{raw}", {"phone": "+84987654321"})
    assert by_phone.status_code == 200


def test_wrong_token_is_not_found_in_vietnamese(api, world):
    code = api.post("/submissions", submission_payload(world)).json()["tracking_code"]
    response = api.get(f"/submissions/{code}", {"token": "đoán-bừa"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "Không tìm thấy" in response.json()["message"]


def test_malformed_tracking_code_is_422(api, world):
    response = api.get("/submissions/OOOO-IIIII", {"token": "x"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_idempotency_key_retry_creates_one_case(api, world):
    payload = submission_payload(world)
    first = api.post("/submissions", payload, HTTP_IDEMPOTENCY_KEY="lan-gui-1")
    again = api.post("/submissions", payload, HTTP_IDEMPOTENCY_KEY="lan-gui-1")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert again.json()["access_token"] == first.json()["access_token"]
    assert Case.objects.count() == 1
    other = api.post("/submissions", payload, HTTP_IDEMPOTENCY_KEY="lan-gui-2")
    assert other.status_code == 201
    assert Case.objects.count() == 2


def test_domain_validation_is_422_with_vietnamese_field_errors(api, world):
    payload = submission_payload(world, title="Hỏi")
    payload["submitter"] = {"name": "An", "phone": "", "email": ""}
    response = api.post("/submissions", payload)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid"
    assert "Tiêu đề cần ít nhất 5 ký tự." in error["fields"]["title"]
    assert "điện thoại" in error["fields"]["phone"]
    assert Case.objects.count() == 0


def test_request_validation_is_422_in_vietnamese(api, world):
    payload = submission_payload(world, kind="complaint")
    del payload["title"]
    payload["submitter"] = {"phone": "0912345678"}
    response = api.post("/submissions", payload)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid"
    assert error["message"].startswith("Dữ liệu gửi lên chưa hợp lệ.")
    assert error["fields"] == {
        "kind": "Giá trị không nằm trong danh sách cho phép.",
        "title": "Trường này là bắt buộc.",
        "submitter.name": "Trường này là bắt buộc.",
    }


def test_body_that_is_not_json_is_422(client, world):
    response = client.post("/api/v1/submissions", "{not json", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_submitter_provides_info_through_the_api(api, world):
    created = api.post("/submissions", submission_payload(world)).json()
    case = Case.objects.get(submission__tracking_code=created["tracking_code_raw"])
    S.case_request_info(case=case, actor=world.intake, question="Vui lòng gửi số nhà cụ thể.")
    status = api.get(
        f"/submissions/{created['tracking_code']}", {"token": created["access_token"]}
    ).json()
    assert status["status"] == "needs_info"
    assert status["info_question"] == "Vui lòng gửi số nhà cụ thể."

    response = api.post(
        f"/submissions/{created['tracking_code']}/info",
        {"token": created["access_token"], "text": "Số 12 đường Lê Lợi."},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    again = api.post(
        f"/submissions/{created['tracking_code']}/info",
        {"token": created["access_token"], "text": "Thêm nữa."},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_transition"


def test_info_needs_the_token(api, world):
    created = api.post("/submissions", submission_payload(world)).json()
    response = api.post(f"/submissions/{created['tracking_code']}/info", {"text": "Số 12."})
    assert response.status_code == 404


def test_submitter_rates_the_answer_once(api, world):
    created = api.post("/submissions", submission_payload(world)).json()
    case = Case.objects.get(submission__tracking_code=created["tracking_code_raw"])
    early = api.post(
        f"/submissions/{created['tracking_code']}/rating",
        {"token": created["access_token"], "score": 5},
    )
    assert early.status_code == 409
    drive(world, case, "answered")
    status = api.get(
        f"/submissions/{created['tracking_code']}", {"token": created["access_token"]}
    ).json()
    assert status["answer"]["outcome"] == "accepted"
    assert status["answer"]["text"] == "Đã thu gom rác và bố trí lịch cố định."

    bad = api.post(
        f"/submissions/{created['tracking_code']}/rating",
        {"token": created["access_token"], "score": 9},
    )
    assert bad.status_code == 422
    rated = api.post(
        f"/submissions/{created['tracking_code']}/rating",
        {"token": created["access_token"], "score": 4, "comment": "Xử lý nhanh."},
        HTTP_X_ACCESS_TOKEN=created["access_token"],
    )
    assert rated.status_code == 201
    assert rated.json()["score"] == 4
    twice = api.post(
        f"/submissions/{created['tracking_code']}/rating",
        {"token": created["access_token"], "score": 1},
    )
    assert twice.status_code == 409
    timeline = api.get(
        f"/submissions/{created['tracking_code']}", {"token": created["access_token"]}
    ).json()
    assert timeline["rating"]["score"] == 4
    assert "rate" in [e["action"] for e in timeline["timeline"]]


def test_internal_notes_stay_out_of_the_timeline(api, world):
    created = api.post("/submissions", submission_payload(world)).json()
    case = Case.objects.get(submission__tracking_code=created["tracking_code_raw"])
    S.case_accept(case=case, actor=world.intake, note="Ghi chú nội bộ bí mật")
    S.case_note(case=case, actor=world.intake, text="Một ghi chú nội bộ khác")
    status = api.get(
        f"/submissions/{created['tracking_code']}", {"token": created["access_token"]}
    ).json()
    assert [e["action"] for e in status["timeline"]] == ["submitted", "accept"]
    assert "nội bộ" not in str(status)


def test_fields_and_agencies_are_listed(api, world):
    fields = api.get("/fields")
    assert fields.status_code == 200
    assert world.field_id in [f["id"] for f in fields.json()]
    agencies = api.get("/agencies")
    assert {world.a.pk, world.b.pk, world.root.pk} <= {a["id"] for a in agencies.json()}
    children = api.get("/agencies", {"parent_id": world.parent.pk}).json()
    assert {a["id"] for a in children} == {world.a.pk, world.b.pk}


def _published_case(world, **overrides):
    case = drive(world, world.new_case(**overrides), "published")
    return case


def test_published_search_ignores_diacritics_and_hides_the_submitter(api, world):
    published = _published_case(world)
    world.new_case(title="Phản ánh chưa công khai về rác thải")  # still submitted
    response = api.get("/published", {"q": "rac thai ton dong"})
    assert response.status_code == 200
    page = response.json()
    assert [item["tracking_code"].replace("-", "") for item in page["items"]] == [
        published.submission.tracking_code
    ]
    item = page["items"][0]
    assert item["answer"]["text"] == "Đã thu gom rác và bố trí lịch cố định."
    text = response.content.decode()
    assert "Rác thải tồn đọng" in text  # UTF-8, not \u escapes: the checks below mean something
    for private in ("Nguyễn Văn An", "0912345678", "0912 345 678", "an@example.vn"):
        assert private not in text
    assert api.get("/published", {"q": "không có gì như thế"}).json()["items"] == []
    assert api.get("/published", {"kind": "initiative"}).json()["items"] == []
    assert len(api.get("/published", {"field": world.field_id}).json()["items"]) == 1


def test_closed_after_publication_stays_public(api, world):
    case = _published_case(world)
    S.case_close(case=case, actor=world.leader)
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED
    assert len(api.get("/published").json()["items"]) == 1


def test_published_cursor_pagination_walks_every_item_once(api, world):
    cases = [_published_case(world) for _ in range(5)]
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/published", params).json()
        seen += [item["tracking_code"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(c.replace("-", "") for c in seen) == sorted(
        c.submission.tracking_code for c in cases
    )


def test_bad_cursor_is_422(api, world):
    response = api.get("/published", {"cursor": "rác"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"cursor": "Con trỏ trang không hợp lệ."}


def test_submissions_are_rate_limited_per_address(api, world, settings):
    settings.PAKN_API_PUBLIC_WRITE_RATE = "2/m"
    for _ in range(2):
        assert api.post("/submissions", submission_payload(world)).status_code == 201
    refused = api.post("/submissions", submission_payload(world))
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1
    assert Case.objects.count() == 2
    # Following a submission is counted separately.
    code = Case.objects.first().submission.tracking_code
    assert api.get(f"/submissions/{code}", {"token": "x"}).status_code == 404


def test_idempotency_key_must_be_printable_and_short(api, world):
    long_key = api.post("/submissions", submission_payload(world), HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert long_key.status_code == 422
    assert "Idempotency-Key" in long_key.json()["fields"]


def test_nul_characters_are_bad_input_not_a_server_error(api, world):
    response = api.post("/submissions", submission_payload(world, title="Đèn\x00 đường hỏng"))
    assert response.status_code == 422
    assert api.get("/published", {"q": "rac\x00"}).status_code == 422


def test_huge_ids_are_bad_input(api, world):
    response = api.post("/submissions", submission_payload(world, field_id=2**70))
    assert response.status_code == 422
    assert api.get("/published", {"field": 2**40}).status_code == 422


def test_same_idempotency_key_for_another_submission_is_refused(api, world):
    assert (
        api.post("/submissions", submission_payload(world), HTTP_IDEMPOTENCY_KEY="k").status_code
        == 201
    )
    other = submission_payload(world, title="Một phản ánh hoàn toàn khác")
    response = api.post("/submissions", other, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["fields"]
    assert Case.objects.count() == 1


def test_retried_rating_with_idempotency_key_returns_the_first_result(api, world):
    created = api.post("/submissions", submission_payload(world)).json()
    drive(world, Case.objects.get(), "answered")
    path = f"/submissions/{created['tracking_code']}/rating"
    body = {"token": created["access_token"], "score": 5}
    first = api.post(path, body, HTTP_IDEMPOTENCY_KEY="r-1")
    again = api.post(path, body, HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert api.post(path, body).status_code == 409
