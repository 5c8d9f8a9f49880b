from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "pakn.ops"
    label = "ops"
    verbose_name = "Vận hành"

    def ready(self) -> None:
        from . import jobs  # noqa: F401 - registers the periodic jobs
