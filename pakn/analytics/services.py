"""Writes of the analytics app: export jobs (requested, run in the background, downloaded)."""

from __future__ import annotations

import logging
import tempfile
import traceback
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from pakn.accounts.models import Agency, User
from pakn.core.errors import NotFound

from . import reports
from .models import ExportJob, ExportKind, ExportStatus
from .selectors import Period, can_view

log = logging.getLogger(__name__)

EXTENSIONS = {
    ExportKind.CASES_CSV: "csv",
    ExportKind.CASES_XLSX: "xlsx",
    ExportKind.REPORT_XLSX: "xlsx",
    ExportKind.REPORT_PDF: "pdf",
}
FILTER_KEYS = ("status", "kind", "field", "channel", "province")
STALE_PENDING = timedelta(minutes=2)
PRIMARY = "default"  # analytics reads may go to a replica; jobs are read where they are written


def export_job_create(
    *, user: User, agency: Agency, kind: str, period: Period, filters: dict[str, Any] | None = None
) -> ExportJob:
    """Record an export and hand it to the task worker once the transaction commits."""
    if not can_view(user, agency):
        raise NotFound("Không tìm thấy cơ quan.")
    if kind not in EXTENSIONS:
        raise ValueError(f"unknown export kind {kind!r}")
    params: dict[str, Any] = {"from": f"{period.start:%Y-%m}", "to": f"{period.end:%Y-%m}"}
    params.update({k: v for k, v in (filters or {}).items() if k in FILTER_KEYS and v})
    with transaction.atomic():
        job = ExportJob.objects.using(PRIMARY).create(
            kind=kind, requested_by=user, agency=agency, params=params
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import run_export_task

    try:
        run_export_task.enqueue(job_id)
    except Exception:
        # The job row is safe; the periodic sweep hands it to a worker later.
        log.exception("could not enqueue export %s; the sweep will retry", job_id)


def export_job_run(*, job_id: int) -> str:
    """Claim the job and build its file; safe to call twice (the second call does nothing)."""
    now = timezone.now()
    claimed = (
        ExportJob.objects.using(PRIMARY)
        .filter(pk=job_id, status=ExportStatus.PENDING)
        .update(status=ExportStatus.RUNNING, started_at=now)
    )
    if claimed != 1:
        return "skipped"
    job = ExportJob.objects.using(PRIMARY).select_related("agency").get(pk=job_id)
    period = Period.parse(job.params.get("from"), job.params.get("to"))
    filters = {k: job.params.get(k) for k in FILTER_KEYS}
    extension = EXTENSIONS[ExportKind(job.kind)]
    filename = f"pakn-{job.kind.replace('_', '-')}-{job.agency.code}-{period.start:%Y%m}-{period.end:%Y%m}.{extension}"

    def progress(done: int) -> None:
        ExportJob.objects.using(PRIMARY).filter(pk=job_id).update(done=done)

    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / filename
            if job.kind in (ExportKind.CASES_CSV, ExportKind.CASES_XLSX):
                cases = reports.export_cases(job.agency, period, filters)
                ExportJob.objects.using(PRIMARY).filter(pk=job_id).update(total=cases.count())
                writer = (
                    reports.write_cases_csv
                    if job.kind == ExportKind.CASES_CSV
                    else reports.write_cases_xlsx
                )
                writer(cases, path, progress)
            elif job.kind == ExportKind.REPORT_XLSX:
                reports.write_report_xlsx(job.agency, period, path)
            else:
                reports.write_report_pdf(job.agency, period, path)
            job.refresh_from_db(using=PRIMARY, fields=["total", "done"])
            with path.open("rb") as handle:
                job.file.save(filename, File(handle), save=False)
        job.filename = filename
        job.status = ExportStatus.DONE
        job.total = max(job.total, job.done)
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "filename", "status", "total", "finished_at"])
    except Exception as exc:
        log.exception("export %s failed", job_id)
        ExportJob.objects.using(PRIMARY).filter(pk=job_id).update(
            status=ExportStatus.FAILED,
            error="".join(traceback.format_exception_only(exc)).strip()[:2000],
            finished_at=timezone.now(),
        )
        return ExportStatus.FAILED
    return ExportStatus.DONE


def export_jobs_sweep() -> int:
    """Hand pending exports that no worker took (enqueue failed, worker restarted) back."""
    ids = list(
        ExportJob.objects.using(PRIMARY)
        .filter(status=ExportStatus.PENDING, created_at__lt=timezone.now() - STALE_PENDING)
        .values_list("pk", flat=True)[:100]
    )
    for job_id in ids:
        _enqueue(job_id)
    return len(ids)
