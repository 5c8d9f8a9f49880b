"""The back office on a 360 px phone: the inbox and the case page fit the screen's width (the
inbox rows become cards with status and deadline first); nothing scrolls sideways."""

from __future__ import annotations

import pytest

from pakn.cases import services
from pakn.geo.models import AdministrativeUnit
from tests.e2e.conftest import PHONE, browser_page, in_browser_thread, log_in, screenshot
from tests.world import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# What sticks out of the viewport, to say in the failure which element is too wide.
WIDE = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _widths(base: str, username: str, paths: list[str]) -> dict[str, tuple[int, list[str], dict]]:
    def run() -> dict[str, tuple[int, list[str], dict]]:
        found: dict[str, tuple[int, list[str], dict]] = {}
        # No network in tests: map tiles never load, and the page must fit without them.
        with browser_page(PHONE, offline=True) as page:
            log_in(page, base, username, PASSWORD)
            for path in paths:
                page.goto(base + path)
                page.wait_for_load_state()
                first = page.locator("tr.case-row").first
                visible = {}
                if first.count():
                    for cell in ("status", "deadline"):
                        target = first.locator(f"td.cell-{cell}")
                        box = target.bounding_box() if target.count() else None
                        visible[cell] = box is not None and box["x"] + box["width"] <= 360
                found[path] = (
                    page.evaluate("document.documentElement.scrollWidth"),
                    page.evaluate(WIDE),
                    visible,
                )
                screenshot(page, "bo-phone" + path.replace("/", "-").rstrip("-"))
        return found

    return in_browser_thread(run)


def test_inbox_and_case_page_fit_a_360_px_phone(live_server, world):
    commune = AdministrativeUnit.objects.filter(level="commune").first()
    case = world.new_case(
        address="Khu dân cư đường Nguyễn Du, tổ 12, khối 3, gần chợ Đông Kinh",
        commune_id=commune.pk if commune else None,
        latitude=21.87511,
        longitude=106.77584,
        email="nguoidan.phananh.8147@example.vn",
        submitter_address="đường Hùng Vương, Phường Tam Thanh, Tỉnh Lạng Sơn",
    )
    services.case_classify(case=case, actor=world.intake, kind="recommendation")
    world.new_case()
    found = _widths(
        live_server.url, world.intake.username, ["/backoffice/", f"/backoffice/cases/{case.pk}/"]
    )
    for path, (width, wide, visible) in found.items():
        assert width <= 360, (path, width, wide)
        assert all(visible.values()), (path, visible)
    assert found["/backoffice/"][2] == {"status": True, "deadline": True}
