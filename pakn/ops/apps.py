from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "pakn.ops"
    label = "ops"
    verbose_name = "Vận hành"

    def ready(self) -> None:
        from django.conf import settings

        from pakn.core import ratelimit

        from . import jobs, ratecount  # noqa: F401 - registers the periodic jobs

        if settings.CACHES["default"]["BACKEND"].endswith("db.DatabaseCache"):
            ratelimit.use_counter(ratecount.hit)
