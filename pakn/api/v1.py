"""REST API v1: the contract of DESIGN.md §6, served under /api/v1/."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from . import errors
from .federation import router as federation_router
from .officers import router as officers_router
from .public import router as public_router


class Utf8JSONRenderer(JSONRenderer):
    """Vietnamese as UTF-8 rather than \\u escapes: readable, and a third smaller."""

    json_dumps_params: Mapping[str, Any] = {"ensure_ascii": False}


api = NinjaAPI(
    title="PAKN API",
    version="1",
    description=(
        "API của hệ thống tiếp nhận, xử lý phản ánh, kiến nghị. Lỗi luôn có dạng "
        '`{"code": "...", "message": "...", "fields": {...}}` với `code` ổn định: '
        "`not_found` (404), `illegal_transition` (409), `invalid` (422), `unauthorized` (401), "
        "`forbidden` (403), `rate_limited` (429)."
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
