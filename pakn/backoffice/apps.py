from __future__ import annotations

from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "pakn.backoffice"
    label = "backoffice"
