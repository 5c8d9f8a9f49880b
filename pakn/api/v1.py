"""REST API v1: the contract of DESIGN.md §6, served under /api/v1/."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.urls import URLPattern, URLResolver
from django.utils import timezone
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from . import errors
from .federation import router as federation_router
from .officers import router as officers_router
from .public import router as public_router


class LocalTimeEncoder(NinjaJSONEncoder):
    """Every datetime in the site's zone (Asia/Ho_Chi_Minh, +07:00), whichever zone it was
    read in: a value fresh from the database is UTC, one computed in the request is local,
    and a client comparing a first answer with its replay must see the same text."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime) and timezone.is_aware(o):
            o = timezone.localtime(o, timezone.get_default_timezone())
        return super().default(o)


class Utf8JSONRenderer(JSONRenderer):
    """Vietnamese as UTF-8 rather than \\u escapes: readable, and a third smaller."""

    encoder_class = LocalTimeEncoder
    json_dumps_params: Mapping[str, Any] = {"ensure_ascii": False}


class PaknAPI(NinjaAPI):
    """Every route also answers an unsupported method in the API's JSON error shape."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = errors.not_allowed_as_json(pattern.callback)
        return patterns


api = PaknAPI(
    title="PAKN API",
    version="1",
    description=(
        "API của hệ thống tiếp nhận, xử lý phản ánh, kiến nghị. Lỗi luôn có dạng "
        '`{"code": "...", "message": "...", "fields": {...}}` với `code` ổn định: '
        "`not_found` (404), `illegal_transition` (409), `invalid` (422), `unauthorized` (401), "
        "`forbidden` (403), `not_allowed` (405, phương thức không hỗ trợ), `rate_limited` (429)."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=Utf8JSONRenderer(),
)
errors.install(api)
api.add_router("", public_router)
api.add_router("", officers_router)
api.add_router("", federation_router)
