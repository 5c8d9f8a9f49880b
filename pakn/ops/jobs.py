"""The platform's own periodic jobs."""

from __future__ import annotations

from datetime import timedelta

from . import steps
from .scheduler import periodic
from .tasks import heartbeat_task


@periodic("ops.worker_heartbeat", every=timedelta(seconds=30), in_worker=False)
def enqueue_worker_heartbeat() -> None:
    heartbeat_task.enqueue("worker")


@periodic("ops.sweep_steps", every=timedelta(seconds=30), in_worker=False)
def sweep_steps() -> None:
    steps.sweep()
