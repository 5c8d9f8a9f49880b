"""Login lockout: too many wrong passwords for one identifier lock it for a while."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60


def _key(identifier: str) -> str:
    return "lockout:" + hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]


def is_locked(identifier: str) -> bool:
    return int(cache.get(_key(identifier), 0)) >= MAX_FAILURES


def record_failure(identifier: str) -> None:
    key = _key(identifier)
    if not cache.add(key, 1, timeout=LOCK_SECONDS):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=LOCK_SECONDS)


def clear(identifier: str) -> None:
    cache.delete(_key(identifier))
