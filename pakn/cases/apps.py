from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "pakn.cases"
    label = "cases"
    verbose_name = "Hồ sơ xử lý"

    def ready(self) -> None:
        from . import jobs, rules  # noqa: F401 - registers periodic jobs and permissions
