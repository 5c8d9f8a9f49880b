from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Case, CaseEvent, DeadlinePolicy, RoutingRule


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ["seq", "created_at", "action", "actor", "from_status", "to_status", "reason"]
    readonly_fields = ["seq", "created_at", "action", "actor", "from_status", "to_status", "reason"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only here: every change goes through the workflow services and their log."""

    list_display = ["submission", "status", "agency", "assignee", "due_at", "received_at"]
    list_filter = ["status", "urgency", "agency__level"]
    search_fields = ["submission__tracking_code", "submission__title"]
    list_select_related = ["submission", "agency", "assignee"]
    date_hierarchy = "received_at"
    inlines = [CaseEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["field", "unit", "kind", "agency", "priority", "is_active"]
    list_filter = ["is_active", "kind", "field"]
    autocomplete_fields = ["field", "unit", "agency"]
    list_select_related = ["field", "unit", "agency"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "agency",
        "kind",
        "field",
        "urgency",
        "screening_days",
        "answer_days",
    ]
    list_filter = ["kind", "urgency"]
    autocomplete_fields = ["agency", "field"]
