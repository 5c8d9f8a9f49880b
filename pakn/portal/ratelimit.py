"""Small counters that slow down guessing (tracking code + phone) and flooding, instead of an
image CAPTCHA. They live in Django's cache; with several web processes, configure a shared cache
so the limits hold across them."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest

from pakn.core import ratelimit

# Failed look-ups allowed per client address and per tracking code in the window.
LOOKUP_FAILURES = 10
LOOKUP_WINDOW = 15 * 60
# Submissions accepted per client address in the window.
SUBMISSIONS = 20
SUBMISSION_WINDOW = 60 * 60
# Uploads held for a preview per client address in the window (they sit on disk for a day).
HOLDS = 60
HOLD_WINDOW = 60 * 60


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(scope: str, ident: str) -> str:
    return f"pakn:portal:{scope}:{hashlib.sha256(ident.encode()).hexdigest()[:32]}"


def exceeded(scope: str, ident: str, limit: int) -> bool:
    return ratelimit.current(_key(scope, ident)) >= limit


def record(scope: str, ident: str, window: int) -> None:
    ratelimit.increment(_key(scope, ident), window)
