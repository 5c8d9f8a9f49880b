"""Small configuration tables (routing rules, deadline policies) kept in each process.

Intake reads them on every submission; they change a few times a year through the admin. A
save or delete in this process forgets them at once (the app wires the model signals, again
after commit so a rolled-back edit is not kept); other processes reload them after
``PAKN_CONFIG_CACHE_SECONDS`` at the latest. (An edit rolled back after this same thread read
the tables inside the edit's transaction is also forgotten only then; the admin never does so.)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

_ALL: list[ProcessMemo[object]] = []


class ProcessMemo[T]:
    """``load(key)`` remembered per key for the configured number of seconds."""

    def __init__(self, load: Callable[[Hashable], T]) -> None:
        self._load = load
        self._values: dict[Hashable, tuple[float, T]] = {}
        self._generation = 0
        _ALL.append(self)  # type: ignore[arg-type]

    def get(self, key: Hashable = None) -> T:
        ttl = settings.PAKN_CONFIG_CACHE_SECONDS
        now = time.monotonic()
        entry = self._values.get(key)
        if entry is not None and now - entry[0] < ttl:
            return entry[1]
        generation = self._generation
        value = self._load(key)
        # A clear() while loading means the value may predate the edit: use it, don't keep it.
        if ttl > 0 and generation == self._generation:
            self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        self._generation += 1
        self._values = {}


def clear_all(*_args: object, **_kwargs: object) -> None:
    """Forget every memo (signal receivers and tests call this)."""
    for memo in _ALL:
        memo.clear()


def forget_on_change(*models: type[Model]) -> None:
    """Forget every memo when a row of ``models`` is saved or deleted, at once and again after
    commit. Safe to call from several apps: the dispatch_uid makes a second wiring a no-op."""

    def forget(**kwargs: object) -> None:
        clear_all()
        transaction.on_commit(clear_all, using=str(kwargs.get("using") or "default"))

    for model in models:
        uid = f"memo-{model._meta.label}"
        post_save.connect(forget, sender=model, weak=False, dispatch_uid=f"{uid}-save")
        post_delete.connect(forget, sender=model, weak=False, dispatch_uid=f"{uid}-del")
