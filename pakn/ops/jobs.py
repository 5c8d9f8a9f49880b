"""The platform's own periodic jobs."""

from __future__ import annotations

from datetime import timedelta

from . import ratecount, steps
from .scheduler import periodic
from .tasks import heartbeat_task

RETENTION_DAYS = 30


@periodic("ops.worker_heartbeat", every=timedelta(seconds=30), in_worker=False)
def enqueue_worker_heartbeat() -> None:
    heartbeat_task.enqueue("worker")


@periodic("ops.sweep_steps", every=timedelta(seconds=30), in_worker=False)
def sweep_steps() -> None:
    steps.sweep()


@periodic("ops.rate_counters_purge", every=timedelta(hours=1))
def purge_rate_counters() -> int:
    return ratecount.purge()


@periodic("ops.retention", every=timedelta(hours=6))
def prune_finished_work() -> int:
    """Finished background steps and task results are kept 30 days, then removed."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from .models import Step, StepStatus

    cutoff = timezone.now() - timedelta(days=RETENTION_DAYS)
    steps_removed, _ = Step.objects.filter(status=StepStatus.DONE, finished_at__lt=cutoff).delete()
    results_removed, _ = DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=cutoff
    ).delete()
    return steps_removed + results_removed
