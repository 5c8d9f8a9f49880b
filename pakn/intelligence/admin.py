from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ModerationLabel, Topic, TopicSnapshot


@admin.register(ModerationLabel)
class ModerationLabelAdmin(admin.ModelAdmin):
    list_display = ["label", "text_start", "decided_by", "created_at"]
    list_filter = ["label"]
    search_fields = ["text"]
    raw_id_fields = ["decided_by"]

    @admin.display(description="nội dung")
    def text_start(self, obj: ModerationLabel) -> str:
        return obj.text[:80]


@admin.register(TopicSnapshot)
class TopicSnapshotAdmin(admin.ModelAdmin):
    list_display = ["__str__"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["__str__"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
