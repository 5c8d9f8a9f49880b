"""Shared settings of the browser tests: Playwright drives Debian's chromium against
pytest-django's live server (never a downloaded browser build).

Screenshots go to test-artifacts/screenshots/ (git-ignored). axe-core, installed from npm into
tests/e2e/node_modules by `make test`, is injected into pages to check accessibility. Each test
module runs its browser in a thread of its own: Playwright's sync API cannot start twice in one
thread, and xdist may put several browser test modules in the same worker.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
# Everything but the live server: map tiles and other outside requests fail at once.
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")


def in_browser_thread[T](work: Callable[[], T], *, timeout: float = 120) -> T:
    """Run ``work`` in a thread of its own and hand back its result, or raise what it raised.

    Playwright's sync API cannot start in a thread that runs an event loop already, and xdist
    may put several browser test modules in one worker, so each browser gets a fresh thread.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # reported to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=timeout)
    if "error" in outcome:
        raise outcome["error"]
    if "result" not in outcome:
        raise TimeoutError(f"the browser did not finish within {timeout:.0f} s")
    return outcome["result"]


@contextmanager
def browser_page(
    viewport: Any, *, cookies: Iterable[Any] = (), offline: bool = False
) -> Iterator[Any]:
    """A page of a fresh Debian chromium in Vietnamese; ``offline`` aborts outside requests.
    Call it inside ``in_browser_thread``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=viewport, locale="vi-VN")
            if offline:
                context.route(OUTSIDE, lambda route: route.abort())
            if cookies:
                context.add_cookies(list(cookies))
            page = context.new_page()
            page.set_default_timeout(15000)
            yield page
        finally:
            browser.close()


def log_in(page: Any, base: str, username: str, password: str) -> None:
    """Log in through the back-office form and wait to leave the login page."""
    page.goto(base + "/backoffice/login/")
    page.fill('[name="username"]', username)
    page.fill('[name="password"]', password)
    page.click('form[action$="/backoffice/login/"] button[type=submit]')
    page.wait_for_url(lambda url: "/login/" not in url)


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_accessibility_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in the page; return violations of impact serious or critical."""
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
