from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from .models import AuditAction
from .services import audit_record, safe_form_summary

# Admin views whose writes Django records in LogEntry (copied to the audit log by a signal).
_LOGGED_BY_DJANGO = ("_add", "_change", "_delete")


class AdminAuditMiddleware:
    """Records the admin-site writes that Django's LogEntry misses: bulk actions on a change
    list and any custom admin view that changes something (activate, revoke, retrain…)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and response.status_code < 400:
            self._record(request, response)
        return response

    def _record(self, request: HttpRequest, response: HttpResponse) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return
        if match.app_name != "admin" or match.url_name in ("login", "logout"):
            return
        name = match.url_name or ""
        if request.POST.get("action") and request.POST.getlist("_selected_action"):
            action = AuditAction.ADMIN_ACTION
        elif name.endswith(_LOGGED_BY_DJANGO):
            return
        else:
            action = AuditAction.ADMIN_REQUEST
        audit_record(
            action=action,
            actor=user,
            request=request,
            object_type=".".join(match.route.split("/")[1:3]),
            detail={**safe_form_summary(request.POST), "status": response.status_code},
        )
