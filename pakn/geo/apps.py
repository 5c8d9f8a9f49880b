from __future__ import annotations

from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "pakn.geo"
    label = "geo"
    verbose_name = "Đơn vị hành chính"
