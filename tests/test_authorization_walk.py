"""The authorization walk: every URL pattern of the project (pages, back office, admin, REST API)
is requested as each kind of person, and the answer must be the one the access rules promise.

A new URL pattern that is not classified in ``POLICIES`` fails ``test_every_url_is_classified``:
whoever adds a URL decides here who may read it and who may act through it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image

from pakn.accounts.tokens import api_token_issue
from pakn.cases import services as S
from pakn.cases.models import Case, CaseEvent, CoordinationRequest
from tests.world import World, drive

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "citizen",
    "intake_a",
    "handler_a",
    "leader_a",
    "officer_b",
    "supervisor_parent",
    "superadmin",
]
OFFICERS_A = {"intake_a", "handler_a", "leader_a"}

# What an answer means, as the walk sees it.
OK = "ok"  # 2xx, or a redirect that is not to a login page
LOGIN = "login"  # sent to a login page (302), or 401 from the API
DENIED = "denied"  # 403
HIDDEN = "404"  # the thing does not exist for this person
REFUSED = "refused"  # 403, 404 or 409: may see the case but not do this
REACHED = "reached"  # let through to the form's own checks (done, or 422 for the empty form)


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def all_routes() -> list[str]:
    return sorted(set(_walk(get_resolver())))


@dataclass
class Probe:
    """One request the walk makes for a route: a method, a concrete path, and a body."""

    method: str
    path: Callable[[dict[str, Any]], str]
    expect: dict[str, str]
    data: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    api: bool = False
    # After the request: a message when the person changed what they may not, else None.
    check: Callable[[dict[str, Any], str, Any], str | None] | None = None


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ACTORS, outcome)


def officers_of_a(*, others: str, supervisor: str, citizen: str, anonymous: str = LOGIN):
    expect = dict.fromkeys(ACTORS, others)
    expect.update(dict.fromkeys(OFFICERS_A, OK))
    expect.update(anonymous=anonymous, citizen=citizen, supervisor_parent=supervisor, superadmin=OK)
    return expect


# Officer pages of the back office: any officer may open them (each sees only their own agency's
# cases); a person without a membership is refused, nobody anonymous gets past the login.
OFFICER_PAGE = {**everyone(OK), "anonymous": LOGIN, "citizen": DENIED}
# A case of agency A: its officers and the parent's supervisor read it; agency B does not
# know it exists.
CASE_READ = officers_of_a(others=HIDDEN, supervisor=OK, citizen=DENIED)
# Acting on a case of agency A: the supervisor reads only.
CASE_ACT = officers_of_a(others=HIDDEN, supervisor=REFUSED, citizen=DENIED)
ADMIN = {**everyone(LOGIN), "superadmin": OK}
# Role pages: approvals and team workload are the leader's; the subtree overview and the analytics
# are the supervisor's (and the platform superadmin's). Everyone else is refused with a clear page.
LEADERS = {**everyone(DENIED), "anonymous": LOGIN, "leader_a": OK}
SUPERVISORS = {**everyone(DENIED), "anonymous": LOGIN, "supervisor_parent": OK, "superadmin": OK}
# Export pages belong to the officer who asked for the export (the supervisor here).
EXPORT = {**everyone(HIDDEN), "anonymous": LOGIN, "supervisor_parent": OK}
API_PUBLIC = everyone(OK)
API_OFFICER_LIST = {**everyone(OK), "anonymous": LOGIN, "citizen": DENIED}
API_CASE_READ = {**CASE_READ, "anonymous": LOGIN}
API_CASE_ACT = {**CASE_ACT, "anonymous": LOGIN}


def get(path: Callable[[dict[str, Any]], str], expect: dict[str, str], **kw: Any) -> Probe:
    return Probe("GET", path, expect, **kw)


def post(path: Callable[[dict[str, Any]], str], expect: dict[str, str], **kw: Any) -> Probe:
    return Probe("POST", path, expect, **kw)


def const(path: str) -> Callable[[dict[str, Any]], str]:
    return lambda _ctx: path


POLICIES: dict[str, list[Probe]] = {
    # Operations
    "healthz": [get(const("/healthz"), everyone(OK))],
    # No worker runs in tests, so readiness is 503 — the same answer for everyone.
    "readyz": [get(const("/readyz"), everyone("503"))],
    # /metrics answers loopback callers (the test client is one) or a Bearer token.
    "metrics": [get(const("/metrics"), everyone(OK))],
    "i18n/setlang/": [
        post(const("/i18n/setlang/"), everyone(OK), data=lambda c: {"language": "en"})
    ],
    "accounts/2fa/": [get(const("/accounts/2fa/"), {**everyone(OK), "anonymous": LOGIN})],
    # Citizen portal: public pages
    "": [get(const("/"), everyone(OK))],
    "submit/": [get(const("/submit/"), everyone(OK))],
    "submit/communes/": [get(const("/submit/communes/"), everyone(OK))],
    "submit/similar/": [get(lambda c: "/submit/similar/?q=rác thải", everyone(OK))],
    "track/": [get(const("/track/"), everyone(OK))],
    "published/": [get(const("/published/"), everyone(OK))],
    "published/<str:tracking_code>/": [
        get(lambda c: f"/published/{c['published'].submission.tracking_code}/", everyone(OK)),
        # An unpublished case is not public, whoever asks.
        get(lambda c: f"/published/{c['case'].submission.tracking_code}/", everyone(HIDDEN)),
    ],
    # The success page shows a code only to the browser that sent it (session), never by URL.
    "submit/done/<str:code>/": [
        get(lambda c: f"/submit/done/{c['case'].submission.tracking_code}/", everyone(HIDDEN)),
    ],
    "published/map.json": [get(const("/published/map.json"), everyone(OK))],
    # A held upload is shown only through the signed token of the form that holds it.
    "submit/held/<str:token>/<int:index>/": [
        get(const("/submit/held/gia-mao/0/"), everyone(HIDDEN))
    ],
    "stats/": [get(const("/stats/"), everyone(OK))],
    # Back office
    "backoffice/login/": [get(const("/backoffice/login/"), everyone(OK))],
    "backoffice/logout/": [post(const("/backoffice/logout/"), everyone(LOGIN))],
    "backoffice/": [get(const("/backoffice/"), OFFICER_PAGE)],
    "backoffice/approvals/": [get(const("/backoffice/approvals/"), LEADERS)],
    "backoffice/team/": [get(const("/backoffice/team/"), LEADERS)],
    "backoffice/overview/": [get(const("/backoffice/overview/"), SUPERVISORS)],
    "backoffice/agency/": [
        post(const("/backoffice/agency/"), OFFICER_PAGE, data=lambda c: {"agency": c["a"].pk})
    ],
    # Bulk answers with a redirect and a message per case; what matters is that a case the person
    # may not act on is left as it was.
    "backoffice/bulk/": [
        post(
            const("/backoffice/bulk/"),
            {
                **OFFICER_PAGE,
                "handler_a": DENIED,
                "officer_b": DENIED,
                "supervisor_parent": DENIED,
            },
            data=lambda c: {
                "bulk_action": "assign",
                "cases": [c["case"].pk],
                "assignee": c["world"].handler_b.pk,
            },
            check=lambda c, actor, _response: (
                None
                if Case.objects.get(pk=c["case"].pk).assignee_id == c["world"].handler.pk
                else f"{actor} reassigned a case of agency A in bulk"
            ),
        )
    ],
    "backoffice/cases/<int:case_id>/": [
        get(lambda c: f"/backoffice/cases/{c['case'].pk}/", CASE_READ)
    ],
    "backoffice/cases/<int:case_id>/actions/<slug:action>/": [
        post(
            lambda c: f"/backoffice/cases/{c['case'].pk}/actions/note/",
            CASE_ACT,
            data=lambda c: {"note-text": "Ghi chú nội bộ của người đi kiểm tra quyền"},
            check=lambda c, actor, _r: _only_allowed_wrote(c, actor, "note", CASE_ACT),
        )
    ],
    "backoffice/cases/<int:case_id>/moderation/": [
        post(
            lambda c: f"/backoffice/cases/{c['case'].pk}/moderation/",
            CASE_ACT,
            data=lambda c: {"flag": "offensive", "verdict": "dismiss"},
        )
    ],
    # Answers to the AI's suggestions, posted empty: who is let through to the form's checks.
    "backoffice/cases/<int:case_id>/suggestions/agency/": [
        post(
            lambda c: f"/backoffice/cases/{c['case'].pk}/suggestions/agency/",
            {**CASE_ACT, **dict.fromkeys(OFFICERS_A, REACHED), "superadmin": REACHED},
        )
    ],
    "backoffice/cases/<int:case_id>/suggestions/duplicates/": [
        post(
            lambda c: f"/backoffice/cases/{c['case'].pk}/suggestions/duplicates/",
            {**CASE_ACT, **dict.fromkeys(OFFICERS_A, REACHED), "superadmin": REACHED},
        )
    ],
    "backoffice/cases/<int:case_id>/coordination/<int:request_id>/": [
        post(
            lambda c: (
                f"/backoffice/cases/{c['coordination'].case_id}/coordination/"
                f"{c['coordination'].pk}/"
            ),
            # Only the agency asked for input answers; agency A sees the case but cannot answer
            # for B.
            {
                **everyone(HIDDEN),
                "anonymous": LOGIN,
                "citizen": DENIED,
                "officer_b": OK,
                "intake_a": REFUSED,
                "handler_a": REFUSED,
                "leader_a": REFUSED,
                "supervisor_parent": REFUSED,
                "superadmin": OK,
            },
            data=lambda c: {f"coord-{c['coordination'].pk}-response": "Ý kiến của sở B"},
            check=lambda c, actor, _r: (
                None
                if actor in ("officer_b", "superadmin")
                or not CoordinationRequest.objects.filter(
                    pk=c["coordination"].pk, responded_at__isnull=False
                ).exists()
                else f"{actor} answered a coordination request addressed to agency B"
            ),
        )
    ],
    "backoffice/cases/<int:case_id>/files/<slug:kind>/<int:file_id>/": [
        get(
            lambda c: f"/backoffice/cases/{c['case'].pk}/files/submission/{c['attachment'].pk}/",
            CASE_READ,
        )
    ],
    # Analytics (supervisors' dashboards are back-office pages; exports belong to their author)
    "backoffice/analytics/": [get(const("/backoffice/analytics/"), SUPERVISORS)],
    "backoffice/analytics/hotspots.json": [
        get(
            const("/backoffice/analytics/hotspots.json"),
            {**SUPERVISORS, **dict.fromkeys(["citizen", *OFFICERS_A, "officer_b"], HIDDEN)},
        )
    ],
    "backoffice/analytics/exports/": [
        post(
            const("/backoffice/analytics/exports/"),
            SUPERVISORS,
            data=lambda c: {"kind": "cases_csv"},
        )
    ],
    "backoffice/analytics/exports/<int:pk>/": [
        get(lambda c: f"/backoffice/analytics/exports/{c['export'].pk}/", EXPORT)
    ],
    "backoffice/analytics/exports/<int:pk>/status.json": [
        get(lambda c: f"/backoffice/analytics/exports/{c['export'].pk}/status.json", EXPORT)
    ],
    "backoffice/analytics/exports/<int:pk>/download/": [
        get(lambda c: f"/backoffice/analytics/exports/{c['export'].pk}/download/", EXPORT)
    ],
    # REST API v1
    "api/v1/": [get(const("/api/v1/"), everyone(HIDDEN), api=True)],
    "api/v1/openapi.json": [get(const("/api/v1/openapi.json"), API_PUBLIC, api=True)],
    "api/v1/docs": [get(const("/api/v1/docs"), API_PUBLIC, api=True)],
    "api/v1/fields": [get(const("/api/v1/fields"), API_PUBLIC, api=True)],
    "api/v1/agencies": [get(const("/api/v1/agencies"), API_PUBLIC, api=True)],
    "api/v1/published": [get(const("/api/v1/published"), API_PUBLIC, api=True)],
    "api/v1/submissions": [
        post(const("/api/v1/submissions"), API_PUBLIC, data=lambda c: c["payload"], api=True)
    ],
    # A submitter follows with the token; without it nobody (not even an officer) reads it here.
    "api/v1/submissions/<tracking_code>": [
        get(
            lambda c: f"/api/v1/submissions/{c['case'].submission.tracking_code}",
            everyone(HIDDEN),
            api=True,
        ),
        get(
            lambda c: (
                f"/api/v1/submissions/{c['case'].submission.tracking_code}?token={c['token']}"
            ),
            everyone(OK),
            api=True,
        ),
    ],
    "api/v1/submissions/<tracking_code>/info": [
        post(
            lambda c: f"/api/v1/submissions/{c['case'].submission.tracking_code}/info",
            everyone(HIDDEN),
            data=lambda c: {"token": "wrong-token", "text": "Bổ sung"},
            api=True,
        )
    ],
    "api/v1/submissions/<tracking_code>/rating": [
        post(
            lambda c: f"/api/v1/submissions/{c['case'].submission.tracking_code}/rating",
            everyone(HIDDEN),
            data=lambda c: {"token": "wrong-token", "score": 5},
            api=True,
        )
    ],
    "api/v1/cases": [get(const("/api/v1/cases"), API_OFFICER_LIST, api=True)],
    "api/v1/cases/<id>": [get(lambda c: f"/api/v1/cases/{c['case'].pk}", API_CASE_READ, api=True)],
    "api/v1/cases/<id>/actions/<action>": [
        post(
            lambda c: f"/api/v1/cases/{c['case'].pk}/actions/note",
            API_CASE_ACT,
            data=lambda c: {"text": "Ghi chú qua API"},
            api=True,
        )
    ],
}
# Open311 GeoReport v2: public reads show published cases only; writes need a partner key, which
# no person's session or officer token replaces.
POLICIES.update(
    {
        "open311/v2/^discovery\\.(?P<fmt>json|xml)$": [
            get(const("/open311/v2/discovery.json"), everyone(OK))
        ],
        "open311/v2/^services\\.(?P<fmt>json|xml)$": [
            get(const("/open311/v2/services.xml"), everyone(OK))
        ],
        "open311/v2/^services/(?P<code>[-\\w]+)\\.(?P<fmt>json|xml)$": [
            get(const("/open311/v2/services/moi-truong.json"), everyone(OK))
        ],
        "open311/v2/^requests\\.(?P<fmt>json|xml)$": [
            get(const("/open311/v2/requests.json"), everyone(OK)),
            post(
                const("/open311/v2/requests.json"),
                everyone(DENIED),
                data=lambda c: {"service_code": "moi-truong", "description": "Rác thải tồn đọng"},
            ),
        ],
        "open311/v2/^requests/(?P<request_id>[^/]+)\\.(?P<fmt>json|xml)$": [
            get(
                lambda c: f"/open311/v2/requests/{c['published'].submission.tracking_code}.json",
                everyone(OK),
            ),
            get(
                lambda c: f"/open311/v2/requests/{c['case'].submission.tracking_code}.json",
                everyone(HIDDEN),
            ),
        ],
        "open311/v2/^tokens/(?P<token>[^/]+)\\.(?P<fmt>json|xml)$": [
            get(const("/open311/v2/tokens/khong-hop-le.json"), everyone(HIDDEN))
        ],
        "open311/v2/^(?P<path>.*)$": [get(const("/open311/v2/khong-co.json"), everyone(HIDDEN))],
    }
)
# Federation endpoints answer only requests signed with a registered peer's secret: no person's
# session or token opens them.
POLICIES.update(
    {
        "api/v1/federation/cases": [
            post(const("/api/v1/federation/cases"), everyone(LOGIN), data=lambda c: {}, api=True)
        ],
        "api/v1/federation/events": [
            post(const("/api/v1/federation/events"), everyone(LOGIN), data=lambda c: {}, api=True)
        ],
    }
)
# Citizen accounts: the forms are public; a person's own pages need their login and show only
# their own things (tests/portal/test_accounts*.py check whose).
SIGNED_IN = {**everyone(OK), "anonymous": LOGIN}
POLICIES.update(
    {
        "accounts/register/": [get(const("/accounts/register/"), everyone(OK))],
        "accounts/login/": [get(const("/accounts/login/"), everyone(OK))],
        "accounts/logout/": [post(const("/accounts/logout/"), everyone(OK))],
        "accounts/reset/": [get(const("/accounts/reset/"), everyone(OK))],
        "accounts/reset/code/": [get(const("/accounts/reset/code/"), everyone(OK))],
        # A link without a valid signed token proves nothing, whoever follows it.
        "accounts/reset/confirm/": [get(const("/accounts/reset/confirm/"), everyone("400"))],
        "accounts/verify/email/": [
            get(const("/accounts/verify/email/?t=gia-mao"), everyone("400"))
        ],
        "accounts/verify/": [get(const("/accounts/verify/"), SIGNED_IN)],
        "accounts/password/": [get(const("/accounts/password/"), SIGNED_IN)],
        "accounts/preferences/": [get(const("/accounts/preferences/"), SIGNED_IN)],
        "accounts/submissions/": [get(const("/accounts/submissions/"), SIGNED_IN)],
    }
)
# The API's catch-all answers unknown paths with a JSON 404.
POLICIES["api/v1/^(?P<path>.*)$"] = [get(const("/api/v1/khong-co"), everyone(HIDDEN), api=True)]


def _only_allowed_wrote(ctx: dict[str, Any], actor: str, action: str, table: dict[str, str]):
    """A case event written by a person the table refuses is a hole, whatever the status code."""
    user = actor_user(ctx["world"], actor)
    wrote = user is not None and CaseEvent.objects.filter(action=action, actor=user).exists()
    if wrote and table[actor] != OK:
        return f"{actor} wrote a {action!r} event without the right to"
    return None


def _is_admin(route: str) -> bool:
    return route.startswith("admin/")


def classify(response: Any, *, api: bool) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        location = response["Location"]
        return LOGIN if "login" in location else OK
    if status == 401:
        return LOGIN
    if status == 403:
        return DENIED
    if status == 404:
        return HIDDEN
    if status == 409:
        return "409"
    if 200 <= status < 300:
        return OK
    return str(status)


def matches(outcome: str, expected: str) -> bool:
    if expected == REACHED:
        return outcome in (OK, "422")
    if expected == REFUSED:
        return outcome in (DENIED, HIDDEN, "409")
    return outcome == expected


@pytest.fixture
def walk_world(world: World, tmp_path) -> dict[str, Any]:
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pakn.analytics.models import ExportJob

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    png = buffer.getvalue()
    result = S.submission_intake(
        data=world.intake_data(attachments=[SimpleUploadedFile("anh.png", png, "image/png")])
    )
    case: Case = drive(world, result.case, "in_progress")
    # Agency B is asked for input on another case of A, so that B sees that one and not this one.
    (coordination,) = S.case_coordinate(
        case=drive(world, world.new_case(), "in_progress"),
        actor=world.handler,
        agencies=[world.b],
        question="Sở B cho ý kiến?",
        days=5,
    )
    published = drive(world, world.new_case(), "published")
    export = ExportJob.objects.create(
        requested_by=world.supervisor, agency=world.parent, kind="cases_csv", status="done"
    )
    export.file.save("ho-so.csv", ContentFile(b"ma_tra_cuu\n"), save=True)
    from tests.api.conftest import submission_payload

    return {
        "world": world,
        "a": world.a,
        "case": case,
        "token": result.access_token,
        "attachment": case.submission.attachments.first(),
        "coordination": coordination,
        "published": published,
        "export": export,
        "payload": submission_payload(world),
    }


def actor_user(world: World, actor: str) -> Any:
    return {
        "anonymous": None,
        "citizen": world.citizen,
        "intake_a": world.intake,
        "handler_a": world.handler,
        "leader_a": world.leader,
        "officer_b": world.handler_b,
        "supervisor_parent": world.supervisor,
        "superadmin": world.superadmin,
    }[actor]


def test_every_url_is_classified() -> None:
    missing = [r for r in all_routes() if not _is_admin(r) and r not in POLICIES]
    assert not missing, f"URL patterns with no access policy in this file: {missing}"
    stale = [r for r in POLICIES if r not in all_routes()]
    assert not stale, f"policies for URL patterns that no longer exist: {stale}"


@pytest.mark.parametrize("actor", ACTORS)
def test_every_url_answers_each_person_as_the_rules_say(actor: str, walk_world) -> None:
    world: World = walk_world["world"]
    user = actor_user(world, actor)
    failures: list[str] = []
    for route in all_routes():
        if _is_admin(route):
            continue
        for probe in POLICIES[route]:
            cache.clear()  # rate limits are not what this walk checks
            expected = probe.expect[actor]
            client = Client()
            headers: dict[str, str] = {}
            if user is not None:
                if probe.api:
                    _t, raw = api_token_issue(user=user, scopes="read write")
                    headers["Authorization"] = f"Bearer {raw}"
                else:
                    client.force_login(user)
            path = probe.path(walk_world)
            data = probe.data(walk_world) if probe.data else None
            if probe.method == "GET":
                response = client.get(path, headers=headers)
            elif probe.api:
                response = client.post(
                    path, json.dumps(data or {}), content_type="application/json", headers=headers
                )
            else:
                response = client.post(path, data or {}, headers=headers)
            outcome = classify(response, api=probe.api)
            if probe.check and (problem := probe.check(walk_world, actor, response)):
                failures.append(problem)
            if not matches(outcome, expected):
                failures.append(
                    f"{probe.method} {path} as {actor}: {outcome} ({response.status_code}),"
                    f" expected {expected}"
                )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("actor", ACTORS)
def test_admin_site_is_only_for_the_superadmin(actor: str, walk_world) -> None:
    """Every admin changelist, as each person: only the superadmin gets in."""
    from django.contrib import admin

    world: World = walk_world["world"]
    user = actor_user(world, actor)
    client = Client()
    if user is not None:
        client.force_login(user)
    failures = []
    for model in admin.site._registry:
        path = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        outcome = classify(client.get(path), api=False)
        if outcome != ADMIN[actor]:
            failures.append(f"{path} as {actor}: {outcome}")
    assert not failures, "\n".join(failures)
