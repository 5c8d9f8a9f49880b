from __future__ import annotations

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from pakn.core.ratelimit import hit, parse_rate, ratelimit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_parse_rate():
    assert parse_rate("10/m") == (10, 60)
    assert parse_rate("100/h") == (100, 3600)


def test_hit_allows_up_to_the_limit():
    results = [hit("submit", "ip:1.2.3.4", "3/m") for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert hit("submit", "ip:5.6.7.8", "3/m") is True


def test_decorated_view_answers_429_in_vietnamese():
    @ratelimit("test", rate="2/m")
    def view(request):
        return HttpResponse("ok")

    rf = RequestFactory()
    codes = [view(rf.post("/", REMOTE_ADDR="9.9.9.9")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert view(rf.get("/", REMOTE_ADDR="9.9.9.9")).status_code == 200  # GETs are not limited
    assert "thử lại" in view(rf.post("/", REMOTE_ADDR="9.9.9.9")).content.decode()
