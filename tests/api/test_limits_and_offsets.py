"""The OpenAPI document states the limits intake enforces; every API datetime is +07:00."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from pakn.cases.models import Case
from tests.api.conftest import submission_payload

OFFSET = re.compile(r"\+07:00$")


@pytest.fixture
def components(client):
    return client.get("/api/v1/openapi.json").json()["components"]["schemas"]


def test_openapi_states_the_intake_limits(components):
    submission = components["SubmissionIn"]["properties"]
    submitter = components["SubmitterIn"]["properties"]
    location = components["LocationIn"]["properties"]
    assert submission["title"]["maxLength"] == 250
    assert submission["body"]["maxLength"] == settings.PAKN_MAX_BODY_CHARS == 10000
    assert submitter["name"]["maxLength"] == 200
    assert submitter["organisation_name"]["maxLength"] == 255
    assert submitter["address"]["maxLength"] == 300
    assert location["address"]["maxLength"] == 300
    assert components["RatingIn"]["properties"]["comment"]["maxLength"] == 2000


def test_the_stated_limits_are_the_service_limits(api, world, components):
    """At the stated maximum the service accepts; one more character is refused, with the limit."""
    props = components["SubmissionIn"]["properties"]
    title_max, body_max = props["title"]["maxLength"], props["body"]["maxLength"]
    name_max = components["SubmitterIn"]["properties"]["name"]["maxLength"]
    at_limit = submission_payload(world, title="T" * title_max, body="B" * body_max)
    at_limit["submitter"]["name"] = "N" * name_max
    assert api.post("/submissions", at_limit).status_code == 201
    over = submission_payload(world, title="T" * (title_max + 1), body="B" * (body_max + 1))
    over["submitter"]["name"] = "N" * (name_max + 1)
    response = api.post("/submissions", over)
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert fields["title"] == f"Quá dài (tối đa {title_max} ký tự)."
    assert fields["body"] == f"Quá dài (tối đa {body_max} ký tự)."
    assert fields["submitter.name"] == f"Quá dài (tối đa {name_max} ký tự)."
    assert Case.objects.count() == 1


def _datetimes(doc):
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key.endswith("_at") or key == "at":
                if value is not None:
                    yield key, value
            else:
                yield from _datetimes(value)
    elif isinstance(doc, list):
        for item in doc:
            yield from _datetimes(item)


def test_replayed_submission_answers_with_the_same_dates_in_vietnam_time(api, world):
    payload = submission_payload(world)
    first = api.post("/submissions", payload, HTTP_IDEMPOTENCY_KEY="lan-gui-1").json()
    again = api.post("/submissions", payload, HTTP_IDEMPOTENCY_KEY="lan-gui-1").json()
    assert again["created"] is False
    for answer in (first, again):
        stamps = dict(_datetimes(answer))
        assert set(stamps) == {"received_at", "screening_due_at", "due_at"}
        assert all(OFFSET.search(v) for v in stamps.values()), stamps
    assert {k: v for k, v in first.items() if k != "created"} == {
        k: v for k, v in again.items() if k != "created"
    }


def test_status_read_back_from_the_database_is_in_vietnam_time(api, world):
    first = api.post("/submissions", submission_payload(world)).json()
    read = api.get(
        f"/submissions/{first['tracking_code_raw']}", HTTP_X_ACCESS_TOKEN=first["access_token"]
    ).json()
    stamps = list(_datetimes(read))
    assert stamps and all(OFFSET.search(v) for _k, v in stamps), stamps
    assert read["received_at"] == first["received_at"]
