"""An answer is addressed to one citizen and often names them; every public surface shows it
through pakn.cases.publication.public_answer, only the submitter's own tracking page shows it as
written, and the officer's publish preview shows the public version and says what was hidden."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from pakn.cases import services as S
from pakn.cases.models import Case
from pakn.core.tracking import format_tracking_code
from tests.world import World, drive

pytestmark = pytest.mark.django_db

ANSWER = (
    "Kính gửi ông Nguyễn Văn An (SĐT 0912345678, email an.nguyen@example.vn). "
    "Đèn tại ngõ 12 Lê Lợi sẽ được thay trong tuần này."
)
PRIVATE = ("Nguyễn Văn An", "0912345678", "an.nguyen@example.vn")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _answered(world: World, *, publish: bool = True) -> tuple[Case, str]:
    result = S.submission_intake(data=world.intake_data(body="Đèn đường hỏng ở ngõ 12 Lê Lợi."))
    case = drive(world, result.case, "in_progress")
    S.case_draft_answer(case=case, actor=world.handler, outcome="accepted", text=ANSWER)
    S.case_approve_answer(case=case, actor=world.leader)
    if publish:
        S.case_publish(case=case, actor=world.leader)
    case.refresh_from_db()
    return case, result.access_token


def _assert_redacted(text: str) -> None:
    for private in PRIVATE:
        assert private not in text
    assert "[số điện thoại đã ẩn]" in text
    assert "sẽ được thay trong tuần này" in text  # the answer itself is still there


def test_published_detail_page_hides_personal_data_of_the_answer(client, world):
    case, _ = _answered(world)
    html = client.get(f"/published/{case.submission.tracking_code}/").content.decode()
    _assert_redacted(html)


def test_api_published_list_hides_personal_data_of_the_answer(client, world):
    _answered(world)
    response = client.get("/api/v1/published")
    assert response.status_code == 200
    [item] = response.json()["items"]
    _assert_redacted(item["answer"]["text"])
    _assert_redacted(response.content.decode())


def test_open311_service_notice_hides_personal_data_of_the_answer(client, world):
    case, _ = _answered(world)
    code = format_tracking_code(case.submission.tracking_code)
    for path in ("/open311/v2/requests.json", f"/open311/v2/requests/{code}.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        rows = [row for row in response.json() if row["service_request_id"] == code]
        assert rows, path
        _assert_redacted(rows[0]["service_notice"])
        for private in PRIVATE:
            assert private not in response.content.decode()


def test_home_page_never_shows_personal_data_of_an_answer(client, world):
    _answered(world)
    html = client.get("/").content.decode()
    for private in PRIVATE:
        assert private not in html


def test_submitter_tracking_page_shows_the_answer_as_written(client, world):
    case, token = _answered(world)
    code = format_tracking_code(case.submission.tracking_code)
    response = client.get("/track/", {"code": code, "token": token})
    html = client.get(response["Location"]).content.decode()
    assert "Kính gửi ông Nguyễn Văn An (SĐT 0912345678" in html


def test_submitter_api_view_shows_the_answer_as_written(client, world):
    case, token = _answered(world)
    code = format_tracking_code(case.submission.tracking_code)
    body = client.get(f"/api/v1/submissions/{code}", {"token": token}).json()
    assert body["answer"]["text"] == ANSWER


def test_publish_preview_shows_the_public_answer_and_warns_what_was_hidden(world):
    case, _ = _answered(world, publish=False)
    leader = Client()
    leader.force_login(world.leader)
    html = leader.get(f"/backoffice/cases/{case.pk}/").content.decode()
    preview = html[html.index("Bản người dân sẽ thấy khi công khai") :]
    preview = preview[: preview.index("</section>")]
    _assert_redacted(preview)
    assert "Đã ẩn thông tin cá nhân trong câu trả lời: email, họ tên, số điện thoại" in preview


def test_publish_preview_has_no_warning_when_nothing_was_hidden(world):
    case = drive(world, world.new_case(), "answered")
    leader = Client()
    leader.force_login(world.leader)
    html = leader.get(f"/backoffice/cases/{case.pk}/").content.decode()
    assert "Đã thu gom rác và bố trí lịch cố định." in html
    assert "Đã ẩn thông tin cá nhân trong câu trả lời" not in html
