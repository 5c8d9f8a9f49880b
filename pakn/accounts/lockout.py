"""Login lockout: too many wrong passwords for one identifier lock it for a while."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from pakn.core import ratelimit
from pakn.core.phones import normalize_phone

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60


def _key(identifier: str) -> str:
    # One counter per phone however it is typed ("0912 345 678", "+84912345678"), or each
    # spelling would get its own five tries.
    ident = identifier.strip().lower()
    if "@" not in ident:
        ident = normalize_phone(ident) or ident
    return "lockout:" + hashlib.sha256(ident.encode()).hexdigest()[:32]


def is_locked(identifier: str) -> bool:
    return ratelimit.current(_key(identifier)) >= MAX_FAILURES


def record_failure(identifier: str) -> None:
    ratelimit.increment(_key(identifier), LOCK_SECONDS)


def clear(identifier: str) -> None:
    cache.delete(_key(identifier))
