from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pakn.ops.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_answers_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_unavailable_without_worker_heartbeat(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"]["ok"] is True
    assert body["checks"]["worker"]["ok"] is False


def test_readyz_is_ready_with_recent_heartbeats(client):
    for name in ("worker", "scheduler"):
        Heartbeat.objects.create(name=name, seen_at=timezone.now())
    assert client.get("/readyz").status_code == 200


def test_readyz_stale_worker_heartbeat_is_not_ready(client):
    Heartbeat.objects.create(name="worker", seen_at=timezone.now() - timedelta(hours=1))
    Heartbeat.objects.create(name="scheduler", seen_at=timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


def test_readyz_says_the_worker_cannot_be_judged_while_the_scheduler_is_down(client):
    body = client.get("/readyz").json()
    assert body["checks"]["scheduler"]["ok"] is False
    assert "scheduler" in body["checks"]["worker"]["note"]
    Heartbeat.objects.create(name="scheduler", seen_at=timezone.now())
    body = client.get("/readyz").json()
    assert "note" not in body["checks"]["worker"]
