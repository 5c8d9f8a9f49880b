from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from pakn.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def superadmin_client(client):
    user = User.objects.create_superuser(
        "root-admin", "mật-khẩu-an-toàn-2026", email="a@example.vn"
    )
    client.force_login(user)
    return client


def test_every_admin_changelist_and_add_page_loads(superadmin_client):
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert superadmin_client.get(url).status_code == 200, url
        if model_admin.has_add_permission(
            type("R", (), {"user": User(is_superuser=True, is_active=True)})()
        ):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert superadmin_client.get(add).status_code == 200, add


def test_admin_is_in_vietnamese(superadmin_client):
    response = superadmin_client.get("/admin/")
    assert "Cấu hình" in response.content.decode()
    assert 'lang="vi"' in response.content.decode()


def test_admin_requires_staff_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
