"""The one place that makes outgoing HTTP requests (tests replace :func:`post`)."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


class TransportError(Exception):
    """No HTTP answer at all: refused, timed out, DNS, TLS."""


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    if not url.startswith(("https://", "http://")):
        raise TransportError(f"only http(s) URLs are allowed: {url!r}")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(  # noqa: S310 - http(s) checked above  # nosec B310
            request, timeout=settings.PAKN_FEDERATION_TIMEOUT
        ) as reply:
            return Response(reply.status, reply.read(1_000_000))
    except urllib.error.HTTPError as exc:
        return Response(exc.code, exc.read(1_000_000) if exc.fp else b"")
    except (urllib.error.URLError, OSError) as exc:
        raise TransportError(f"{type(exc).__name__}: {exc}") from exc
