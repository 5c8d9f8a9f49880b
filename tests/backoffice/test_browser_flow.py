"""The back-office workflow in Debian's chromium: intake screens and routes, the handler asks
for information, the citizen answers, the handler drafts, the leader returns it once, then
approves and publishes; the inbox counts follow. Each officer's session runs in a browser
thread of its own (Playwright's sync API cannot share the test's thread)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pakn.cases import services
from pakn.cases.models import Case, Status
from tests.e2e.conftest import (
    CHROMIUM,
    DESKTOP,
    SCREENSHOTS,
    browser_page,
    in_browser_thread,
    log_in,
)
from tests.world import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def as_officer(base: str, username: str, steps: Callable[[Any], None]) -> None:
    """Log in as ``username`` in a fresh browser and run ``steps(page)`` in the browser thread."""

    def run() -> None:
        with browser_page(DESKTOP) as page:
            page.on("dialog", lambda dialog: dialog.accept())
            log_in(page, base, username, PASSWORD)
            steps(page)

    in_browser_thread(run)


def act(
    page: Any, base: str, case: Case, action: str, fields: dict[str, str], *, button: str = ""
) -> None:
    page.goto(f"{base}/backoffice/cases/{case.pk}/")
    form = page.locator(f'form[action$="/actions/{action}/"]')
    for name, value in fields.items():
        field = form.locator(f'[name="{action}-{name}"]')
        if value == "check":
            field.check()
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator(button or "button[type=submit].primary, button[type=submit].danger").first.click()
    page.wait_for_load_state()


def queue_count(page: Any, base: str, queue: str) -> str:
    page.goto(f"{base}/backoffice/")
    counter = page.locator(f'[data-queue="{queue}"] .count').first
    if not counter.count():
        raise AssertionError(f"no queue {queue} at {page.url}: {page.content()[:1500]}")
    return counter.inner_text()


def test_back_office_flow_in_chromium(live_server, world):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    base = live_server.url
    case = world.new_case()
    seen: dict[str, str] = {}

    def intake(page: Any) -> None:
        seen["screen_before"] = queue_count(page, base, "screen")
        act(page, base, case, "accept", {"confirm": "check", "note": "Đúng thẩm quyền"})
        act(page, base, case, "assign", {"assignee": str(world.handler.pk)})
        seen["screen_after"] = queue_count(page, base, "screen")

    as_officer(base, world.intake.username, intake)
    case.refresh_from_db()
    assert (case.status, case.assignee_id) == (Status.IN_PROGRESS, world.handler.pk)
    assert (seen["screen_before"], seen["screen_after"]) == ("1", "0")

    as_officer(
        base,
        world.handler.username,
        lambda page: act(
            page,
            base,
            case,
            "request_info",
            {"confirm": "check", "question": "Xin cho biết số nhà cụ thể."},
        ),
    )
    case.refresh_from_db()
    assert case.status == Status.NEEDS_INFO
    services.submission_provide_info(case=case, text="Số 12 ngõ 5 phố Đông Kinh.")

    draft = {
        "outcome": "accepted",
        "text": "Đã bố trí thu gom rác hằng ngày tại ngõ 5.",
        "signer_name": "Trần Văn Bình",
    }
    as_officer(
        base, world.handler.username, lambda page: act(page, base, case, "draft_answer", draft)
    )
    case.refresh_from_db()
    assert case.status == Status.ANSWER_REVIEW

    def leader_returns(page: Any) -> None:
        seen["approve_before"] = queue_count(page, base, "approve")
        act(page, base, case, "return_answer", {"comment": "Bổ sung thời gian thực hiện."})
        seen["approve_after"] = queue_count(page, base, "approve")

    as_officer(base, world.leader.username, leader_returns)
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert (seen["approve_before"], seen["approve_after"]) == ("1", "0")

    as_officer(
        base,
        world.handler.username,
        lambda page: act(
            page, base, case, "draft_answer", {**draft, "text": draft["text"] + " Từ 1/12."}
        ),
    )

    def leader_approves(page: Any) -> None:
        act(page, base, case, "approve_answer", {"confirm": "check"})
        act(page, base, case, "publish", {"confirm": "check"})
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "backoffice-case-1280.png"), full_page=True)

    as_officer(base, world.leader.username, leader_approves)
    case.refresh_from_db()
    assert case.status == Status.PUBLISHED
    assert case.answers.get(status="approved").text.endswith("Từ 1/12.")
