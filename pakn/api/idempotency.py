"""``Idempotency-Key`` for the POSTs that have no key of their own in the domain.

A successful response is kept in the shared cache for a day under (scope, key); a retry with
the same key and the same request gets that response again instead of acting twice. The
same key with a different request is refused. Errors are not kept: a retry after an error
runs again. (Submissions are idempotent in the intake service itself, in the database.)"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from .errors import invalid

KEY_MAX = 100
KEEP_SECONDS = 24 * 3600


def clean_key(raw: str | None) -> str:
    key = (raw or "").strip()
    if len(key) > KEY_MAX or not key.isprintable():
        raise invalid(
            {"Idempotency-Key": f"Tối đa {KEY_MAX} ký tự in được (không ký tự điều khiển)."}
        )
    return key


def run_once(
    request: HttpRequest,
    *,
    scope: str,
    key: str | None,
    action: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    key = clean_key(key)
    if not key:
        return action()
    fingerprint = hashlib.sha256(
        b"\n".join(
            [
                request.method.encode() if request.method else b"",
                request.path.encode(),
                request.headers.get("X-Access-Token", "").encode(),
                request.body,
            ]
        )
    ).hexdigest()
    cache_key = "idem:" + hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()
    stored = cache.get(cache_key)
    if stored is not None:
        if stored["fingerprint"] != fingerprint:
            raise invalid({"Idempotency-Key": "Mã này đã được dùng cho một yêu cầu khác."})
        return stored["status"], stored["body"]
    status, body = action()
    cache.set(cache_key, {"fingerprint": fingerprint, "status": status, "body": body}, KEEP_SECONDS)
    return status, body
