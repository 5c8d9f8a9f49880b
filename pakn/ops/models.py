from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """Last sign of life of a background process ("worker", "scheduler")."""

    name = models.CharField(max_length=40, primary_key=True)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tín hiệu hoạt động")
        verbose_name_plural = _("tín hiệu hoạt động")

    def __str__(self) -> str:
        return self.name


class ScheduledJob(models.Model):
    """A periodic job's next slot; schedulers claim a slot with a conditional UPDATE."""

    name = models.CharField(max_length=80, primary_key=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("tác vụ định kỳ")
        verbose_name_plural = _("tác vụ định kỳ")

    def __str__(self) -> str:
        return self.name


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Chờ chạy")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi, hết lượt thử")


class Step(models.Model):
    """A unit of background work written in the same transaction as the change that needs it.

    The transactional outbox: a crash between commit and enqueue loses nothing, because the
    scheduler's sweep re-enqueues every pending step whose time has come; a failed run is retried
    with exponential backoff up to ``max_attempts``.
    """

    name = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=StepStatus.choices, default=StepStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=8)
    run_after = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tác vụ nền")
        verbose_name_plural = _("tác vụ nền")
        indexes = [models.Index(fields=["status", "run_after"], name="ops_step_status_run_after")]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"


class BenchRow(models.Model):
    """Rows written by the benchmark's bare insert endpoint (the yardstick for intake cost)."""

    payload = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"bench #{self.pk}"


class RateCounter(models.Model):
    """Fixed-window request counts for rate limits when the shared cache is the database: one
    upsert per counted request (pakn.ops.ratecount) instead of the cache's five to ten queries."""

    key = models.CharField(max_length=64, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires = models.BigIntegerField(help_text="end of the counted window, Unix seconds")

    class Meta:
        indexes = [models.Index(fields=["expires"], name="ops_ratecounter_expires")]

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
