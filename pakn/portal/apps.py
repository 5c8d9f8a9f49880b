from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "pakn.portal"
    label = "portal"
