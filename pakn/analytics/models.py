"""Rollup tables behind the dashboards, and the records of long exports.

Every figure on a dashboard is a sum of counters in :class:`Rollup`, keyed by (agency, month of
receipt, dimension, key). A case is counted at its agency and at every agency above it, so the
figures of a whole subtree are the rows of its top agency alone. :class:`CaseFact` keeps, per case, the values last counted, so when a
case changes the refresh subtracts its old keys and adds its new ones: the rollups follow the
case log incrementally and a dashboard over a million cases reads a few thousand rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Dim(models.TextChoices):
    RECEIVED = "n", _("Đã nhận")
    STATUS = "status", _("Trạng thái")
    KIND = "kind", _("Loại")
    FIELD = "field", _("Lĩnh vực")
    CHANNEL = "channel", _("Kênh")
    PROVINCE = "province", _("Địa bàn")
    ANSWERED = "answered", _("Đã trả lời")
    TIMELY = "timely", _("Đúng hạn")
    WORKDAYS = "wd", _("Số ngày làm việc xử lý")
    WORKDAYS_SUM = "wd_sum", _("Tổng số ngày làm việc xử lý")
    RATING = "rating", _("Mức độ hài lòng")
    CELL = "cell", _("Ô bản đồ")


class CaseFact(models.Model):
    """What the rollups currently count for one case (the 'before' of the next change)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.DateField(
        db_index=True
    )  # first day of the month the agency received it (Vietnam time)
    status = models.CharField(max_length=16)
    kind = models.CharField(max_length=16)
    field_pk = models.PositiveIntegerField(null=True)
    channel = models.CharField(max_length=16)
    province_pk = models.PositiveIntegerField(null=True)
    answered = models.BooleanField(default=False)
    on_time = models.BooleanField(null=True)
    working_days = models.PositiveIntegerField(null=True)
    rating = models.PositiveSmallIntegerField(null=True)
    cell = models.CharField(max_length=24, blank=True)

    class Meta:
        verbose_name = _("dữ kiện thống kê hồ sơ")
        verbose_name_plural = _("dữ kiện thống kê hồ sơ")

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"


class Rollup(models.Model):
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.DateField()
    dim = models.CharField(max_length=12, choices=Dim.choices)
    key = models.CharField(max_length=24)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        constraints = [
            # Dimension before month: a dashboard asks one agency for a few dimensions over a
            # range of months, skipping the many map-cell rows.
            models.UniqueConstraint(
                fields=["agency", "dim", "month", "key"], name="analytics_rollup_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["dim", "month"], name="analytics_rollup_dim_month"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%Y-%m} {self.dim}={self.key}: {self.n}"


class RollupState(models.Model):
    """One row: the last case-log event folded into the rollups."""

    name = models.CharField(max_length=32, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("trạng thái tổng hợp")
        verbose_name_plural = _("trạng thái tổng hợp")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_event_id}"


class ExportKind(models.TextChoices):
    CASES_CSV = "cases_csv", _("Danh sách hồ sơ (CSV)")
    CASES_XLSX = "cases_xlsx", _("Danh sách hồ sơ (Excel)")
    REPORT_XLSX = "report_xlsx", _("Báo cáo định kỳ (Excel)")
    REPORT_PDF = "report_pdf", _("Báo cáo định kỳ (PDF)")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class ExportJob(models.Model):
    """A file built in the background; the requester polls its progress and downloads it."""

    kind = models.CharField(_("loại"), max_length=16, choices=ExportKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=8, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", max_length=200, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tệp xuất dữ liệu")
        verbose_name_plural = _("tệp xuất dữ liệu")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
