from __future__ import annotations

import pytest

from pakn.core import ratelimit
from pakn.ops import ratecount
from pakn.ops.models import RateCounter

pytestmark = pytest.mark.django_db


def test_the_database_cache_gets_the_one_query_counter():
    assert ratelimit._counter is ratecount.hit


def test_each_hit_is_one_query_and_counts_in_its_window(django_assert_num_queries, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(ratecount.time, "time", lambda: clock[0])
    with django_assert_num_queries(1):
        assert ratecount.hit("k", 60) == 1
    assert [ratecount.hit("k", 60) for _ in range(3)] == [2, 3, 4]
    assert ratecount.hit("other", 60) == 1
    clock[0] += 60  # next window
    assert ratecount.hit("k", 60) == 1


def test_limit_applies_per_identity(settings):
    assert [ratelimit.hit("g", "ip:1.2.3.4", "2/m") for _ in range(3)] == [True, True, False]
    assert ratelimit.hit("g", "ip:5.6.7.8", "2/m")
    assert ratelimit.hit("other-group", "ip:1.2.3.4", "2/m")


def test_ended_windows_are_purged(monkeypatch):
    clock = [2_000_000.0]
    monkeypatch.setattr(ratecount.time, "time", lambda: clock[0])
    ratecount.hit("old", 60)
    clock[0] += 3600
    ratecount.hit("new", 60)
    assert ratecount.purge() == 1
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["new"]
