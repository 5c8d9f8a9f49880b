from __future__ import annotations

from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "pakn.intelligence"
    label = "intelligence"
    verbose_name = "Trí tuệ nhân tạo"

    def ready(self) -> None:
        from . import hooks  # noqa: F401 - registers post-intake hooks and periodic jobs
