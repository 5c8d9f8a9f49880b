from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pakn.ops.steps import schedule

from . import services
from .models import (
    ClassifierVersion,
    DuplicateLabel,
    ModerationLabel,
    Topic,
    TopicSnapshot,
    VersionStatus,
)


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


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


_VERSION_FIELDS: tuple[str, ...] = (
    "task",
    "number",
    "status",
    "created_at",
    "activated_at",
    "pipeline",
    "n_examples",
    "n_holdout",
    "n_labels",
    "last_label_at",
    "used_starter",
    "macro_f1",
    "accuracy",
    "active_macro_f1",
    "per_class_shown",
    "labels_shown",
    "training_seconds",
    "triggered_by",
    "decision",
    "artifact_sha256",
)


@admin.register(ClassifierVersion)
class ClassifierVersionAdmin(admin.ModelAdmin):
    """Versions with their metrics; activate one, or retrain in the background."""

    change_list_template = "admin/intelligence/classifierversion/change_list.html"
    list_display = [
        "__str__",
        "status",
        "macro_f1_shown",
        "accuracy_shown",
        "active_macro_f1_shown",
        "n_examples",
        "n_holdout",
        "n_labels",
        "used_starter",
        "training_seconds",
        "created_at",
        "triggered_by",
    ]
    list_filter = ["task", "status"]
    actions = ["activate_version", "retrain_tasks"]
    fields = readonly_fields = _VERSION_FIELDS

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClassifierVersion]:
        return super().get_queryset(request).defer("artifact")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.status != VersionStatus.ACTIVE

    @admin.display(description=gettext_lazy("macro-F1"))
    def macro_f1_shown(self, obj: ClassifierVersion) -> str:
        return _score(obj.macro_f1)

    @admin.display(description=gettext_lazy("độ chính xác"))
    def accuracy_shown(self, obj: ClassifierVersion) -> str:
        return _score(obj.accuracy)

    @admin.display(description=gettext_lazy("macro-F1 bản đang dùng (cùng tập kiểm tra)"))
    def active_macro_f1_shown(self, obj: ClassifierVersion) -> str:
        return _score(obj.active_macro_f1)

    @admin.display(description=gettext_lazy("F1 theo nhãn"))
    def per_class_shown(self, obj: ClassifierVersion) -> str:
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.per_class_f1, ensure_ascii=False, indent=1)
        )

    @admin.display(description=gettext_lazy("số mẫu theo nhãn"))
    def labels_shown(self, obj: ClassifierVersion) -> str:
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.label_counts, ensure_ascii=False, indent=1)
        )

    @admin.action(description=gettext_lazy("Kích hoạt phiên bản này"))
    def activate_version(self, request: HttpRequest, queryset: QuerySet[ClassifierVersion]) -> None:
        chosen = list(queryset[:2])
        if len(chosen) != 1:
            self.message_user(request, _("Hãy chọn đúng một phiên bản."), messages.ERROR)
            return
        version = chosen[0]
        user = getattr(request, "user", None)
        services.classifier_version_activate(
            version=version, note=_("Kích hoạt thủ công bởi %(user)s.") % {"user": user}
        )
        self.message_user(request, _("Đã kích hoạt %(v)s.") % {"v": version})

    @admin.action(
        description=gettext_lazy("Huấn luyện lại ngay nhiệm vụ của các phiên bản đã chọn")
    )
    def retrain_tasks(self, request: HttpRequest, queryset: QuerySet[ClassifierVersion]) -> None:
        for task in sorted(set(queryset.values_list("task", flat=True))):
            _schedule_training(request, task)

    def get_urls(self) -> list[URLPattern]:
        retrain = require_POST(self.admin_site.admin_view(self.retrain_all_view))
        return [
            path("retrain/", retrain, name="intelligence_classifierversion_retrain"),
            *super().get_urls(),
        ]

    def retrain_all_view(self, request: HttpRequest) -> HttpResponseRedirect:
        if not self.has_change_permission(request):
            raise PermissionDenied
        _schedule_training(request, "all")
        return HttpResponseRedirect(reverse("admin:intelligence_classifierversion_changelist"))


def _schedule_training(request: HttpRequest, task: str) -> None:
    """Training runs in the worker, never in the web request."""
    schedule(
        "intelligence.classifier_train",
        max_attempts=1,
        task=task,
        triggered_by=f"quản trị: {getattr(request, 'user', '')}",
    )
    messages.info(
        request,
        _("Đã xếp lịch huấn luyện lại (%(task)s); kết quả sẽ hiện trong danh sách sau ít phút.")
        % {"task": task},
    )


@admin.register(DuplicateLabel)
class DuplicateLabelAdmin(admin.ModelAdmin):
    list_display = ["case", "other", "is_duplicate", "similarity", "decided_by", "created_at"]
    list_filter = ["is_duplicate"]
    raw_id_fields = ["case", "other", "decided_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
