"""Who may enter the back office, which agency they are working for, and which cases they see.

Anonymous visitors are sent to the login page; a logged-in person with no role in any agency
(a citizen) gets a "no access" page; a case outside what the officer may see answers 404, the
same as a case that does not exist, so case numbers reveal nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from pakn.accounts.models import Agency, Role
from pakn.accounts.roles import RoleMap, role_map
from pakn.cases.models import Case

SESSION_AGENCY = "backoffice_agency"
# The role a membership is listed under when the switcher names an agency.
ROLE_ORDER = (Role.LEADER, Role.INTAKE, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN)


def officer_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not role_map(request.user).is_officer:
            return refused(request)
        return view(request, *args, **kwargs)

    return wrapper


def refused(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(
        request,
        "backoffice/refused.html",
        {
            "message": message
            or _(
                "Tài khoản của bạn không có quyền truy cập khu vực dành cho cán bộ. "
                "Nếu bạn là cán bộ, hãy đăng nhập bằng tài khoản được cơ quan cấp."
            )
        },
        status=403,
    )


def memberships(user: Any) -> list[tuple[Agency, list[str]]]:
    """The user's agencies with the roles held there, in tree order."""
    roles = role_map(user)
    agencies = Agency.objects.filter(pk__in=list(roles.roles)).order_by("path")
    return [(agency, [r for r in ROLE_ORDER if r in roles.roles[agency.pk]]) for agency in agencies]


def current_agency_id(request: HttpRequest) -> int | None:
    """The agency chosen in the switcher (kept in the session), else the user's first one."""
    roles = role_map(request.user)
    chosen = request.session.get(SESSION_AGENCY)
    if isinstance(chosen, int) and chosen in roles.roles:
        return chosen
    if not roles.roles:
        return None
    return min(roles.roles, key=lambda a: roles.paths.get(a, ""))


def set_current_agency(request: HttpRequest, agency_id: int) -> bool:
    if agency_id not in role_map(request.user).roles:
        return False
    request.session[SESSION_AGENCY] = agency_id
    return True


def roles_here(request: HttpRequest, agency_id: int | None) -> frozenset[str]:
    roles: RoleMap = role_map(request.user)
    if agency_id is None:
        return frozenset()
    return roles.roles.get(agency_id, frozenset())


def can_see_case(user: Any, case_id: int) -> bool:
    return Case.objects.visible_to(user).filter(pk=case_id).exists()


def visible_case_or_404(user: Any, case_id: int) -> Case:
    case = (
        Case.objects.visible_to(user)
        .select_related(
            "submission__field",
            "submission__province",
            "submission__commune",
            "submission__account",
            "submission__intermediary",
            "agency",
            "assignee",
            "merged_into__submission",
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404(_("Không tìm thấy hồ sơ (hoặc bạn không có quyền xem hồ sơ này)."))
    return case
