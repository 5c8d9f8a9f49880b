from __future__ import annotations

import pytest
from django.utils.html import escape

from pakn.cases import services as S
from pakn.core.tracking import format_tracking_code

from .conftest import drive, lang_son

pytestmark = pytest.mark.django_db


def _published(world, **overrides):
    result = S.submission_intake(data=world.intake_data(**overrides))
    return drive(world, result.case, "published")


def test_list_shows_only_published_cases_and_never_submitter_data(client, world):
    shown = _published(world, title="Đường Trần Phú ngập nước mỗi khi mưa")
    closed = _published(world, title="Cống thoát nước bị tắc ở chợ")
    S.case_close(case=closed, actor=world.leader)
    hidden = drive(world, world.new_case(title="Hồ sơ đã trả lời nhưng chưa công khai"), "answered")
    html = client.get("/published/").content.decode()
    assert escape(shown.public_title) in html
    assert escape(closed.public_title) in html
    assert "chưa công khai" not in html
    assert hidden.submission.title not in html
    for secret in ("Nguyễn Văn An", "0912345678", "0912 345 678", "an@example.vn"):
        assert secret not in html


def test_detail_shows_redacted_text_and_answer_and_404_when_not_published(client, world):
    case = _published(world)
    code = format_tracking_code(case.submission.tracking_code)
    html = client.get(f"/published/{code}/").content.decode()
    assert "Đã thu gom rác và bố trí lịch cố định." in html
    assert "[số điện thoại đã ẩn]" in html
    assert "0912345678" not in html and "Nguyễn Văn An" not in html
    assert "an@example.vn" not in html
    answered = drive(world, world.new_case(), "answered")
    assert client.get(f"/published/{answered.submission.tracking_code}/").status_code == 404
    assert client.get("/published/not-a-code/").status_code == 404


def test_search_without_diacritics_finds_text_with_diacritics(client, world):
    _published(world, title="Đèn đường hỏng ở phường Đông Kinh")
    _published(world, title="Học phí tăng cao bất thường")
    html = client.get("/published/", {"q": "den DUONG hong"}).content.decode()
    assert "Đèn đường hỏng" in html
    assert "Học phí" not in html
    html = client.get("/published/", {"q": "hoc phi"}).content.decode()
    assert "Học phí tăng cao" in html and "Đèn đường hỏng" not in html


def test_filters_by_field_province_and_kind(client, world):
    province = lang_son()
    in_ls = _published(world, title="Phản ánh ở Lạng Sơn", province_id=province.pk)
    _published(world, title="Kiến nghị ở nơi khác", kind="recommendation")
    html = client.get("/published/", {"province": province.pk}).content.decode()
    assert escape(in_ls.public_title) in html and "nơi khác" not in html
    html = client.get("/published/", {"kind": "recommendation"}).content.decode()
    assert "nơi khác" in html and "ở Lạng Sơn" not in html
    html = client.get("/published/", {"field": world.field_id}).content.decode()
    assert "nơi khác" in html and "ở Lạng Sơn" in html


def test_list_paginates_with_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for i in range(23):
        _published(world, title=f"Phản ánh số {i} về đường sá")
    with django_assert_max_num_queries(6):
        first = client.get("/published/", {"q": "duong sa"})
    assert first.content.decode().count("<li>\n  <h3>") == 20
    with django_assert_max_num_queries(6):
        second = client.get("/published/", {"q": "duong sa", "page": 2})
    assert second.content.decode().count("<li>\n  <h3>") == 3
    assert "q=duong+sa&amp;page=1" in second.content.decode()


def test_home_shows_action_search_figures_and_latest_answers(client, world):
    case = _published(world, title="Cây xanh đổ chắn đường")
    world.new_case()
    html = client.get("/").content.decode()
    assert 'href="/submit/"' in html and "Gửi phản ánh, kiến nghị" in html
    assert 'action="/published/"' in html and 'name="q"' in html
    assert escape(case.public_title) in html
    assert "<strong>2</strong> đã tiếp nhận" in html
    assert "<strong>1</strong> đã trả lời" in html
    assert "<strong>1</strong> đã công khai" in html


def test_similar_published_answers_are_offered_while_typing(client, world):
    _published(world, title="Đèn đường hỏng ở phường Đông Kinh")
    _published(world, title="Học phí tăng cao bất thường")
    data = client.get("/submit/similar/", {"q": "den duong hong lau ngay"}).json()
    assert [r["title"] for r in data["results"]] == ["Đèn đường hỏng ở phường Đông Kinh"]
    assert data["results"][0]["url"].startswith("/published/")
    assert client.get("/submit/similar/", {"q": ""}).json() == {"results": []}


def test_filters_by_agency_subtree_and_period(client, world):
    import time_machine

    with time_machine.travel("2026-03-02 09:00 +0700"):
        old = _published(world, title="Phản ánh cũ từ tháng ba")
    recent = _published(world, title="Phản ánh mới gần đây")
    html = client.get("/published/", {"agency": world.parent.pk}).content.decode()
    assert "tháng ba" in html and "mới gần đây" in html
    html = client.get("/published/", {"agency": world.b.pk}).content.decode()
    assert "tháng ba" not in html and "mới gần đây" not in html
    html = client.get(
        "/published/", {"since": "2026-03-01", "until": "2026-03-31"}
    ).content.decode()
    assert escape(old.public_title) in html and escape(recent.public_title) not in html


def test_similar_answers_come_from_the_duplicate_index_for_reworded_text(world, monkeypatch):
    from pakn.intelligence.hooks import duplicates_index_job
    from pakn.portal import selectors
    from pakn.portal.selectors import similar_published
    from tests.world import drive

    def no_fallback(*args, **kwargs):
        raise AssertionError("the keyword fallback was used")

    case = drive(
        world,
        world.new_case(
            title="Rác thải tồn đọng nhiều ngày ở chợ Đông Kinh",
            body="Rác thải sinh hoạt ở khu chợ Đông Kinh không được thu gom cả tuần, bốc mùi hôi thối.",
        ),
        "published",
    )
    duplicates_index_job()  # the one-minute job that indexes newly published answers
    monkeypatch.setattr(selectors, "_keyword_similar", no_fallback)
    found = similar_published("cho dong kinh rac thai ton dong khong thu gom, boc mui")
    assert [c.pk for c in found] == [case.pk]


def _page(client, case, language: str) -> str:
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(f"/published/{case.submission.tracking_code}/").content.decode()


def test_signer_shows_name_and_role_in_the_readers_language_and_nothing_private(client, world):
    case = _published(world)
    leader = world.leader
    vietnamese = _page(client, case, "vi")
    assert f"Người ký: {escape(leader.get_full_name())} (Lãnh đạo)" in vietnamese
    english = _page(client, case, "en")
    assert f"{escape(leader.get_full_name())} (Leader)" in english
    for html in (vietnamese, english):
        assert leader.email not in html
        assert escape(world.handler.get_full_name()) not in html  # who drafted stays internal
        assert leader.username not in html


def test_signer_typed_by_hand_is_shown_as_typed(client, world):
    case = world.new_case()
    drive(world, case, "in_progress")
    S.case_draft_answer(
        case=case,
        actor=world.handler,
        outcome="accepted",
        text="Đã xử lý xong việc thu gom rác.",
        signer_name="Trần Văn Bình, Phó Giám đốc Sở",
    )
    S.case_approve_answer(case=case, actor=world.leader)
    S.case_publish(case=case, actor=world.leader)
    html = _page(client, case, "vi")
    assert "Người ký: Trần Văn Bình, Phó Giám đốc Sở —" in html


def test_result_count_past_the_cap_says_more_than(client, world, monkeypatch):
    from pakn.core import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    for i in range(3):
        _published(world, title=f"Phản ánh đèn đường số {i}")
    html = client.get("/published/", {"q": "phan anh"}).content.decode()
    assert "hơn 2 kết quả" in html
    monkeypatch.setattr(paging, "COUNT_CAP", 10_000)
    html = client.get("/published/", {"q": "phan anh"}).content.decode()
    assert "3 kết quả" in html
