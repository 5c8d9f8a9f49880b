"""Login lockout: too many wrong passwords for one identifier lock it for a while."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from pakn.core import ratelimit

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60


def _key(identifier: str) -> str:
    return "lockout:" + hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]


def is_locked(identifier: str) -> bool:
    return ratelimit.current(_key(identifier)) >= MAX_FAILURES


def record_failure(identifier: str) -> None:
    ratelimit.increment(_key(identifier), LOCK_SECONDS)


def clear(identifier: str) -> None:
    cache.delete(_key(identifier))
