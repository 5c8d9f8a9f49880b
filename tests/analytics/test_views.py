from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.utils.html import escape

from pakn.accounts.models import Membership, Role
from tests.analytics.conftest import Data
from tests.factories import UserFactory

PERIOD = "from=2026-02&to=2026-03"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "an"}
    }
    cache.clear()
    yield
    cache.clear()


def test_supervisor_sees_the_dashboard_of_their_subtree(client, data: Data):
    client.force_login(data.world.supervisor)
    response = client.get(f"/backoffice/analytics/?{PERIOD}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="received">5<' in html
    assert 'data-figure="on_time_rate">75,0%<' in html
    assert 'data-figure="median_days">11,5<' in html
    assert "/backoffice/?" in html
    assert "<script>alert" not in html  # agency names from hostile factories are escaped


def test_supervisor_may_drill_into_a_child_agency(client, data: Data):
    client.force_login(data.world.supervisor)
    response = client.get(f"/backoffice/analytics/?agency={data.world.b.pk}&{PERIOD}")
    assert response.status_code == 200
    assert 'data-figure="received">1<' in response.content.decode()


def test_supervisor_cannot_see_the_parent_of_their_agency(client, data: Data):
    client.force_login(data.world.supervisor)
    assert client.get(f"/backoffice/analytics/?agency={data.world.root.pk}").status_code == 404


def test_supervisor_of_another_branch_gets_404(client, data: Data):
    other = UserFactory(username="giam-sat-b")
    Membership.objects.create(user=other, agency=data.world.b, role=Role.SUPERVISOR)
    client.force_login(other)
    assert client.get(f"/backoffice/analytics/?agency={data.world.a.pk}").status_code == 404
    assert (
        client.get(f"/backoffice/analytics/hotspots.json?agency={data.world.a.pk}").status_code
        == 404
    )
    own = client.get(f"/backoffice/analytics/?{PERIOD}")
    assert own.status_code == 200
    assert 'data-figure="received">1<' in own.content.decode()


def test_officer_without_supervisor_role_is_refused(client, data: Data):
    client.force_login(data.world.handler_b)
    assert client.get("/backoffice/analytics/").status_code == 403


def test_anonymous_visitor_is_sent_to_login(client, data: Data):
    response = client.get("/backoffice/analytics/")
    assert response.status_code == 302
    assert "/backoffice/login/" in response["Location"]


def test_superadmin_sees_the_whole_tree(client, data: Data):
    client.force_login(data.world.superadmin)
    response = client.get(f"/backoffice/analytics/?{PERIOD}")
    assert response.status_code == 200
    assert 'data-figure="received">5<' in response.content.decode()


def test_hotspots_json(client, data: Data):
    client.force_login(data.world.supervisor)
    response = client.get(f"/backoffice/analytics/hotspots.json?{PERIOD}&zoom=8")
    assert response.status_code == 200
    assert sorted(c["count"] for c in response.json()["clusters"]) == [1, 2]


def test_public_stats_show_only_aggregate_figures(client, data: Data):
    response = client.get("/stats/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thống kê công khai" in html
    assert data.world.a.name.split("<")[0] in html
    for case in (data.a, data.b, data.c, data.d, data.e):
        assert case.submission.tracking_code not in html
        assert case.submission.display_code not in html
    assert "Nguyễn Văn An" not in html
    assert "0912" not in html
    assert "Rác thải" not in html
    assert not re.search(r"/backoffice/cases/\d+", html)


def test_public_stats_are_cached(client, data: Data, django_assert_max_num_queries):
    client.get("/stats/")
    with django_assert_max_num_queries(3):  # session/cache only, no rollup query
        assert client.get("/stats/").status_code == 200


def test_dashboard_query_count_does_not_grow_with_cases(
    client, data: Data, django_assert_max_num_queries
):
    client.force_login(data.world.supervisor)
    with django_assert_max_num_queries(25):
        assert client.get(f"/backoffice/analytics/?{PERIOD}").status_code == 200


def _with_language(client, code: str):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


def test_public_stats_cache_keeps_labels_in_each_visitors_language(client, data: Data):
    english = _with_language(client, "en").get("/stats/").content.decode()
    assert "From month" in english
    vietnamese = _with_language(client, "vi").get("/stats/").content.decode()
    assert "Từ tháng" in vietnamese and "From month" not in vietnamese


def test_public_stats_row_level_is_read_in_the_current_language(data: Data):
    from django.utils import translation

    from pakn.analytics.selectors import public_stats

    with translation.override("en"):
        [row, *_] = [r for r in public_stats()["rows"] if r.level_code == "province"]
    with translation.override("vi"):
        assert row.level == "Tỉnh"
    with translation.override("en"):
        assert row.level == "Province"


def test_public_stats_drop_cached_zeros_when_rollups_are_refreshed(
    client, world, django_capture_on_commit_callbacks
):
    from pakn.analytics.rollups import rollups_refresh

    world.new_case()
    assert "Chưa có số liệu." in client.get("/stats/").content.decode()  # cached, before the fold
    with django_capture_on_commit_callbacks(execute=True):
        rollups_refresh()
    assert "Chưa có số liệu." not in client.get("/stats/").content.decode()


def test_public_stats_drop_cached_figures_when_rollups_are_rebuilt(
    client, world, django_capture_on_commit_callbacks
):
    from pakn.analytics.rollups import rollups_rebuild

    world.new_case()
    assert "Chưa có số liệu." in client.get("/stats/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        rollups_rebuild()
    assert "Chưa có số liệu." not in client.get("/stats/").content.decode()


def test_dashboard_uses_the_back_office_layout(client, data: Data):
    supervisor = data.world.supervisor
    client.force_login(supervisor)
    html = client.get(f"/backoffice/analytics/?{PERIOD}").content.decode()
    assert 'class="bo-header"' in html
    assert escape(supervisor.get_full_name()) in html
    assert 'action="/backoffice/logout/"' in html
    assert 'href="/backoffice/"' in html  # the back-office menu
    assert '<a href="/backoffice/analytics/" aria-current="page">' in html


def test_back_office_menu_links_the_dashboard_for_those_who_may_see_it(client, data: Data):
    for user in (data.world.supervisor, data.world.superadmin):
        client.force_login(user)
        assert 'href="/backoffice/analytics/"' in client.get("/backoffice/").content.decode()
    for user in (data.world.handler, data.world.leader, data.world.intake):
        client.force_login(user)
        assert 'href="/backoffice/analytics/"' not in client.get("/backoffice/").content.decode()
