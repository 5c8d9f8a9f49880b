"""Property-based tests generated from the OpenAPI document: no input makes a server error."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from config.wsgi import application  # noqa: E402
from pakn.accounts.tokens import api_token_issue  # noqa: E402

from .conftest import drive  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
public_reads = schema.include(
    method="GET",
    path_regex=r"^/api/v1/(fields|agencies|published|submissions/\{tracking_code\})$",
)
intake = schema.include(method="POST", path="/api/v1/submissions")
officer_endpoints = schema.include(path_regex=r"^/api/v1/cases")
FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def in_test_transaction(world, settings):
    """Requests run inside the test's transaction: the WSGI handler must not close the
    connection at the end of a request, as Django's own test client also prevents.
    Rate limits are off so every generated request reaches the endpoint."""
    settings.PAKN_API_PUBLIC_WRITE_RATE = ""
    settings.PAKN_API_LOOKUP_RATE = ""
    settings.PAKN_API_OFFICER_RATE = ""
    drive(world, world.new_case(), "published")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield world
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@public_reads.parametrize()
@FUZZ
def test_public_read_endpoints_never_answer_5xx(case, in_test_transaction):
    case.call_and_validate(checks=[not_a_server_error])


@intake.parametrize()
@FUZZ
def test_submission_intake_never_answers_5xx(case, in_test_transaction):
    case.call_and_validate(checks=[not_a_server_error])


@pytest.fixture
def superadmin_token(in_test_transaction):
    world = in_test_transaction
    drive(world, world.new_case(), "in_progress")
    return api_token_issue(user=world.superadmin)[1]


@officer_endpoints.parametrize()
@FUZZ
def test_officer_endpoints_never_answer_5xx(case, superadmin_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {superadmin_token}"}, checks=[not_a_server_error]
    )
