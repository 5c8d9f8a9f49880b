"""Fixed-window rate limits on the shared cache (the database cache by default, so every web
process counts together)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "10/m" → (10, 60)."""
    count, _, unit = rate.partition("/")
    return int(count), RATE_UNITS[unit]


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def increment(key: str, window: int) -> None:
    """Count one event under ``key`` for ``window`` seconds (the count expires as a whole)."""
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)


def current(key: str) -> int:
    return int(cache.get(key, 0))


WindowCounter = Callable[[str, int], int]
"""(key, window seconds) → requests counted under key in the current fixed window, this one
included."""


def _cache_counter(key: str, window: int) -> int:
    slot_key = f"rl:{key}:{int(time.time() // window)}"
    if cache.add(slot_key, 1, timeout=window + 5):
        return 1
    return int(cache.incr(slot_key))


_counter: WindowCounter = _cache_counter


def use_counter(counter: WindowCounter) -> None:
    """A lower-cost shared store for :func:`hit` (ops installs a one-query database counter
    when the cache is the database cache, whose add and incr take several queries each)."""
    global _counter
    _counter = counter


def hit(group: str, identity: str, rate: str) -> bool:
    """Count one request; False once the limit for this window is exceeded."""
    limit, window = parse_rate(rate)
    digest = hashlib.sha256(f"{group}:{identity}".encode()).hexdigest()[:32]
    return _counter(f"{digest}:{window}", window) <= limit


def ratelimit(
    group: str, *, rate: str, methods: tuple[str, ...] = ("POST",), json: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Limit a view per client IP and, when logged in, per account."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                identities = [f"ip:{client_ip(request)}"]
                if getattr(request, "user", None) is not None and request.user.is_authenticated:
                    identities.append(f"user:{request.user.pk}")
                if not all([hit(group, identity, rate) for identity in identities]):
                    return too_many(json=json)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def too_many(*, json: bool = False) -> HttpResponse:
    message = "Bạn thao tác quá nhanh. Vui lòng đợi một lát rồi thử lại."
    if json:
        return JsonResponse({"code": "rate_limited", "message": message}, status=429)
    return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
