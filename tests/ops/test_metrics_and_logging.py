from __future__ import annotations

import json
import logging

import pytest
from django.test import RequestFactory

from pakn.core.logging import JsonFormatter
from pakn.ops.metrics import metrics
from pakn.ops.routers import AnalyticsReplicaRouter

pytestmark = pytest.mark.django_db


def test_metrics_report_cases_steps_and_heartbeats(world):
    world.new_case()
    response = metrics(RequestFactory().get("/metrics", REMOTE_ADDR="127.0.0.1"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert 'pakn_cases{status="submitted"} 1' in body
    assert 'pakn_steps{status="pending"}' in body
    assert "pakn_cases_overdue 0" in body


def test_metrics_are_not_public(settings):
    assert metrics(RequestFactory().get("/metrics", REMOTE_ADDR="203.0.113.9")).status_code == 403
    settings.PAKN_METRICS_TOKEN = "bí-mật"
    request = RequestFactory().get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer bí-mật"
    )
    assert metrics(request).status_code == 200
    assert metrics(RequestFactory().get("/metrics", REMOTE_ADDR="127.0.0.1")).status_code == 401


def test_json_log_lines():
    record = logging.LogRecord(
        "pakn.test", logging.WARNING, __file__, 1, "Hồ sơ %s quá hạn", ("K7M3",), None
    )
    doc = json.loads(JsonFormatter().format(record))
    assert doc["message"] == "Hồ sơ K7M3 quá hạn" and doc["level"] == "WARNING"


def test_replica_router_sends_only_analytics_reads_to_the_replica():
    from pakn.cases.models import Case

    router = AnalyticsReplicaRouter()

    class AnalyticsModel:
        class _meta:
            app_label = "analytics"

    assert router.db_for_read(AnalyticsModel) == "replica"
    assert router.db_for_read(Case) is None
    assert router.db_for_write(AnalyticsModel) == "default"
    assert router.allow_migrate("replica", "cases") is False
