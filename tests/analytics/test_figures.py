from __future__ import annotations

from datetime import date

import pytest
import time_machine

from pakn.analytics.models import CaseFact, Rollup
from pakn.analytics.rollups import rollups_rebuild, rollups_refresh
from pakn.analytics.selectors import Period, dashboard, hotspots, median_of
from pakn.cases import services as S
from tests.analytics.conftest import Data, at

FEB_MAR = Period(date(2026, 2, 1), date(2026, 3, 1))


def test_deadline_of_a_case_received_before_tet_skips_the_holiday(data: Data):
    assert data.a.due_at is not None
    assert data.a.due_at.astimezone(at(2026, 1, 1).tzinfo).date() == date(2026, 3, 16)


def test_on_time_rate_counts_tet_as_days_off(data: Data):
    figures = dashboard(agency=data.world.a, period=FEB_MAR).figures
    assert (figures.on_time, figures.late) == (3, 1)
    assert figures.on_time_rate == pytest.approx(0.75)


def test_average_and_median_handling_time_in_working_days(data: Data):
    figures = dashboard(agency=data.world.a, period=FEB_MAR).figures
    assert figures.average_days == pytest.approx(11.25)
    assert figures.median_days == pytest.approx(11.5)


def test_satisfaction_index(data: Data):
    figures = dashboard(agency=data.world.a, period=FEB_MAR).figures
    assert figures.ratings == 3
    assert figures.mean_rating == pytest.approx(11 / 3)
    assert figures.satisfied_rate == pytest.approx(2 / 3)


def test_received_by_kind_channel_and_status_over_the_subtree(data: Data):
    board = dashboard(agency=data.world.parent, period=FEB_MAR)
    assert board.figures.received == 5
    assert board.figures.answered == 4
    assert {r.key: r.count for r in board.by_kind} == {"report": 4, "recommendation": 1}
    assert {r.key: r.count for r in board.by_channel} == {"web": 4, "mobile": 1}
    assert {r.key: r.count for r in board.by_status} == {"answered": 4, "submitted": 1}
    assert [r.count for r in board.funnel][:3] == [5, 4, 4]


def test_period_selects_the_month_of_receipt(data: Data):
    february = dashboard(agency=data.world.a, period=Period(date(2026, 2, 1), date(2026, 2, 1)))
    assert february.figures.received == 2
    assert february.figures.median_days == pytest.approx(20)


def test_ranking_of_child_agencies(data: Data):
    board = dashboard(agency=data.world.parent, period=FEB_MAR)
    by_agency = {r.agency.pk: r.figures for r in board.ranking}
    assert by_agency[data.world.a.pk].received == 4
    assert by_agency[data.world.b.pk].received == 1
    assert board.ranking[0].agency == data.world.a  # ranked by on-time rate


def test_every_breakdown_links_to_the_filtered_inbox(data: Data):
    board = dashboard(agency=data.world.parent, period=FEB_MAR)
    link = next(r.link for r in board.by_kind if r.key == "recommendation")
    assert link.startswith("/backoffice/?")
    assert "kind=recommendation" in link
    assert "received_from=2026-02-01" in link and "received_to=2026-03-31" in link


def test_overdue_list_is_live(data: Data):
    with time_machine.travel(at(2026, 6, 1, 9), tick=False):
        board = dashboard(agency=data.world.parent, period=FEB_MAR)
    assert board.overdue_count == 1
    assert board.overdue[0]["case"].pk == data.e.pk


def test_hotspots_cluster_nearby_points(data: Data):
    coarse = hotspots(agency=data.world.parent, period=FEB_MAR, zoom=8)
    assert sorted(c["count"] for c in coarse) == [1, 2]
    fine = hotspots(agency=data.world.a, period=FEB_MAR, zoom=12)
    assert sum(c["count"] for c in fine) == 2


def test_a_rating_after_the_refresh_updates_the_rollups_incrementally(data: Data):
    with time_machine.travel(at(2026, 3, 20, 9), tick=False):
        S.submission_rate(case=data.d, score=1)
    rollups_refresh()
    figures = dashboard(agency=data.world.a, period=FEB_MAR).figures
    assert figures.ratings == 4
    assert figures.mean_rating == pytest.approx(12 / 4)


def test_rebuild_gives_the_same_rollups_as_the_incremental_refresh(data: Data):
    incremental = {(r.agency_id, r.month, r.dim, r.key): r.n for r in Rollup.objects.exclude(n=0)}
    assert rollups_rebuild() == 5
    rebuilt = {(r.agency_id, r.month, r.dim, r.key): r.n for r in Rollup.objects.exclude(n=0)}
    assert rebuilt == incremental
    assert CaseFact.objects.count() == 5


def test_refresh_twice_changes_nothing(data: Data):
    before = {(r.agency_id, r.month, r.dim, r.key): r.n for r in Rollup.objects.all()}
    rollups_refresh()
    after = {(r.agency_id, r.month, r.dim, r.key): r.n for r in Rollup.objects.all()}
    assert before == after


@pytest.mark.parametrize(
    ("histogram", "median"),
    [({}, None), ({3: 1}, 3), ({1: 1, 4: 1, 19: 1, 21: 1}, 11.5), ({2: 2, 5: 1}, 2)],
)
def test_median_of_a_histogram(histogram, median):
    assert median_of(histogram) == median


def test_rebuild_command(data: Data):
    from django.core.management import call_command

    call_command("analytics_rebuild")
    call_command("analytics_rebuild", "--incremental")
    assert dashboard(agency=data.world.parent, period=FEB_MAR).figures.received == 5
