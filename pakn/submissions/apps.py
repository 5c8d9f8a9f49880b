from __future__ import annotations

from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "pakn.submissions"
    label = "submissions"
    verbose_name = "Phản ánh, kiến nghị"
