from __future__ import annotations

from django.tasks import task


@task()
def run_export_task(job_id: int) -> str:
    from .services import export_job_run

    return export_job_run(job_id=job_id)
