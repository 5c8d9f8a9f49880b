from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "pakn.notifications"
    label = "notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from . import delivery  # noqa: F401 - registers the "notifications.deliver" step
