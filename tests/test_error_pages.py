"""Error pages are the site's own, in Vietnamese first, with the site's layout."""

from __future__ import annotations

import pytest
from django.template import loader
from django.test import RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_unknown_published_code_is_a_styled_vietnamese_404(client):
    response = client.get("/published/XXXXXXXXX/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert 'class="site-header"' in html  # the base layout, not Django's bare page
    assert "Not Found" not in html


def test_unknown_path_is_the_same_404_page(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_403_page_uses_the_layout(rf: RequestFactory):
    response = defaults.permission_denied(rf.get("/"), exception=Exception())
    assert response.status_code == 403
    html = response.content.decode()
    assert "Không có quyền truy cập" in html and 'class="site-header"' in html


def test_500_page_renders_without_a_request():
    html = loader.get_template("500.html").render()
    assert "Hệ thống đang gặp sự cố" in html and 'class="site-header"' in html


def test_500_handler_uses_the_template(rf: RequestFactory):
    response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()
