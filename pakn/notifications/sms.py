"""SMS gateways. ``PAKN_SMS_BACKEND`` picks one: ``log`` (development, demo), ``http``, or
``none`` (no gateway: SMS notifications are recorded as skipped, never as sent)."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from django.conf import settings

from .exceptions import DeliverySkipped, PermanentDeliveryError, TransientDeliveryError

log = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 10.0
# Client errors that still mean "later": the gateway timed out the request or throttles us.
_RETRYABLE_4XX = frozenset({408, 429})


class SmsBackend(Protocol):
    def send(self, *, to: str, message: str) -> None:
        """Hand one message to the gateway; raise a :class:`DeliveryError` subclass if not."""
        ...


@dataclass(frozen=True)
class SmsMessage:
    to: str
    message: str


# What the log backend "sent", newest last: the SMS counterpart of ``django.core.mail.outbox``.
outbox: list[SmsMessage] = []
OUTBOX_LIMIT = 1000


class LogSmsBackend:
    """Sends nothing: writes each message to the log and keeps the last few in :data:`outbox`."""

    def send(self, *, to: str, message: str) -> None:
        log.info("SMS to %s: %s", to, message)
        outbox.append(SmsMessage(to=to, message=message))
        del outbox[:-OUTBOX_LIMIT]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # urllib would replay a redirected POST as a GET without its body; a gateway that
    # redirects is misconfigured, so the 3xx surfaces as an HTTPError instead.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class HttpSmsBackend:
    """POSTs ``{"to": ..., "message": ...}`` as JSON with a Bearer token.

    2xx is success; 5xx, 408, 429, timeouts and connection errors are transient; any other
    answer (4xx, 3xx) is permanent.
    """

    def __init__(self, *, url: str, token: str = "", timeout: float = HTTP_TIMEOUT_SECONDS) -> None:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"SMS gateway URL must be http(s): {url!r}")
        self.url = url
        self.token = token
        self.timeout = timeout

    def send(self, *, to: str, message: str) -> None:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = json.dumps({"to": to, "message": message}).encode()
        # The scheme is checked in __init__, so no file:// or other surprises.
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = _excerpt(exc)
            error = f"SMS gateway answered HTTP {exc.code}{detail}"
            if exc.code >= 500 or exc.code in _RETRYABLE_4XX:
                raise TransientDeliveryError(error) from exc
            raise PermanentDeliveryError(error) from exc
        except (urllib.error.URLError, OSError) as exc:
            # URLError wraps refused connections and DNS failures; TimeoutError is an OSError.
            raise TransientDeliveryError(f"SMS gateway unreachable: {exc}") from exc


def _excerpt(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read(200).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    finally:
        exc.close()
    return f": {text}" if text else ""


class DisabledSmsBackend:
    """No gateway is configured: say so, so the delivery log never claims an SMS went out."""

    def send(self, *, to: str, message: str) -> None:
        raise DeliverySkipped("no SMS gateway configured (PAKN_SMS_BACKEND=none)")


def get_sms_backend() -> SmsBackend:
    if settings.PAKN_SMS_BACKEND == "http":
        return HttpSmsBackend(url=settings.PAKN_SMS_HTTP_URL, token=settings.PAKN_SMS_HTTP_TOKEN)
    if settings.PAKN_SMS_BACKEND == "none":
        return DisabledSmsBackend()
    return LogSmsBackend()
