"""Role matrix over every back-office URL: who is sent to log in, refused, shown 404, or may
read but not act."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pakn.cases.models import Case, CaseEvent, Status
from pakn.cases.rules import ACTIONS
from tests.cases.conftest import World, drive

pytestmark = pytest.mark.django_db

PAGES = ["inbox", "approvals", "team", "overview"]


def case_urls(case: Case) -> list[str]:
    return [reverse("backoffice:case", args=[case.pk])]


def action_urls(case: Case) -> list[str]:
    return [reverse("backoffice:case_action", args=[case.pk, a]) for a in ACTIONS]


def test_anonymous_is_sent_to_login_everywhere(client, world: World) -> None:
    case = world.new_case()
    urls = [reverse(f"backoffice:{p}") for p in PAGES] + case_urls(case)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/backoffice/login/?next=")
    posts = [
        *action_urls(case),
        reverse("backoffice:bulk"),
        reverse("backoffice:switch_agency"),
        reverse("backoffice:moderation_label", args=[case.pk]),
        reverse("backoffice:coordination_respond", args=[case.pk, 1]),
    ]
    for url in posts:
        response = client.post(url, {"confirm": "on"})
        assert response.status_code == 302, url
        assert "/backoffice/login/" in response["Location"]


def test_login_page_is_vietnamese_and_logs_in_by_username(client, world: World) -> None:
    page = client.get(reverse("backoffice:login"))
    assert page.status_code == 200
    assert "Đăng nhập" in page.content.decode()
    response = client.post(
        reverse("backoffice:login"),
        {"username": "intake-a", "password": "mật-khẩu-an-toàn-2026"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:inbox")
    wrong = client.post(reverse("backoffice:login"), {"username": "intake-a", "password": "sai"})
    assert "không đúng" in wrong.content.decode()


def test_logout_needs_post_and_ends_the_session(as_user, world: World) -> None:
    client = as_user(world.intake)
    response = client.post(reverse("backoffice:logout"))
    assert response.status_code == 302
    assert client.get(reverse("backoffice:inbox")).status_code == 302


def test_citizen_is_refused_with_a_clear_page(as_user, world: World) -> None:
    client = as_user(world.citizen)
    case = world.new_case()
    for url in [reverse(f"backoffice:{p}") for p in PAGES] + case_urls(case):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "không có quyền" in response.content.decode().lower()
    for url in [
        reverse("backoffice:case_action", args=[case.pk, "accept"]),
        reverse("backoffice:bulk"),
        reverse("backoffice:moderation_label", args=[case.pk]),
        reverse("backoffice:switch_agency"),
    ]:
        assert client.post(url, {"accept-confirm": "on"}).status_code == 403, url
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_officer_of_other_agency_gets_404_on_case_urls(as_user, world: World) -> None:
    case = world.new_case()
    client = as_user(world.intake_b)
    assert client.get(reverse("backoffice:case", args=[case.pk])).status_code == 404
    for url in action_urls(case):
        assert client.post(url, {}).status_code == 404, url
    assert client.get(reverse("backoffice:case", args=[999999])).status_code == 404
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_officer_of_other_agency_cannot_bulk_act_on_foreign_cases(as_user, world: World) -> None:
    case = world.new_case()
    client = as_user(world.intake_b)
    response = client.post(
        reverse("backoffice:bulk"),
        {
            "bulk_action": "transfer",
            "cases": [case.pk],
            "to_agency": world.parent.pk,
            "reason": "abc",
        },
        follow=True,
    )
    assert "không tìm thấy" in response.content.decode()
    case.refresh_from_db()
    assert case.agency_id == world.a.pk


@pytest.mark.parametrize("status", ["submitted", "in_progress", "answer_review", "answered"])
def test_supervisor_reads_but_every_action_post_is_refused(
    as_user, world: World, status: str
) -> None:
    case = drive(world, world.new_case(), status)
    client = as_user(world.supervisor)
    page = client.get(reverse("backoffice:case", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "/actions/" not in html
    assert "chỉ được xem" in html
    events_before = CaseEvent.objects.filter(case=case).count()
    for action in ACTIONS:
        response = client.post(
            reverse("backoffice:case_action", args=[case.pk, action]),
            {f"{action}-confirm": "on", f"{action}-reason": "lý do hợp lệ"},
        )
        assert response.status_code == 403, action
    case.refresh_from_db()
    assert case.status == status
    assert CaseEvent.objects.filter(case=case).count() == events_before


def test_supervisor_sees_overview_but_no_leader_pages(as_user, world: World) -> None:
    client = as_user(world.supervisor)
    assert client.get(reverse("backoffice:overview")).status_code == 200
    assert client.get(reverse("backoffice:inbox")).status_code == 200
    assert client.get(reverse("backoffice:approvals")).status_code == 403
    assert client.get(reverse("backoffice:team")).status_code == 403


def test_handler_is_refused_leader_and_supervisor_pages(as_user, world: World) -> None:
    client = as_user(world.handler)
    assert client.get(reverse("backoffice:approvals")).status_code == 403
    assert client.get(reverse("backoffice:team")).status_code == 403
    assert client.get(reverse("backoffice:overview")).status_code == 403


def test_handler_cannot_accept_a_case_it_can_see(as_user, world: World) -> None:
    case = world.new_case()
    client = as_user(world.handler)
    assert client.get(reverse("backoffice:case", args=[case.pk])).status_code == 200
    response = client.post(
        reverse("backoffice:case_action", args=[case.pk, "accept"]), {"accept-confirm": "on"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_supervisor_overview_refuses_agencies_outside_the_subtree(as_user, world: World) -> None:
    client = as_user(world.supervisor)
    assert client.get(reverse("backoffice:overview"), {"agency": world.a.pk}).status_code == 200
    assert client.get(reverse("backoffice:overview"), {"agency": world.root.pk}).status_code == 404


def test_agency_switcher_keeps_the_choice_and_refuses_foreign_agencies(
    as_user, world: World
) -> None:
    from pakn.accounts.models import Membership, Role

    Membership.objects.create(user=world.intake, agency=world.b, role=Role.LEADER)
    client = as_user(world.intake)
    page = client.get(reverse("backoffice:inbox")).content.decode()
    assert 'name="agency"' in page
    client.post(reverse("backoffice:switch_agency"), {"agency": world.b.pk})
    assert client.session["backoffice_agency"] == world.b.pk
    assert client.get(reverse("backoffice:approvals")).status_code == 200
    response = client.post(reverse("backoffice:switch_agency"), {"agency": world.root.pk})
    assert response.status_code == 302
    assert client.session["backoffice_agency"] == world.b.pk


def test_supervisor_bulk_post_is_refused(as_user, world: World) -> None:
    case = drive(world, world.new_case(), "accepted")
    client = as_user(world.supervisor)
    response = client.post(
        reverse("backoffice:bulk"),
        {"bulk_action": "assign", "cases": [case.pk], "assignee": world.handler.pk},
    )
    assert response.status_code == 403
    assert "không có quyền" in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.assignee_id) == (Status.ACCEPTED, None)
