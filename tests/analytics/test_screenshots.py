"""Browser screenshots of the dashboard and of /stats/ (test-artifacts/screenshots/).

The browser runs in a thread of its own: Playwright's sync API refuses to start where another
sync instance (the e2e package's session browser, in the same worker) already runs its loop.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.analytics.conftest import Data
from tests.e2e.conftest import CHROMIUM, DESKTOP, browser_page, in_browser_thread, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _local_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _shoot(url: str, name: str, *, wait_for: str, cookies: list[dict[str, str]]) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        with browser_page(DESKTOP, cookies=cookies) as page:
            page.goto(url)
            page.wait_for_selector(wait_for)
            return {
                "received": page.locator("[data-figure=received]").all_inner_texts(),
                "path": screenshot(page, name),
            }

    return in_browser_thread(run, timeout=90)


@pytest.fixture
def chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is missing")


def test_dashboard_screenshot(live_server, chromium, data: Data):
    client = Client()
    client.force_login(data.world.supervisor)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    result = _shoot(
        live_server.url + "/backoffice/analytics/?from=2026-02&to=2026-03",
        "analytics-dashboard",
        wait_for=".an-cluster",
        cookies=[{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}],
    )
    assert result["received"] == ["5"]
    assert result["path"].stat().st_size > 10000


def test_public_stats_screenshot(live_server, chromium, data: Data):
    result = _shoot(
        live_server.url + "/stats/", "public-stats", wait_for="#public-stats", cookies=[]
    )
    assert result["path"].stat().st_size > 5000
