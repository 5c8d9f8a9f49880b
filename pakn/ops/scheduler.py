"""Periodic jobs, claimed race-safely so overlapping schedulers never run a slot twice."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.utils import timezone

from .models import Heartbeat, ScheduledJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    func: Callable[[], object]
    in_worker: bool = True  # hand to the task worker rather than run in the scheduler loop


_JOBS: dict[str, Job] = {}


def periodic(name: str, *, every: timedelta, in_worker: bool = True) -> Callable[..., object]:
    def register(func: Callable[[], object]) -> Callable[[], object]:
        _JOBS[name] = Job(name, every, func, in_worker)
        return func

    return register


def registered_jobs() -> dict[str, Job]:
    return dict(_JOBS)


def claim(job: Job, now: datetime | None = None) -> bool:
    """Move the job's next slot forward if it is due; True only for the one scheduler that did."""
    now = now or timezone.now()
    ScheduledJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
    return (
        ScheduledJob.objects.filter(name=job.name, next_run_at__lte=now).update(
            next_run_at=now + job.every,
            last_started_at=now,
        )
        == 1
    )


def run_job(name: str) -> None:
    job = _JOBS[name]
    try:
        job.func()
    except Exception as exc:
        log.exception("periodic job %s failed", name)
        ScheduledJob.objects.filter(name=name).update(last_error=str(exc)[:2000])
        raise
    ScheduledJob.objects.filter(name=name).update(last_finished_at=timezone.now(), last_error="")


def tick() -> list[str]:
    """One pass: claim and start every due job; returns the names started."""
    from .tasks import run_job_task

    started = []
    now = timezone.now()
    Heartbeat.objects.update_or_create(name="scheduler", defaults={"seen_at": now})
    for job in _JOBS.values():
        if not claim(job, now):
            continue
        started.append(job.name)
        if job.in_worker:
            run_job_task.enqueue(job.name)
        else:
            with contextlib.suppress(Exception):  # logged in run_job; the loop goes on
                run_job(job.name)
    return started


def run_forever(interval: float = 5.0, iterations: int | None = None) -> None:
    count = 0
    while iterations is None or count < iterations:
        close_old_connections()
        try:
            tick()
        except Exception:
            log.exception("scheduler tick failed")
        count += 1
        time.sleep(interval)
