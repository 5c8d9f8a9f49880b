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
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from pakn.accounts.models import Agency
        from pakn.core.memo import clear_all
        from pakn.taxonomy.models import Field

        from .models import DeadlinePolicy, RoutingRule

        def forget(**_kwargs: object) -> None:
            clear_all()
            transaction.on_commit(clear_all, using=str(_kwargs.get("using") or "default"))

        for model in (RoutingRule, DeadlinePolicy, Agency, Field):
            post_save.connect(
                forget, sender=model, weak=False, dispatch_uid=f"memo-{model.__name__}-save"
            )
            post_delete.connect(
                forget, sender=model, weak=False, dispatch_uid=f"memo-{model.__name__}-del"
            )
