"""Drill-down filters of the inbox: ``agency`` (subtree, never beyond what the officer sees)
and ``bbox`` (located cases inside a map rectangle), as the analytics dashboard links them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pakn.analytics.rollups import rollups_rebuild
from pakn.analytics.selectors import Period, hotspots
from pakn.cases.models import Case
from tests.cases.conftest import World

pytestmark = pytest.mark.django_db

LANG_SON = (21.85, 106.76)
THANH_HOA = (19.80, 105.78)


def inbox(client, **params: object):
    response = client.get(reverse("backoffice:inbox"), params)
    assert response.status_code == 200
    return response


def ids(response) -> set[int]:
    return {row["case"].pk for row in response.context["rows"]}


def located(world: World, where: tuple[float, float] | None, agency=None) -> Case:
    lat, lng = where if where else (None, None)
    case = world.new_case(latitude=lat, longitude=lng)
    if agency is not None:
        Case.objects.filter(pk=case.pk).update(agency=agency)
    return case


def test_bbox_keeps_only_located_cases_inside(as_user, world: World) -> None:
    inside = located(world, LANG_SON)
    located(world, THANH_HOA)
    located(world, None)
    client = as_user(world.intake)
    assert ids(inbox(client, queue="all", bbox="106.7,21.8,106.8,21.9")) == {inside.pk}
    assert len(ids(inbox(client, queue="all"))) == 3


def test_bad_bbox_is_told_in_vietnamese(as_user, world: World) -> None:
    client = as_user(world.intake)
    html = inbox(client, queue="all", bbox="106.7,21.8,abc").content.decode()
    assert "Vùng bản đồ không hợp lệ" in html
    html = inbox(client, queue="all", bbox="107,22,106,21").content.decode()
    assert "Vùng bản đồ không hợp lệ" in html


def test_agency_filter_narrows_a_supervisor_to_one_subtree(as_user, world: World) -> None:
    in_a = located(world, LANG_SON)
    in_b = located(world, LANG_SON, agency=world.b)
    client = as_user(world.supervisor)
    assert ids(inbox(client, queue="all")) == {in_a.pk, in_b.pk}
    assert ids(inbox(client, queue="all", agency=world.b.pk)) == {in_b.pk}
    assert ids(inbox(client, queue="all", agency=world.parent.pk)) == {in_a.pk, in_b.pk}
    both = inbox(client, queue="all", agency=world.a.pk, bbox="106.7,21.8,106.8,21.9")
    assert ids(both) == {in_a.pk}
    assert "Chỉ các hồ sơ có vị trí trong vùng" in both.content.decode()


def test_agency_outside_visibility_shows_nothing_extra(as_user, world: World) -> None:
    mine = located(world, LANG_SON)
    located(world, LANG_SON, agency=world.b)
    client = as_user(world.intake)  # works in A only
    assert ids(inbox(client, queue="all", agency=world.b.pk)) == set()
    assert ids(inbox(client, queue="all", agency=world.root.pk)) == {mine.pk}
    assert ids(inbox(client, queue="all", agency=999_999)) == set()


def test_drill_down_filters_keep_the_query_count_bounded(as_user, world: World) -> None:
    for i in range(30):
        located(world, LANG_SON if i % 2 else THANH_HOA)
    client = as_user(world.supervisor)
    params = {"queue": "all", "agency": world.a.pk, "bbox": "105,19,107,22"}
    inbox(client, size=10, **params)

    def queries(size: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = inbox(client, size=size, **params)
        assert len(response.context["rows"]) == size
        return len(ctx.captured_queries)

    assert queries(10) == queries(25)
    assert queries(25) <= 16


def test_hotspot_clusters_link_to_the_inbox_with_their_bbox(as_user, world: World) -> None:
    inside = located(world, LANG_SON)
    located(world, THANH_HOA)
    rollups_rebuild()
    case = Case.objects.get(pk=inside.pk)
    month = case.received_at.date().replace(day=1)
    clusters = hotspots(agency=world.a, period=Period(month, month), zoom=11)
    cluster = next(c for c in clusters if abs(c["lat"] - LANG_SON[0]) < 0.1)
    assert "bbox=" in cluster["link"] and f"agency={world.a.pk}" in cluster["link"]
    client = as_user(world.intake)
    response = client.get(cluster["link"])
    assert {row["case"].pk for row in response.context["rows"]} == {inside.pk}
