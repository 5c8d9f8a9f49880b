"""The case screen's map in Debian's chromium: the officer sees the exact pin on a small map
(tiles blocked: no network), at phone and desktop width, without serious accessibility issues."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.backoffice.test_browser_flow import as_officer
from tests.e2e.conftest import AXE, CHROMIUM, DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings; evaluated through the DevTools protocol, which
    the page's Content-Security-Policy (kept on here) does not govern."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_case_screen_shows_the_pin_on_a_map(live_server, world):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    case = world.new_case(latitude=21.853142, longitude=106.761234, address="Ngõ 5 phố Đông Kinh")
    found: dict[str, Any] = {"problems": []}

    def look(page: Any) -> None:
        page.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            page.goto(f"{live_server.url}/backoffice/cases/{case.pk}/")
            page.wait_for_selector("#case-map .leaflet-marker-icon")
            found["text"] = page.inner_text("main")
            page.locator("#case-map").scroll_into_view_if_needed()
            screenshot(page, "backoffice-case-map")
            if AXE.exists():
                found["problems"] += _violations(page)

    as_officer(live_server.url, world.intake.username, look)
    assert "21.853142, 106.761234" in found["text"]
    assert "Ngõ 5 phố Đông Kinh" in found["text"]
    assert found["problems"] == []
