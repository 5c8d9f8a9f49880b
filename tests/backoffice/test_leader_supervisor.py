"""Leader pages (approvals, workload) and the supervisor's overview."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from pakn.cases.models import Case
from tests.cases.conftest import World, drive

pytestmark = pytest.mark.django_db


def test_approvals_queue_approves_and_returns(as_user, world: World) -> None:
    one = drive(world, world.new_case(), "answer_review")
    two = drive(world, world.new_case(), "answer_review")
    client = as_user(world.leader)
    html = client.get(reverse("backoffice:approvals")).content.decode()
    assert f"approval-{one.pk}" in html and f"approval-{two.pk}" in html
    client.post(
        reverse("backoffice:case_action", args=[one.pk, "approve_answer"]),
        {"approve_answer-confirm": "on"},
    )
    client.post(
        reverse("backoffice:case_action", args=[two.pk, "return_answer"]),
        {"return_answer-comment": "Viết rõ hơn"},
    )
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, two.status) == ("answered", "in_progress")
    html = client.get(reverse("backoffice:approvals")).content.decode()
    assert "Không có dự thảo nào chờ duyệt." in html


def test_team_workload_counts_open_cases_per_handler(as_user, world: World) -> None:
    for _ in range(3):
        drive(world, world.new_case(), "in_progress")
    drive(world, world.new_case(), "answered")
    response = as_user(world.leader).get(reverse("backoffice:team"))
    rows = {w.officer.pk: w for w in response.context["workload"]}
    assert rows[world.handler.pk].open == 3
    assert rows[world.leader.pk].open == 0


def test_overview_counts_statuses_and_on_time_rate(as_user, world: World) -> None:
    drive(world, world.new_case(), "answered")
    late = drive(world, world.new_case(), "answered")
    Case.objects.filter(pk=late.pk).update(due_at=late.answered_at - timedelta(days=1))
    world.new_case()
    overdue = drive(world, world.new_case(), "in_progress")
    Case.objects.filter(pk=overdue.pk).update(due_at=overdue.received_at - timedelta(days=2))
    response = as_user(world.supervisor).get(reverse("backoffice:overview"))
    assert response.status_code == 200
    statuses = {value: n for value, _, n in response.context["statuses"]}
    assert statuses["answered"] == 2 and statuses["submitted"] == 1
    assert statuses["in_progress"] == 1
    rates = {r.agency.pk: r for r in response.context["rates"]}
    assert (rates[world.a.pk].answered, rates[world.a.pk].on_time) == (2, 1)
    assert rates[world.a.pk].rate == 0.5
    assert rates[world.b.pk].rate is None
    assert [row["case"].pk for row in response.context["overdue"]] == [overdue.pk]
    html = response.content.decode()
    assert "50%" in html
    assert reverse("backoffice:case", args=[overdue.pk]) in html
