"""Capped counts: queue badges and the result summary stop counting at COUNT_CAP."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pakn.backoffice import selectors
from pakn.backoffice.templatetags.backoffice_tags import capped_count
from pakn.core import paging
from tests.cases.conftest import World

pytestmark = pytest.mark.django_db


def test_counts_below_the_cap_are_exact(as_user, world: World) -> None:
    for _ in range(3):
        world.new_case()
    response = as_user(world.intake).get(reverse("backoffice:inbox"), {"queue": "all"})
    counts = {q.key: n for q, n in response.context["queues"]}
    assert counts["all"] == 3 and counts["screen"] == 3
    assert response.context["page"].paginator.count == 3
    assert "3 hồ sơ" in response.content.decode()


def test_counts_past_the_cap_say_more_than(as_user, world: World, monkeypatch) -> None:
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    for _ in range(5):
        world.new_case()
    response = as_user(world.intake).get(reverse("backoffice:inbox"), {"queue": "all"})
    counts = {q.key: n for q, n in response.context["queues"]}
    assert counts["all"] == 4  # COUNT_CAP + 1: "more than COUNT_CAP"
    paginator = response.context["page"].paginator
    assert paginator.count == 4 and paginator.is_capped
    html = response.content.decode()
    assert "hơn 3 hồ sơ" in html
    assert 'data-count="all">hơn 3<' in html


def test_capped_count_label_uses_vietnamese_thousands() -> None:
    assert capped_count(10_000) == "10000"
    assert capped_count(10_001) == "hơn 10.000"


def test_queue_counts_are_one_query(world: World) -> None:
    world.new_case()
    scope = selectors.Scope(
        user=world.leader, agency=world.a, roles=frozenset({"leader", "intake", "handler"})
    )
    selectors.queue_counts(scope, timezone.now())  # the user's roles are looked up once
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.queue_counts(scope, timezone.now())
    assert len(ctx.captured_queries) == 1
    assert counts["screen"] == 1 and counts["all"] == 1


def test_a_text_search_counts_to_the_lower_search_cap(as_user, world: World, monkeypatch) -> None:
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    monkeypatch.setattr(paging, "SEARCH_COUNT_CAP", 2)
    from pakn.backoffice import views

    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 2)
    for _ in range(4):
        world.new_case()
    client = as_user(world.intake)
    listed = client.get(reverse("backoffice:inbox"), {"queue": "all"})
    assert listed.context["page"].paginator.count == 4  # under COUNT_CAP: exact
    title = world.new_case().submission.title  # every demo case shares words of its title
    searched = client.get(reverse("backoffice:inbox"), {"queue": "all", "q": title})
    paginator = searched.context["page"].paginator
    assert paginator.count == 3 and paginator.is_capped  # SEARCH_COUNT_CAP + 1
    assert "hơn 2 hồ sơ" in searched.content.decode()
