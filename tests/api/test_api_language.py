from __future__ import annotations

import pytest

from tests.api.conftest import Api, submission_payload

pytestmark = pytest.mark.django_db


def test_api_errors_stay_vietnamese_for_an_english_client(api: Api, world) -> None:
    response = api.post(
        "/submissions", submission_payload(world, title="abc"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert "Tiêu đề cần ít nhất 5 ký tự." in response.json()["fields"]["title"]


def test_the_portal_speaks_english_with_the_same_error(client, world) -> None:
    response = client.post(
        "/submit/",
        {"kind": "report", "title": "abc", "body": "x" * 20, "submitter_name": "An"},
        headers={"accept-language": "en"},
    )
    html = response.content.decode()
    assert "Tiêu đề cần ít nhất 5 ký tự." not in html
