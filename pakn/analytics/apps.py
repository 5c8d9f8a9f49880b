from __future__ import annotations

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "pakn.analytics"
    label = "analytics"
    verbose_name = "Thống kê, báo cáo"

    def ready(self) -> None:
        from . import jobs  # noqa: F401 - registers the periodic jobs
