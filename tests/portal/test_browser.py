"""The citizen's path in a real browser (Debian's chromium) at phone size, with and without
JavaScript; axe-core checks accessibility when its script is available.

Skipped when Playwright or chromium is missing. axe-core is looked for in ``PAKN_AXE_JS``, then
where the e2e suite installs it (``tests/e2e/node_modules``). Screenshots go to
``test-artifacts/screenshots/portal-*.png`` (git-ignored).
"""

from __future__ import annotations

import io
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from pakn.cases import services as S
from pakn.cases.models import Case, Rating, Status
from pakn.geo.models import AdministrativeUnit
from pakn.submissions.models import Submission

playwright_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("PAKN_CHROMIUM") or shutil.which("chromium") or ""
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}

# The e2e suite's Playwright may keep an event loop in the main thread; the ORM calls made by
# these tests are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed"),
]


def _axe_script() -> str | None:
    for candidate in (
        os.environ.get("PAKN_AXE_JS", ""),
        str(ROOT / "tests" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"),
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text()
    return None


class _Remote:
    """A Playwright object whose every call runs on the browser's own thread.

    Playwright's sync API refuses to start in a thread that already runs one (the e2e suite
    keeps a session-wide browser in the main thread), so this one lives in a thread of its own.
    """

    def __init__(self, executor: ThreadPoolExecutor, target: Any) -> None:
        self._executor = executor
        self._target = target

    def __getattr__(self, name: str) -> Any:
        value = self._executor.submit(getattr, self._target, name).result()
        if callable(value):

            def call(*args: Any, **kwargs: Any) -> Any:
                return _remote(
                    self._executor, self._executor.submit(value, *args, **kwargs).result()
                )

            return call
        return _remote(self._executor, value)


def _remote(executor: ThreadPoolExecutor, value: Any) -> Any:
    if type(value).__module__.startswith("playwright."):
        return _Remote(executor, value)
    return value


@pytest.fixture
def browser():
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portal-playwright")

    def start() -> tuple[Any, Any]:
        session = playwright_api.sync_playwright().start()
        return session, session.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])

    session, instance = executor.submit(start).result()
    try:
        yield _Remote(executor, instance)
    finally:
        executor.submit(instance.close).result()
        executor.submit(session.stop).result()
        executor.shutdown()


@pytest.fixture
def places(db) -> AdministrativeUnit:
    """Lạng Sơn with a few communes. Transactional tests run after others have flushed the
    tables, which removes the units a data migration loaded, so they are put back if needed."""
    province = AdministrativeUnit.objects.filter(level="province", name="Tỉnh Lạng Sơn").first()
    if province is None:
        province = AdministrativeUnit.objects.create(
            level="province",
            code=20,
            name="Tỉnh Lạng Sơn",
            division_type="tỉnh",
            codename="tinh_lang_son",
        )
    if not province.children.exists():
        for i, name in enumerate(("Phường Đông Kinh", "Phường Lương Văn Tri", "Xã Thất Khê")):
            AdministrativeUnit.objects.create(
                level="commune",
                code=990_000 + i,
                name=name,
                division_type="phường",
                codename=f"test_{i}",
                parent=province,
            )
    return province


def _page(
    browser,
    *,
    javascript: bool = True,
    viewport: dict[str, int] = PHONE,
    inject_axe: bool = False,
    **context_options: Any,
):
    # bypass_csp only so the accessibility check can inject axe-core; elsewhere the pages' own
    # scripts must work under the Content Security Policy, and any violation is collected.
    context = browser.new_context(
        viewport=viewport,
        locale="vi-VN",
        java_script_enabled=javascript,
        bypass_csp=inject_axe,
        **context_options,
    )
    # No network in tests: map tiles never load, and the maps must work without them.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(15000)
    page.csp_errors = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda message: (
            page.csp_errors.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "anh-den-duong.jpg"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    page.screenshot(path=str(ARTIFACTS / f"portal-{name}-{width}.png"), full_page=True)


def _fill_submission(page, photo: Path, *, javascript: bool, field_id: int) -> None:
    page.check("#id_kind_0")
    page.select_option("#id_field", value=str(field_id))
    page.fill("#id_title", "Đèn đường hỏng trên đường Lê Lợi")
    page.fill("#id_body", "Đèn đường trước số 12 Lê Lợi hỏng ba tuần nay, buổi tối rất tối.")
    page.select_option("#id_province", label="Tỉnh Lạng Sơn")
    if javascript:
        page.wait_for_selector("#id_commune option:nth-child(3)", state="attached")
    else:
        page.click("button[name=choose_province]")
        page.wait_for_load_state()
    page.select_option("#id_commune", index=1)
    page.fill("#id_address", "12 Lê Lợi")
    page.fill("#id_submitter_name", "Trần Thị Bình")
    page.fill("#id_phone", "0987 654 321")
    page.set_input_files("#id_attachments", str(photo))
    page.check("#id_consent")


def test_citizen_submits_tracks_replies_reads_answer_and_rates_on_a_phone(
    browser, live_server, world, places, tmp_path
):
    page = _page(browser)
    page.goto(f"{live_server.url}/submit/")
    _fill_submission(page, _photo(tmp_path), javascript=True, field_id=world.field_id)
    # A tap places the pin, another moves it; the hidden inputs follow (tiles are blocked).
    page.click("#pin-map")
    first = page.input_value("#id_latitude")
    assert first and page.input_value("#id_longitude")
    page.click("#pin-map", position={"x": 230, "y": 190})  # clear of the zoom buttons
    assert page.input_value("#id_latitude") != first
    assert "Đã đặt ghim" in page.inner_text("[data-pin-status]")
    pinned = (float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude")))
    _shot(page, "submit-pin")
    page.click("button[name=step][value=preview]")
    page.wait_for_selector("#preview-title")
    # The preview shows exactly what will be sent; nothing is sent yet.
    preview = page.inner_text("main")
    for shown in (
        "Trần Thị Bình",
        "Đèn đường hỏng trên đường Lê Lợi",
        "anh-den-duong.jpg",
        "12 Lê Lợi",
    ):
        assert shown in preview
    assert page.locator("#preview img").count() == 1
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert Submission.objects.count() == 0
    _shot(page, "submit-preview")
    # "Sửa" goes back with everything, the pin and the held photo included.
    page.click("button[name=step][value=edit]")
    page.wait_for_selector("#pin-map")
    assert page.input_value("#id_title") == "Đèn đường hỏng trên đường Lê Lợi"
    assert float(page.input_value("#id_latitude")) == pytest.approx(pinned[0])
    assert page.locator("#pin-map .leaflet-marker-icon").count() == 1  # the pin is back
    assert "anh-den-duong.jpg" in page.inner_text(".held")
    page.click("button[name=step][value=preview]")
    page.wait_for_selector("#preview-title")
    page.dblclick("button[name=step][value=send]")  # a double click still sends once
    page.wait_for_url(re.compile(r"/submit/done/"))
    code = page.inner_text("#tracking-code").strip()
    assert page.locator(".qr svg").count() == 1
    _shot(page, "submit-done")
    submission = Submission.objects.get()
    assert submission.attachments.count() == 1 and submission.commune_id is not None
    assert (submission.latitude, submission.longitude) == pytest.approx(pinned)

    page.click("text=Theo dõi phản ánh")
    page.wait_for_url(re.compile(r"/track/\?code="))
    assert "token" not in page.url
    assert "Chờ tiếp nhận" in page.inner_text("main")

    case = Case.objects.get()
    S.case_accept(case=case, actor=world.intake)
    S.case_request_info(case=case, actor=world.intake, question="Xin chụp thêm ảnh cột đèn.")
    page.reload()
    assert "Xin chụp thêm ảnh cột đèn." in page.inner_text("main")
    page.fill("#id_text", "Cột đèn số 14, cạnh cổng trường tiểu học.")
    page.click("button:has-text('Gửi thông tin bổ sung')")
    page.wait_for_load_state()
    assert "Đã gửi thông tin bổ sung" in page.inner_text("main")

    case.refresh_from_db()
    S.case_assign(case=case, actor=world.intake, assignee=world.handler)
    S.case_draft_answer(
        case=case, actor=world.handler, outcome="accepted", text="Đã thay bóng đèn ngày 20/11."
    )
    S.case_approve_answer(case=case, actor=world.leader)
    S.case_publish(case=case, actor=world.leader)

    page.goto(f"{live_server.url}/published/{code}/")
    assert "Đã thay bóng đèn ngày 20/11." in page.inner_text("main")
    assert "Trần Thị Bình" not in page.content()

    page.goto(f"{live_server.url}/track/?code={code}")
    page.check("input[name=score][value='5']")
    page.fill("#id_comment", "Xử lý nhanh, cảm ơn.")
    page.click("button:has-text('Gửi đánh giá')")
    page.wait_for_load_state()
    assert "Cảm ơn bạn đã đánh giá" in page.inner_text("main")
    assert Rating.objects.get(case=case).score == 5
    assert Case.objects.get(pk=case.pk).status == Status.PUBLISHED
    assert page.csp_errors == []


def test_the_same_submission_works_with_javascript_off(
    browser, live_server, world, places, tmp_path
):
    page = _page(browser, javascript=False)
    page.goto(f"{live_server.url}/submit/")
    _fill_submission(page, _photo(tmp_path), javascript=False, field_id=world.field_id)
    # The province round trip keeps what was typed; the map is not there, the address is.
    assert page.input_value("#id_title") == "Đèn đường hỏng trên đường Lê Lợi"
    assert not page.is_visible("#pin-map")
    page.click("button[name=step][value=preview]")
    page.wait_for_selector("#preview-title")
    assert "anh-den-duong.jpg" in page.inner_text("main")
    assert Submission.objects.count() == 0
    _shot(page, "submit-preview-nojs")
    page.click("button[name=step][value=edit]")
    page.wait_for_load_state()
    assert "anh-den-duong.jpg" in page.inner_text(".held")
    page.click("button[name=step][value=preview]")
    page.wait_for_selector("#preview-title")
    page.click("button[name=step][value=send]")
    page.wait_for_url(re.compile(r"/submit/done/"))
    assert Case.objects.count() == 1
    submission = Submission.objects.get()
    assert submission.attachments.count() == 1 and submission.latitude is None
    page.click("text=Theo dõi phản ánh")
    page.wait_for_load_state()
    assert "Chờ tiếp nhận" in page.inner_text("main")


def test_use_my_location_places_the_pin_and_remove_pin_clears_it(browser, live_server, world):
    page = _page(
        browser,
        geolocation={"latitude": 21.853142, "longitude": 106.761234},
        permissions=["geolocation"],
    )
    page.goto(f"{live_server.url}/submit/")
    page.click("button[data-pin-locate]")
    page.wait_for_function("document.getElementById('id_latitude').value !== ''")
    assert page.input_value("#id_latitude") == "21.853142"
    assert page.input_value("#id_longitude") == "106.761234"
    page.click("button[data-pin-clear]")
    assert page.input_value("#id_latitude") == "" and page.input_value("#id_longitude") == ""
    assert page.locator("#pin-map .leaflet-marker-icon").count() == 0
    # Keyboard only: focus the map, move it with the arrows, pin its centre.
    page.focus("#pin-map")
    page.keyboard.press("ArrowRight")
    page.click("button[data-pin-center]")
    assert page.input_value("#id_latitude") != ""
    assert page.csp_errors == []


def test_pages_have_no_serious_accessibility_violations_and_are_captured(
    browser, live_server, world, places, tmp_path
):
    from tests.cases.conftest import drive

    case = drive(world, world.new_case(latitude=21.853142, longitude=106.761234), "published")
    pages = {
        "home": "/",
        "submit": "/submit/",
        "submit-preview": None,  # reached by filling the form, below
        "track": "/track/",
        "published": "/published/",
        "published-map": "/published/?view=map",
        "published-detail": f"/published/{case.submission.tracking_code}/",
    }
    axe = _axe_script()
    problems = []
    for viewport in (PHONE, DESKTOP):
        page = _page(browser, viewport=viewport, inject_axe=True)
        for name, path in pages.items():
            if path is None:
                page.goto(f"{live_server.url}/submit/")
                _fill_submission(page, _photo(tmp_path), javascript=True, field_id=world.field_id)
                page.click("#pin-map")
                page.click("button[name=step][value=preview]")
                page.wait_for_selector("#preview-title")
            else:
                page.goto(f"{live_server.url}{path}")
            if name == "published-map":
                # Markers come from the clustering endpoint; each links to its answer.
                page.wait_for_selector(".map-cluster")
                assert "1 câu trả lời có vị trí" in page.inner_text("[data-map-count]")
                page.click(".map-cluster")
                link = page.wait_for_selector(".map-popup a")
                assert link.get_attribute("href") == f"/published/{case.submission.tracking_code}/"
            if name == "published-detail":
                page.wait_for_selector("#h-place")
                assert page.locator("path.leaflet-interactive").count() == 1  # the ~100 m circle
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            _shot(page, name)
            if axe is None:
                continue
            page.add_script_tag(content=axe)
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            problems += [
                f"{name} at {viewport['width']}: {v['id']} ({v['impact']}) {v['help']} "
                f"{[n['target'] for n in v['nodes']][:3]}"
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
    assert problems == []
    if axe is None:
        pytest.skip("axe-core not found: set PAKN_AXE_JS or npm install axe-core")


def test_browser_warns_before_uploading_a_file_too_large_or_too_many(
    browser, live_server, settings
):
    settings.PAKN_MAX_UPLOAD_MB, settings.PAKN_MAX_ATTACHMENTS = 1, 2
    page = _page(browser)
    page.goto(f"{live_server.url}/submit/")
    warning = page.locator("[data-upload-check-for]")
    assert warning.is_hidden()
    big = {"name": "anh-14mb.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * 1_600_000}
    page.set_input_files("#id_attachments", [big])
    assert warning.is_visible()
    text = warning.inner_text()
    assert "anh-14mb.jpg" in text and "1,5 MB" in text and "giới hạn 1 MB" in text
    assert page.evaluate("document.getElementById('id_attachments').validity.valid") is False

    small = [
        {"name": f"anh-{i}.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * 100}
        for i in range(3)
    ]
    page.set_input_files("#id_attachments", small)
    assert warning.inner_text() == "Chỉ gửi được tối đa 2 tệp; bạn đã chọn 3 tệp."
    page.set_input_files("#id_attachments", small[:2])
    assert warning.is_hidden()
    assert page.evaluate("document.getElementById('id_attachments').validity.valid") is True
