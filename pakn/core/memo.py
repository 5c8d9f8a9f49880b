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
