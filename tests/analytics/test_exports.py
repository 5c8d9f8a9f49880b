from __future__ import annotations

import csv
import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pakn.analytics.models import ExportJob, ExportKind, ExportStatus
from pakn.analytics.reports import NATIONAL_MOTTO, NATIONAL_SUBMOTTO
from pakn.analytics.services import export_job_create, export_job_run
from pakn.core.errors import NotFound
from tests.analytics.conftest import Data
from tests.analytics.test_figures import FEB_MAR

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "analytics"


def _run(data: Data, export: str, django_capture_on_commit_callbacks, **filters) -> ExportJob:
    with django_capture_on_commit_callbacks(execute=False):
        job = export_job_create(
            user=data.world.supervisor,
            agency=data.world.parent,
            kind=export,
            period=FEB_MAR,
            filters=filters,
        )
    assert export_job_run(job_id=job.pk) == ExportStatus.DONE
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.percent == 100
    return job


def test_case_list_xlsx_reads_back(data: Data, django_capture_on_commit_callbacks):
    job = _run(data, ExportKind.CASES_XLSX, django_capture_on_commit_callbacks)
    assert (job.total, job.done) == (5, 5)
    with job.file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Mã tra cứu"
    codes = {r[0] for r in rows[1:]}
    assert data.a.submission.tracking_code in codes and len(codes) == 5


def test_case_list_csv_is_filtered_and_safe_against_formulas(
    data: Data, django_capture_on_commit_callbacks
):
    job = _run(data, ExportKind.CASES_CSV, django_capture_on_commit_callbacks, kind="report")
    with job.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 4  # B is a recommendation
    assert all(not cell.startswith("=") for row in rows for cell in row)


def test_report_xlsx_has_the_figures(data: Data, django_capture_on_commit_callbacks):
    job = _run(data, ExportKind.REPORT_XLSX, django_capture_on_commit_callbacks)
    with job.file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    summary = book["Tổng hợp"]
    values = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row and row[0]}
    assert summary["A1"].value == NATIONAL_MOTTO
    assert values["Số phản ánh, kiến nghị đã nhận"] == "5"
    assert values["Tỷ lệ trả lời đúng hạn"] == "75,0%"
    assert values["Thời gian xử lý trung vị (ngày làm việc)"] == "11,5"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_report_pdf_carries_the_national_header(
    data: Data, django_capture_on_commit_callbacks, tmp_path
):
    pytest.importorskip("weasyprint")
    job = _run(data, ExportKind.REPORT_PDF, django_capture_on_commit_callbacks)
    pdf = tmp_path / "report.pdf"
    with job.file.open("rb") as handle:
        pdf.write_bytes(handle.read())
    assert pdf.read_bytes().startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "periodic-report.pdf")  # for people to look at
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text  # as extracted, no normalising
    assert NATIONAL_SUBMOTTO in unicodedata.normalize("NFC", text)
    assert "Tỷ lệ trả lời đúng hạn" in unicodedata.normalize("NFC", text)


def test_export_of_an_agency_outside_the_subtree_is_refused(data: Data):
    with pytest.raises(NotFound):
        export_job_create(
            user=data.world.supervisor, agency=data.world.root, kind="cases_csv", period=FEB_MAR
        )


def test_export_runs_once(data: Data, django_capture_on_commit_callbacks):
    job = _run(data, ExportKind.CASES_CSV, django_capture_on_commit_callbacks)
    assert export_job_run(job_id=job.pk) == "skipped"


def test_export_pages_poll_and_download(client, data: Data, django_capture_on_commit_callbacks):
    client.force_login(data.world.supervisor)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/backoffice/analytics/exports/",
            {
                "kind": "cases_csv",
                "agency": data.world.parent.pk,
                "from": "2026-02",
                "to": "2026-03",
            },
        )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200 and "<progress" in page.content.decode()
    assert (
        client.get(f"/backoffice/analytics/exports/{job.pk}/status.json").json()["status"]
        == "pending"
    )
    assert client.get(f"/backoffice/analytics/exports/{job.pk}/download/").status_code == 404
    export_job_run(job_id=job.pk)
    status = client.get(f"/backoffice/analytics/exports/{job.pk}/status.json").json()
    assert status["percent"] == 100 and status["download"]
    download = client.get(status["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).decode("utf-8-sig").startswith("Mã tra cứu")


def test_someone_else_cannot_see_my_export(client, data: Data, django_capture_on_commit_callbacks):
    job = _run(data, ExportKind.CASES_CSV, django_capture_on_commit_callbacks)
    client.force_login(data.world.superadmin)
    assert client.get(f"/backoffice/analytics/exports/{job.pk}/").status_code == 404
    assert client.get(f"/backoffice/analytics/exports/{job.pk}/download/").status_code == 404
