from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pakn.ops.models import Heartbeat, ScheduledJob
from pakn.ops.scheduler import Job, claim, tick
from pakn.ops.tasks import heartbeat_task

pytestmark = pytest.mark.django_db


def test_only_one_of_two_overlapping_schedulers_claims_a_slot():
    job = Job("test.job", timedelta(minutes=5), lambda: None)
    now = timezone.now()
    assert claim(job, now) is True
    assert claim(job, now) is False
    assert ScheduledJob.objects.get(name="test.job").next_run_at == now + timedelta(minutes=5)


def test_slot_is_claimable_again_when_due():
    job = Job("test.job2", timedelta(minutes=5), lambda: None)
    now = timezone.now()
    assert claim(job, now)
    assert claim(job, now + timedelta(minutes=5))


def test_tick_records_scheduler_heartbeat(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    started = tick()
    assert "ops.sweep_steps" in started
    assert Heartbeat.objects.filter(name="scheduler").exists()
    assert "ops.sweep_steps" not in tick()


def test_worker_heartbeat_task_writes_heartbeat():
    heartbeat_task.call("worker")
    assert Heartbeat.objects.get(name="worker").seen_at > timezone.now() - timedelta(minutes=1)
