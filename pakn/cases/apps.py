from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "pakn.cases"
    label = "cases"
    verbose_name = "Hồ sơ xử lý"

    def ready(self) -> None:
        from . import jobs, rules  # noqa: F401 - registers periodic jobs and permissions

        self._forget_configuration_on_change()

    def _forget_configuration_on_change(self) -> None:
        """Routing rules, deadline policies, agencies and fields are kept per process
        (pakn.core.memo): an edit here is seen by the next intake, at once and after commit."""
        from pakn.accounts.models import Agency
        from pakn.core.memo import forget_on_change
        from pakn.taxonomy.models import Field

        from .models import DeadlinePolicy, RoutingRule

        forget_on_change(RoutingRule, DeadlinePolicy, Agency, Field)
