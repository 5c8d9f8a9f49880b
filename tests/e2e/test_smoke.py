from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot, serious_accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_renders_in_chromium_at_phone_width_without_serious_violations(
    live_server, phone_page
):
    phone_page.goto(live_server.url + "/")
    assert phone_page.locator("h1").first.is_visible()
    assert phone_page.evaluate("document.documentElement.lang") == "vi"
    # Nothing wider than the phone's screen: no horizontal scrolling at 360 px.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    path = screenshot(phone_page, "home")
    assert path.stat().st_size > 1000
    assert serious_accessibility_violations(phone_page) == []
