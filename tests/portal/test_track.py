from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from pakn.cases import services as S
from pakn.cases.models import Case, Rating, Status
from pakn.core.tracking import check_character, format_tracking_code

from .conftest import drive

pytestmark = pytest.mark.django_db

NEUTRAL = "Không tìm thấy phản ánh với mã tra cứu và thông tin xác thực này."


def _submit(world, **overrides):
    return S.submission_intake(data=world.intake_data(**overrides))


def _code(result) -> str:
    return format_tracking_code(result.tracking_code)


def test_track_form_is_a_plain_post_form(client):
    html = client.get("/track/").content.decode()
    assert re.search(r'<form method="post" action="/track/"', html)
    for name in ("code", "token", "phone"):
        assert f'<label for="id_{name}"' in html


def test_track_with_token_link_shows_status_and_drops_token_from_url(client, world):
    result = _submit(world)
    response = client.get("/track/", {"code": _code(result), "token": result.access_token})
    assert response.status_code == 302
    assert "token" not in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "Chờ tiếp nhận" in html
    assert "Đã nhận phản ánh" in html
    assert "Hạn trả lời" in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html


def test_track_with_phone(client, world):
    result = _submit(world)
    response = client.post(
        "/track/", {"action": "lookup", "code": result.tracking_code, "phone": "+84912345678"}
    )
    assert response.status_code == 302
    assert "Chờ tiếp nhận" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("secret", [{"token": "sai-ma"}, {"phone": "0900000000"}])
def test_wrong_secret_gives_one_neutral_error(client, world, secret):
    result = _submit(world)
    response = client.post("/track/", {"action": "lookup", "code": _code(result), **secret})
    html = response.content.decode()
    assert response.status_code == 200
    assert NEUTRAL in html
    assert result.submission.title not in html


def test_unknown_code_gives_the_same_neutral_error(client, world):
    result = _submit(world)
    unused = "23456789" + check_character("23456789")
    assert unused != result.tracking_code
    response = client.post(
        "/track/", {"action": "lookup", "code": unused, "token": result.access_token}
    )
    assert NEUTRAL in response.content.decode()


def test_case_page_needs_a_granted_session(client, world):
    result = _submit(world)
    response = client.get("/track/", {"code": _code(result)})
    html = response.content.decode()
    assert result.submission.title not in html
    assert 'name="token"' in html


def test_internal_notes_and_officer_names_are_never_shown(client, world):
    result = _submit(world)
    case = drive(world, result.case, "in_progress")
    S.case_note(case=case, actor=world.handler, text="Ghi chú nội bộ: gọi anh Tuấn")
    client.get("/track/", {"code": _code(result), "token": result.access_token})
    html = client.get("/track/", {"code": _code(result)}).content.decode()
    assert "Ghi chú nội bộ" not in html
    assert escape(world.handler.get_full_name()) not in html


def test_submitter_replies_to_request_for_information(client, world):
    result = _submit(world)
    case = drive(world, result.case, "accepted")
    S.case_request_info(case=case, actor=world.intake, question="Xin ảnh chụp điểm rác cụ thể.")
    client.get("/track/", {"code": _code(result), "token": result.access_token})
    html = client.get("/track/", {"code": _code(result)}).content.decode()
    assert "Xin ảnh chụp điểm rác cụ thể." in html
    assert 'name="action" value="reply"' in html

    empty = client.post("/track/", {"action": "reply", "code": _code(result), "text": ""})
    assert "Cần nội dung." in empty.content.decode()

    response = client.post(
        "/track/",
        {"action": "reply", "code": _code(result), "text": "Điểm rác ở cổng chợ, cạnh cột điện."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    assert "Bạn đã bổ sung thông tin" in client.get(response["Location"]).content.decode()


def test_actions_need_the_session_grant(client, world):
    result = _submit(world)
    case = drive(world, result.case, "accepted")
    S.case_request_info(case=case, actor=world.intake, question="Xin thêm ảnh.")
    response = client.post(
        "/track/", {"action": "reply", "code": _code(result), "text": "Kẻ lạ trả lời thay."}
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Status.NEEDS_INFO


def test_submitter_sees_answer_rates_once_and_disputes(client, world):
    result = _submit(world)
    drive(world, result.case, "answered")
    client.get("/track/", {"code": _code(result), "token": result.access_token})
    html = client.get("/track/", {"code": _code(result)}).content.decode()
    assert "Đã thu gom rác và bố trí lịch cố định." in html
    assert "Tiếp thu, sẽ thực hiện" in html
    assert 'name="action" value="rate"' in html
    assert 'name="action" value="dispute"' in html

    missing = client.post("/track/", {"action": "rate", "code": _code(result)})
    assert "Vui lòng chọn mức độ hài lòng" in missing.content.decode()
    response = client.post(
        "/track/", {"action": "rate", "code": _code(result), "score": "4", "comment": "Tốt."}
    )
    assert response.status_code == 302
    assert Rating.objects.get(case=result.case).score == 4
    html = client.get(response["Location"]).content.decode()
    assert 'name="action" value="rate"' not in html
    assert "4/5" in html

    response = client.post(
        "/track/",
        {"action": "dispute", "code": _code(result), "reason": "Rác vẫn chưa được thu gom."},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=result.case.pk).status == Status.IN_PROGRESS


def test_repeated_wrong_guesses_are_slowed_down(client, world, monkeypatch):
    from pakn.portal import ratelimit

    monkeypatch.setattr(ratelimit, "LOOKUP_FAILURES", 3)
    result = _submit(world)
    for _ in range(3):
        html = client.post(
            "/track/", {"action": "lookup", "code": _code(result), "phone": "0900000001"}
        ).content.decode()
        assert NEUTRAL in html
    blocked = client.post(
        "/track/", {"action": "lookup", "code": _code(result), "phone": "0912345678"}
    )
    assert "thử quá nhiều lần" in blocked.content.decode()


def _guess_phones(client, code: str, *, times: int, address: str) -> None:
    for n in range(times):
        client.post(
            "/track/",
            {"action": "lookup", "code": code, "phone": f"090000{n:04d}"},
            REMOTE_ADDR=address,
        )


def test_phone_guesses_on_a_public_code_never_lock_out_the_token_link(client, world):
    from pakn.portal import ratelimit

    result = _submit(world)
    # Another visitor guesses phones for the code they read on /published/.
    _guess_phones(client, _code(result), times=ratelimit.LOOKUP_FAILURES + 2, address="10.0.0.9")
    response = client.get(
        "/track/", {"code": _code(result), "token": result.access_token}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302
    assert escape(result.submission.title) in client.get(response["Location"]).content.decode()


def test_valid_token_is_accepted_even_from_an_address_over_its_limit(client, world):
    from pakn.portal import ratelimit

    result = _submit(world)
    _guess_phones(client, _code(result), times=ratelimit.LOOKUP_FAILURES + 1, address="10.0.0.7")
    response = client.post(
        "/track/",
        {"action": "lookup", "code": _code(result), "token": result.access_token},
        REMOTE_ADDR="10.0.0.7",
    )
    assert response.status_code == 302


def test_phone_guesses_stay_limited_per_code_across_addresses(client, world):
    from pakn.portal import ratelimit

    result = _submit(world)
    for n in range(ratelimit.LOOKUP_FAILURES):
        _guess_phones(client, _code(result), times=1, address=f"10.0.1.{n}")
    blocked = client.post(
        "/track/",
        {"action": "lookup", "code": _code(result), "phone": "0912345678"},
        REMOTE_ADDR="10.0.2.1",
    )
    assert "thử quá nhiều lần" in blocked.content.decode()


def test_wrong_tokens_count_per_address_but_do_not_lock_the_code(client, world):
    from pakn.portal import ratelimit

    result = _submit(world)
    for _ in range(ratelimit.LOOKUP_FAILURES):
        client.post(
            "/track/",
            {"action": "lookup", "code": _code(result), "token": "sai-ma"},
            REMOTE_ADDR="10.0.3.1",
        )
    same_address = client.post(
        "/track/",
        {"action": "lookup", "code": _code(result), "phone": "0912345678"},
        REMOTE_ADDR="10.0.3.1",
    )
    assert "thử quá nhiều lần" in same_address.content.decode()
    other_address = client.post(
        "/track/",
        {"action": "lookup", "code": _code(result), "phone": "0912345678"},
        REMOTE_ADDR="10.0.3.2",
    )
    assert other_address.status_code == 302


def test_submitter_can_remove_access_from_a_shared_device(client, world):
    result = _submit(world)
    client.get("/track/", {"code": _code(result), "token": result.access_token})
    response = client.post("/track/", {"action": "forget", "code": _code(result)})
    assert response.status_code == 302
    html = client.get("/track/", {"code": _code(result)}).content.decode()
    assert escape(result.submission.title) not in html
    assert 'name="token"' in html


def test_returned_case_shows_the_guidance_to_the_submitter(client, world):
    result = _submit(world)
    S.case_return(
        case=result.case,
        actor=world.intake,
        reason="Nội dung là khiếu nại, vui lòng gửi theo Luật Khiếu nại tới UBND phường.",
    )
    client.get("/track/", {"code": _code(result), "token": result.access_token})
    html = client.get("/track/", {"code": _code(result)}).content.decode()
    assert "Trả lại, hướng dẫn" in html
    assert "vui lòng gửi theo Luật Khiếu nại" in html


def test_reply_form_carries_the_upload_limits_for_the_browser_check(client, world, settings):
    settings.PAKN_MAX_UPLOAD_MB, settings.PAKN_MAX_ATTACHMENTS = 7, 3
    result = _submit(world)
    case = drive(world, result.case, "accepted")
    S.case_request_info(case=case, actor=world.intake, question="Xin ảnh chụp điểm rác cụ thể.")
    client.get("/track/", {"code": _code(result), "token": result.access_token})
    html = client.get("/track/", {"code": _code(result)}).content.decode()
    assert re.search(r'<input type="file"[^>]*data-max-upload-mb="7"[^>]*data-max-files="3"', html)
    assert 'data-upload-check-for="id_attachments"' in html
