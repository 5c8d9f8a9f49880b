from __future__ import annotations

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "pakn.analytics"
    label = "analytics"
    verbose_name = "Thống kê, báo cáo"
