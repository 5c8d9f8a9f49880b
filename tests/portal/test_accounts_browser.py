"""A citizen's account in chromium at phone size: register, open the verification link from the
outbox, submit while logged in, find the submission in "my submissions"; axe-core checks the
register and my-submissions pages."""

from __future__ import annotations

import re

import pytest

from pakn.accounts.models import User
from pakn.notifications.models import Notification
from pakn.submissions.models import Submission
from tests.portal.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    PHONE,
    _axe_script,
    _page,
    _shot,
    browser,
    places,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed"),
]


def _serious(page, name: str, axe: str) -> list[str]:
    page.add_script_tag(content=axe)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{name}: {v['id']} ({v['impact']}) {v['help']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_register_verify_submit_and_find_it_in_my_submissions_on_a_phone(
    browser,  # noqa: F811
    live_server,
    world,
    places,  # noqa: F811
):
    axe = _axe_script()
    problems: list[str] = []
    page = _page(browser, viewport=PHONE, inject_axe=axe is not None)

    page.goto(f"{live_server.url}/accounts/register/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if axe:
        problems += _serious(page, "register", axe)
    # A weak password first: the error is shown, focused, and nothing typed is lost.
    page.fill("#id_full_name", "Lê Thị Hoa")
    page.fill("#id_email", "hoa.le@example.vn")
    page.fill("#id_password", "matkhau123")
    page.fill("#id_password2", "matkhau123")
    page.check("#id_consent")
    page.click("button[type=submit]:has-text('Đăng ký')")
    page.wait_for_load_state()
    assert "quá phổ biến" in page.inner_text("main")
    assert page.evaluate("document.activeElement.id") == "id_password"
    assert page.input_value("#id_full_name") == "Lê Thị Hoa"
    _shot(page, "account-register-error")
    if axe:
        problems += _serious(page, "register-error", axe)

    page.fill("#id_password", "Ruộng lúa chín vàng 2026")
    page.fill("#id_password2", "Ruộng lúa chín vàng 2026")
    page.check("#id_consent")
    page.click("button[type=submit]:has-text('Đăng ký')")
    page.wait_for_url(re.compile(r"/accounts/verify/$"))
    assert "Đã tạo tài khoản" in page.inner_text("main")

    link = Notification.objects.get(template="account_verify_email").link
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    assert "Đã xác thực email" in page.inner_text("main")
    assert User.objects.get(email="hoa.le@example.vn").email_verified_at is not None

    page.goto(f"{live_server.url}/submit/")
    assert page.input_value("#id_submitter_name") == "Lê Thị Hoa"
    assert page.input_value("#id_email") == "hoa.le@example.vn"
    page.check("#id_kind_0")
    page.fill("#id_title", "Cây đổ chắn đường vào trường tiểu học")
    page.fill("#id_body", "Sau cơn bão, cây lớn đổ chắn lối vào trường, học sinh phải đi vòng.")
    page.check("#id_consent")
    page.click("button[name=step][value=preview]")
    page.wait_for_selector("#preview-title")
    page.click("button[name=step][value=send]")
    page.wait_for_url(re.compile(r"/submit/done/"))
    code = page.inner_text("#tracking-code").strip()
    assert Submission.objects.get().account == User.objects.get(email="hoa.le@example.vn")

    page.click("text=Phản ánh của tôi")
    page.wait_for_url(re.compile(r"/accounts/submissions/"))
    main = page.inner_text("main")
    assert "Cây đổ chắn đường vào trường tiểu học" in main and code in main
    assert "Chờ tiếp nhận" in main
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "account-my-submissions")
    if axe:
        problems += _serious(page, "my-submissions", axe)

    page.goto(f"{live_server.url}/accounts/preferences/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "account-preferences")
    if axe:
        problems += _serious(page, "preferences", axe)
    page.go_back()

    # The owner opens the track page from the list, with no token anywhere.
    page.click("a[href*='/track/?code=']")
    page.wait_for_load_state()
    assert "token" not in page.url
    assert "Cây đổ chắn đường vào trường tiểu học" in page.inner_text("main")
    assert page.csp_errors == []
    assert problems == []
    if axe is None:
        pytest.skip("axe-core not found: set PAKN_AXE_JS or npm install axe-core")
