from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class FederationConfig(AppConfig):
    name = "pakn.federation"
    label = "federation"
    verbose_name = "Liên thông"

    def ready(self) -> None:
        from pakn.cases.log import register_event_hook

        from . import delivery, hooks, selectors  # noqa: F401 - delivery registers its steps
        from .models import Subscription

        register_event_hook("federation", hooks.on_case_event)

        def forget(**_kwargs: Any) -> None:
            selectors.forget_listening()

        post_save.connect(forget, sender=Subscription, weak=False)
        post_delete.connect(forget, sender=Subscription, weak=False)
