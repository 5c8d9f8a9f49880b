"""Every API error is ``{"code", "message", "fields"}``: a stable code for programs and a
Vietnamese message for people. Domain errors keep their own code; ninja's and pydantic's
errors are translated here so a client never sees an English-only message."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Any

import pydantic
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from pakn.core.errors import DomainError

logger = logging.getLogger("pakn.api")


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class ApiError(DomainError):
    """An error raised by the API layer itself (401, 404 for an unknown action, …)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: dict[str, str] | None = None,
    ):
        super().__init__(message, code=code, fields=fields)
        self.http_status = status


NOT_FOUND_MESSAGE = "Không tìm thấy."
INVALID_MESSAGE = "Dữ liệu gửi lên chưa hợp lệ."
UNAUTHORIZED_MESSAGE = (
    "Cần mã truy cập API hợp lệ trong tiêu đề “Authorization: Bearer <mã>”; "
    "mã có thể đã hết hạn hoặc bị thu hồi."
)

# pydantic error type → what to tell a person; anything else gets the generic sentence.
_MESSAGES: dict[str, str] = {
    "missing": "Trường này là bắt buộc.",
    "string_type": "Cần một chuỗi ký tự.",
    "string_too_short": "Quá ngắn.",
    "string_too_long": "Quá dài.",
    "int_type": "Cần một số nguyên.",
    "int_parsing": "Cần một số nguyên.",
    "int_from_float": "Cần một số nguyên.",
    "float_type": "Cần một số.",
    "float_parsing": "Cần một số.",
    "bool_type": "Cần giá trị đúng/sai (true/false).",
    "bool_parsing": "Cần giá trị đúng/sai (true/false).",
    "greater_than": "Giá trị quá nhỏ.",
    "greater_than_equal": "Giá trị quá nhỏ.",
    "less_than": "Giá trị quá lớn.",
    "less_than_equal": "Giá trị quá lớn.",
    "literal_error": "Giá trị không nằm trong danh sách cho phép.",
    "enum": "Giá trị không nằm trong danh sách cho phép.",
    "list_type": "Cần một danh sách.",
    "too_long": "Danh sách quá dài.",
    "too_short": "Danh sách quá ngắn.",
    "dict_type": "Cần một đối tượng JSON.",
    "model_type": "Cần một đối tượng JSON.",
    "model_attributes_type": "Cần một đối tượng JSON.",
    "extra_forbidden": "Trường này không được hỗ trợ.",
    "json_invalid": "JSON không hợp lệ.",
    "datetime_parsing": "Ngày giờ không hợp lệ.",
    "datetime_type": "Ngày giờ không hợp lệ.",
}
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def field_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """pydantic/ninja error dicts → {"submitter.phone": "Vietnamese message"}."""
    fields: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        source = loc[0] if loc and loc[0] in _SOURCES else ""
        if source:
            loc = loc[1:]
        # Body parameters are all named ``payload``; the client never sees that name.
        if source == "body" and loc and loc[0] == "payload":
            loc = loc[1:]
        key = ".".join(loc) or source or "__all__"
        kind = str(error.get("type", ""))
        limit = (error.get("ctx") or {}).get("max_length")
        if kind == "string_too_long" and limit is not None:
            # The client needs the limit to fix the text, not only that it is too long.
            fields.setdefault(key, f"Quá dài (tối đa {limit} ký tự).")
            continue
        fields.setdefault(key, _MESSAGES.get(kind, "Giá trị không hợp lệ."))
    return fields


def invalid(fields: dict[str, str], message: str = INVALID_MESSAGE) -> ApiError:
    details = " ".join(f"{k}: {v}" for k, v in fields.items())
    return ApiError(422, "invalid", f"{message} {details}".strip(), fields=fields)


def from_pydantic(exc: pydantic.ValidationError) -> ApiError:
    return invalid(field_errors(exc.errors(include_url=False)))


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
) -> HttpResponse:
    body = {"code": code, "message": message, "fields": fields or {}}
    return api.create_response(request, body, status=status)


def install(api: NinjaAPI) -> None:
    """Register the handlers that give every error the same shape (``exc`` is typed Any
    because ninja's handler signature admits the exception class as well)."""

    def domain_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, exc.http_status, exc.code, exc.message, exc.fields)

    def ninja_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        error = invalid(field_errors(exc.errors))
        return _respond(api, request, 422, error.code, error.message, error.fields)

    def authentication(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, 401, "unauthorized", UNAUTHORIZED_MESSAGE)

    def throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        response = _respond(
            api,
            request,
            429,
            "rate_limited",
            "Bạn gửi quá nhiều yêu cầu; vui lòng thử lại sau ít phút.",
        )
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        # ninja raises HttpError(400) for a body that is not JSON: bad input is 422 here.
        if exc.status_code == 400:
            return _respond(
                api,
                request,
                422,
                "invalid",
                "Nội dung gửi lên không phải JSON hợp lệ.",
                {"body": "JSON không hợp lệ."},
            )
        code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "not_allowed"}
        return _respond(
            api,
            request,
            exc.status_code,
            code.get(exc.status_code, "error"),
            "Yêu cầu không thực hiện được.",
        )

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, 404, "not_found", NOT_FOUND_MESSAGE)

    def too_large(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, 413, "too_large", "Nội dung gửi lên quá lớn.")

    def server_error(request: HttpRequest, exc: Any) -> HttpResponse:
        # Clients get the same JSON shape; the traceback goes to the log.
        logger.exception("API error on %s %s", request.method, request.path)
        return _respond(
            api,
            request,
            500,
            "server_error",
            "Hệ thống gặp lỗi; vui lòng thử lại sau. Nếu lỗi lặp lại, hãy báo cho quản trị viên.",
        )

    api.add_exception_handler(Exception, server_error)
    api.add_exception_handler(RequestDataTooBig, too_large)
    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(NinjaValidationError, ninja_validation)
    api.add_exception_handler(AuthenticationError, authentication)
    api.add_exception_handler(Throttled, throttled)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)


def not_found_view(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other address under /api/v1/ answers in the API's error shape, not an HTML page."""
    body = {"code": "not_found", "message": "Không có địa chỉ API này.", "fields": {}}
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})


def not_allowed_as_json(view: Callable[..., Any]) -> Callable[..., Any]:
    """ninja answers a method a route does not have with a bare text 405; give it the API's
    error shape, keeping the ``Allow`` header."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        allowed = response.get("Allow", "")
        body = {
            "code": "not_allowed",
            "message": f"Phương thức {request.method} không được hỗ trợ ở địa chỉ này"
            + (f"; dùng {allowed}." if allowed else "."),
            "fields": {},
        }
        json_response = JsonResponse(body, status=405, json_dumps_params={"ensure_ascii": False})
        if allowed:
            json_response["Allow"] = allowed
        return json_response

    return wrapped
