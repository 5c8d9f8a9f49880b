"""Signed requests between PAKN systems and to partners.

The signature is HMAC-SHA256 over ``timestamp + "." + body`` with the shared secret, sent as
``X-PAKN-Signature: v1=<hex>`` next to ``X-PAKN-Timestamp`` (Unix seconds). A receiver accepts
a request signed with its current or its previous secret (so a secret can be rotated without a
gap), only within :data:`REPLAY_WINDOW_SECONDS` of its own clock, and compares in constant time.
Event ids are remembered by the receiver, so a replayed request inside the window changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable

from pakn.core.errors import DomainError

PEER_HEADER = "X-PAKN-Peer"
TIMESTAMP_HEADER = "X-PAKN-Timestamp"
SIGNATURE_HEADER = "X-PAKN-Signature"
EVENT_HEADER = "X-PAKN-Event"
REPLAY_WINDOW_SECONDS = 300


class BadSignature(DomainError):
    code = "bad_signature"
    http_status = 401


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def signed_headers(*, secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify(
    *,
    secrets: Iterable[str],
    timestamp: str,
    signature_header: str,
    body: bytes,
    now: float | None = None,
) -> None:
    """Raise :class:`BadSignature` unless the request is fresh and signed with one of ``secrets``."""
    try:
        sent_at = int(timestamp.strip())
    except (AttributeError, ValueError):
        raise BadSignature("Thiếu hoặc sai thời điểm ký (X-PAKN-Timestamp).") from None
    current = now if now is not None else time.time()
    if abs(current - sent_at) > REPLAY_WINDOW_SECONDS:
        raise BadSignature(
            "Yêu cầu đã quá hạn (lệch quá 5 phút so với đồng hồ máy chủ); vui lòng ký lại."
        )
    offered = [part.strip() for part in (signature_header or "").split(",") if part.strip()]
    if not offered:
        raise BadSignature("Thiếu chữ ký (X-PAKN-Signature).")
    expected = [signature(secret, str(sent_at), body) for secret in secrets if secret]
    # Every pair is compared, so the time taken does not tell which secret or position matched.
    matched = False
    for candidate in offered:
        for good in expected:
            matched |= hmac.compare_digest(candidate.encode(), good.encode())
    if not matched:
        raise BadSignature("Chữ ký không đúng.")
