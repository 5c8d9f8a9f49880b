from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

# Machine interfaces answer in Vietnamese whatever the client's Accept-Language: their error
# messages are part of the contract (DESIGN.md §6), and a stable language keeps them comparable.
MACHINE_PREFIXES = ("/api/", "/open311/")


class VietnameseApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(MACHINE_PREFIXES):
            return self.get_response(request)
        with translation.override("vi"):
            request.LANGUAGE_CODE = "vi"
            return self.get_response(request)
