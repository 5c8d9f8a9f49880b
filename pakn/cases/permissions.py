"""Who may see a case: the one place that answers it for querysets and single objects."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from pakn.accounts.models import Role
from pakn.accounts.roles import role_map

WORKING_ROLES = (Role.INTAKE, Role.HANDLER, Role.LEADER, Role.ADMIN)


def visible_agency_filter(user: Any) -> Q:
    """A ``Case`` filter: the agency's own officers, supervisors of a parent, and agencies
    asked to coordinate see a case; superadmins see all; everyone else sees none."""
    from .models import CoordinationRequest

    roles = role_map(user)
    if roles.is_superadmin:
        return Q()
    working = roles.agencies_with(*WORKING_ROLES)
    q = Q(pk__in=[])
    if working:
        q |= Q(agency_id__in=working)
        q |= Q(
            Exists(CoordinationRequest.objects.filter(case=OuterRef("pk"), agency_id__in=working))
        )
    for agency_id in roles.agencies_with(Role.SUPERVISOR):
        q |= Q(agency__path__startswith=roles.paths[agency_id])
    return q
