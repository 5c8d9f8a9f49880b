from __future__ import annotations

import re

import pytest

from pakn.accounts.models import TOTPDevice, User
from pakn.accounts.totp import code_at, current_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, settings):
    settings.PAKN_REQUIRE_ADMIN_2FA = True
    user = User.objects.create_superuser("quan-tri", "mật-khẩu-an-toàn-2026", email="qt@example.vn")
    client.force_login(user)
    return client, user


def test_admin_is_sent_to_enrol_a_second_factor(admin_client):
    client, _user = admin_client
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/?next=%2Fadmin%2F")
    page = client.get(response["Location"])
    assert "Xác thực hai lớp" in page.content.decode()
    assert "<svg" in page.content.decode()


def test_wrong_code_is_refused_in_vietnamese_and_right_code_opens_admin(admin_client):
    client, user = admin_client
    client.get("/accounts/2fa/")
    device = TOTPDevice.objects.get(user=user)
    wrong = client.post("/accounts/2fa/", {"code": "000000", "next": "/admin/"})
    assert "Mã không đúng" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    ok = client.post(
        "/accounts/2fa/", {"code": code_at(device.secret, current_step()), "next": "/admin/"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed_at is not None


def test_enrolled_officer_is_asked_even_without_the_admin_rule(client, settings):
    settings.PAKN_REQUIRE_ADMIN_2FA = False
    user = User.objects.create_user("can-bo-x", "mật-khẩu-an-toàn-2026")
    TOTPDevice.objects.create(
        user=user, secret="JBSWY3DPEHPK3PXP", confirmed_at="2026-01-01T00:00:00Z"
    )
    client.force_login(user)
    response = client.get("/backoffice/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")


def test_open_redirect_is_refused(admin_client):
    client, user = admin_client
    client.get("/accounts/2fa/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post(
        "/accounts/2fa/",
        {"code": code_at(device.secret, current_step()), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/backoffice/"
    assert not re.search("evil", response["Location"])
