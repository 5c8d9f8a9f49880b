"""Send read-only analytics queries to a replica when one is configured."""

from __future__ import annotations

from typing import Any

READ_ONLY_APPS = {"analytics"}


class AnalyticsReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return "replica" if model._meta.app_label in READ_ONLY_APPS else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"
