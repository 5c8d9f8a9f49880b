from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "pakn.portal"
    label = "portal"

    def ready(self) -> None:
        from pakn.core.memo import forget_on_change
        from pakn.geo.models import AdministrativeUnit

        # Province options are kept per process like agencies and fields (pakn.cases.apps).
        forget_on_change(AdministrativeUnit)
