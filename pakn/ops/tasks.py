from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from .models import Heartbeat


@task()
def run_step_task(step_id: int) -> str:
    from .steps import run_step

    return run_step(step_id)


@task()
def run_steps_task(step_ids: list[int]) -> list[str]:
    from .steps import run_step

    return [run_step(step_id) for step_id in step_ids]


@task()
def heartbeat_task(name: str = "worker") -> None:
    """Enqueued by the scheduler; proves a worker is taking tasks off the queue."""
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


@task()
def run_job_task(name: str) -> None:
    from .scheduler import run_job

    run_job(name)
