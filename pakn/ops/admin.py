from __future__ import annotations

from django.contrib import admin

from .models import Heartbeat, ScheduledJob, Step


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "attempts", "run_after", "created_at", "finished_at"]
    list_filter = ["status", "name"]
    readonly_fields = [f.name for f in Step._meta.fields]


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = ["name", "next_run_at", "last_started_at", "last_finished_at"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]
