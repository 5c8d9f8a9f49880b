"""What every back-office page shows around its content (agency switcher, menu, officer name,
logout): computed here for this app's views, and offered by :func:`context` to pages of other
apps under /backoffice/ (the analytics dashboard) that extend backoffice/base.html."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from pakn.accounts.models import Agency, Role, User
from pakn.accounts.roles import role_map

from . import access, selectors

BACKOFFICE_PREFIX = "/backoffice/"


def page_scope(request: HttpRequest) -> selectors.Scope:
    agency_id = access.current_agency_id(request)
    agency = Agency.objects.filter(pk=agency_id).first() if agency_id else None
    user = request.user
    assert isinstance(user, User)
    return selectors.Scope(user=user, agency=agency, roles=access.roles_here(request, agency_id))


def chrome(request: HttpRequest, scope: selectors.Scope, **extra: Any) -> dict[str, Any]:
    return {
        "scope": scope,
        "memberships": access.memberships(request.user),
        "is_leader": Role.LEADER in scope.roles,
        "is_supervisor": bool(role_map(request.user).agencies_with(Role.SUPERVISOR))
        or role_map(request.user).is_superadmin,
        **extra,
    }


def context(request: HttpRequest) -> dict[str, Any]:
    """Context processor. Lazy, so this app's views (which pass the same keys, and win over a
    context processor) pay nothing; evaluated only by another app's back-office page."""
    user = getattr(request, "user", None)
    if not request.path.startswith(BACKOFFICE_PREFIX) or user is None or not user.is_authenticated:
        return {}

    @cache
    def values() -> dict[str, Any]:
        return chrome(request, page_scope(request))

    def lazy(key: str) -> SimpleLazyObject:
        return SimpleLazyObject(lambda: values()[key])

    return {key: lazy(key) for key in ("scope", "memberships", "is_leader", "is_supervisor")}
