from __future__ import annotations

from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "pakn.taxonomy"
    label = "taxonomy"
    verbose_name = "Lĩnh vực"
