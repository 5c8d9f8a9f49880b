from __future__ import annotations

from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "pakn.submissions"
    label = "submissions"
    verbose_name = "Phản ánh, kiến nghị"

    def ready(self) -> None:
        from . import jobs  # noqa: F401 - registers the periodic jobs
