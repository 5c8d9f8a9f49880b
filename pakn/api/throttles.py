"""Rate limits on the shared cache (pakn.core.ratelimit), read from settings on every request
so an operator (and a test) can change them without a restart; an empty rate turns one off."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from pakn.core import ratelimit


class SettingRateThrottle(BaseThrottle):
    """Counts per token for officers (throttles run after authentication), else per address."""

    def __init__(self, group: str, setting: str, default: str) -> None:
        self.group = group
        self.setting = setting
        self.default = default

    def _rate(self) -> str:
        return str(getattr(settings, self.setting, self.default) or "")

    def allow_request(self, request: HttpRequest) -> bool:
        rate = self._rate()
        if not rate:
            return True
        token_id = getattr(getattr(request, "auth", None), "pk", None)
        identity = f"token:{token_id}" if token_id else f"ip:{ratelimit.client_ip(request)}"
        return ratelimit.hit(self.group, identity, rate)

    def wait(self) -> float | None:
        rate = self._rate()
        if not rate:
            return None
        _limit, window = ratelimit.parse_rate(rate)
        return window - time.time() % window


# A person sends a few submissions; a script sends thousands.
public_write = SettingRateThrottle("api-public-write", "PAKN_API_PUBLIC_WRITE_RATE", "20/m")
# Following a submission by code and token or phone: slows down guessing.
lookup = SettingRateThrottle("api-lookup", "PAKN_API_LOOKUP_RATE", "60/m")
officer = SettingRateThrottle("api-officer", "PAKN_API_OFFICER_RATE", "600/m")
