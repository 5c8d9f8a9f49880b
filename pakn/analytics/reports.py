"""Files: the periodic report (XLSX, PDF) and lists of cases (CSV, XLSX).

Case lists are streamed from a database iterator into a file on disk (openpyxl in write-only
mode), reporting progress every chunk, so memory stays flat for any number of cases.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from pakn.accounts.models import Agency
from pakn.cases.models import Case, Status
from pakn.core.workdays import VN_TZ, working_days_between
from pakn.submissions.models import Channel, Kind

from .selectors import Dashboard, Period, dashboard

CHUNK = 2000
NATIONAL_MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_SUBMOTTO = "Độc lập - Tự do - Hạnh phúc"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int], None]


# --------------------------------------------------------------------------------------------
# Case lists


def export_cases(agency: Agency, period: Period, filters: dict[str, Any]) -> QuerySet[Case]:
    """The cases a list export covers: the agency's subtree, received in the period."""
    start = datetime.combine(period.start, datetime.min.time(), tzinfo=VN_TZ)
    end = datetime.combine(
        date.fromordinal(period.end_date.toordinal() + 1), datetime.min.time(), tzinfo=VN_TZ
    )
    cases = Case.objects.filter(
        agency__path__startswith=agency.path, received_at__gte=start, received_at__lt=end
    )
    for name, lookup in (
        ("status", "status"),
        ("kind", "submission__kind"),
        ("field", "submission__field_id"),
        ("channel", "submission__channel"),
        ("province", "submission__province_id"),
    ):
        value = filters.get(name)
        if value not in (None, ""):
            cases = cases.filter(**{lookup: value})
    return cases.order_by("pk")


CASE_COLUMNS = [
    ("submission__tracking_code", "Mã tra cứu"),
    ("submission__kind", "Loại"),
    ("submission__field__name", "Lĩnh vực"),
    ("submission__title", "Tiêu đề"),
    ("submission__channel", "Kênh"),
    ("submission__province__name", "Tỉnh, thành phố"),
    ("submission__commune__name", "Xã, phường"),
    ("agency__name", "Cơ quan xử lý"),
    ("status", "Trạng thái"),
    ("received_at", "Ngày nhận"),
    ("due_at", "Hạn xử lý"),
    ("answered_at", "Ngày trả lời"),
    ("rating__score", "Đánh giá"),
]
HEADERS = [label for _column, label in CASE_COLUMNS] + ["Đúng hạn", "Số ngày làm việc"]


def _case_rows(cases: QuerySet[Case]) -> Iterator[list[Any]]:
    kinds = {str(k.value): str(k.label) for k in Kind}
    channels = {str(c.value): str(c.label) for c in Channel}
    statuses = {str(s.value): str(s.label) for s in Status}
    columns = [column for column, _label in CASE_COLUMNS]
    for values in cases.values_list(*columns).iterator(chunk_size=CHUNK):
        row = dict(zip(columns, values, strict=True))
        received, due, answered = row["received_at"], row["due_at"], row["answered_at"]
        on_time = "" if answered is None else ("Có" if due and answered <= due else "Không")
        days = "" if answered is None else working_days_between(received, answered)
        yield [
            row["submission__tracking_code"],
            kinds.get(row["submission__kind"], row["submission__kind"]),
            row["submission__field__name"] or "",
            row["submission__title"],
            channels.get(row["submission__channel"], row["submission__channel"]),
            row["submission__province__name"] or "",
            row["submission__commune__name"] or "",
            row["agency__name"],
            statuses.get(row["status"], row["status"]),
            _local(received),
            _local(due),
            _local(answered),
            row["rating__score"] or "",
            on_time,
            days,
        ]


def _local(value: datetime | None) -> str:
    return "" if value is None else timezone.localtime(value, VN_TZ).strftime("%d/%m/%Y %H:%M")


def _safe(value: Any) -> Any:
    """Spreadsheet programs run a cell that starts like a formula; citizens' text must not."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_cases_csv(cases: QuerySet[Case], path: Path, progress: Progress) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for row in _case_rows(cases):
            writer.writerow([_safe(v) for v in row])
            count += 1
            if count % CHUNK == 0:
                progress(count)
    progress(count)
    return count


def write_cases_xlsx(cases: QuerySet[Case], path: Path, progress: Progress) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Hồ sơ"))
    bold = Font(bold=True)
    header = []
    for label in HEADERS:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in _case_rows(cases):
        sheet.append([_safe(v) for v in row])
        count += 1
        if count % CHUNK == 0:
            progress(count)
    book.save(path)
    progress(count)
    return count


# --------------------------------------------------------------------------------------------
# The periodic report


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}".replace(".", ",")


def summary_lines(board: Dashboard) -> list[tuple[str, str]]:
    f = board.figures
    return [
        (_("Số phản ánh, kiến nghị đã nhận"), str(f.received)),
        (_("Số đã trả lời"), str(f.answered)),
        (_("Tỷ lệ trả lời đúng hạn"), _pct(f.on_time_rate)),
        (_("Thời gian xử lý trung bình (ngày làm việc)"), _num(f.average_days)),
        (_("Thời gian xử lý trung vị (ngày làm việc)"), _num(f.median_days)),
        (_("Số đánh giá"), str(f.ratings)),
        (_("Điểm hài lòng trung bình (1–5)"), _num(f.mean_rating, 2)),
        (_("Tỷ lệ hài lòng (4–5 điểm)"), _pct(f.satisfied_rate)),
        (_("Đang quá hạn (hiện tại)"), str(board.overdue_count)),
    ]


def report_data(agency: Agency, period: Period) -> dict[str, Any]:
    board = dashboard(agency=agency, period=period)
    return {
        "board": board,
        "summary": summary_lines(board),
        "motto": NATIONAL_MOTTO,
        "submotto": NATIONAL_SUBMOTTO,
        "today": timezone.localtime(timezone.now(), VN_TZ).date(),
        "breakdowns": [
            (_("Theo loại"), board.by_kind),
            (_("Theo lĩnh vực"), board.by_field),
            (_("Theo kênh tiếp nhận"), board.by_channel),
            (_("Theo địa bàn"), board.by_province),
            (_("Theo trạng thái"), board.by_status),
        ],
        "ranking": [
            (
                r.agency.name,
                r.figures.received,
                r.figures.answered,
                _pct(r.figures.on_time_rate),
                _num(r.figures.average_days),
                _num(r.figures.mean_rating, 2),
            )
            for r in board.ranking
        ],
    }


def write_report_xlsx(agency: Agency, period: Period, path: Path) -> None:
    data = report_data(agency, period)
    board: Dashboard = data["board"]
    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def heading(sheet: Any, *values: str) -> None:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    summary = book.create_sheet(_("Tổng hợp"))
    heading(summary, NATIONAL_MOTTO)
    heading(summary, NATIONAL_SUBMOTTO)
    summary.append([])
    heading(summary, _("BÁO CÁO KẾT QUẢ TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ"))
    summary.append([_("Cơ quan"), agency.name])
    summary.append([_("Kỳ báo cáo"), period.label])
    summary.append([])
    heading(summary, _("Chỉ tiêu"), _("Giá trị"))
    for label, value in data["summary"]:
        summary.append([label, value])
    for title, rows in data["breakdowns"]:
        sheet = book.create_sheet(title[:31])
        heading(sheet, title, _("Số lượng"), _("Tỷ lệ"))
        for row in rows:
            sheet.append([_safe(row.label), row.count, round(row.share, 4)])
    ranking = book.create_sheet(_("Đơn vị trực thuộc"))
    heading(
        ranking,
        _("Cơ quan"),
        _("Đã nhận"),
        _("Đã trả lời"),
        _("Đúng hạn"),
        _("Ngày làm việc TB"),
        _("Hài lòng TB"),
    )
    for line in data["ranking"]:
        ranking.append(list(line))
    overdue = book.create_sheet(_("Quá hạn"))
    heading(overdue, _("Mã tra cứu"), _("Cơ quan"), _("Hạn xử lý"), _("Quá hạn (ngày làm việc)"))
    for item in board.overdue:
        overdue.append(
            [item["code"], item["case"].agency.name, _local(item["case"].due_at), item["days"]]
        )
    book.save(path)


def render_report_html(agency: Agency, period: Period) -> str:
    return render_to_string("analytics/report_pdf.html", report_data(agency, period))


def write_report_pdf(agency: Agency, period: Period, path: Path) -> None:
    from weasyprint import HTML

    HTML(string=render_report_html(agency, period)).write_pdf(path)
