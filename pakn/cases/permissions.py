"""Who may see a case: the one place that answers it for querysets and single objects."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Func, Q, Subquery

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
        coordinated = CoordinationRequest.objects.filter(agency_id__in=working).values("case_id")
        q |= Q(agency_id__in=working)
        q |= Q(InSubquery("pk", Subquery(coordinated)))
    for agency_id in roles.agencies_with(Role.SUPERVISOR):
        q |= Q(agency__path__startswith=roles.paths[agency_id])
    return q


class InSubquery(Func):
    """``column IN (subquery)``, written ``column = ANY(ARRAY(subquery))`` on PostgreSQL.

    There the subquery runs once and the condition is indexable, so "own agency OR asked to
    coordinate" becomes a bitmap OR of two index scans. A correlated EXISTS (or a hashed
    ``IN``) under an OR is not indexable: PostgreSQL then walks every case newest first and
    tests each one, which over a million cases costs far more than a page."""

    arity = 2
    template = "%(expressions)s"
    arg_joiner = " IN "
    output_field = BooleanField()
    conditional = True

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="%(expressions)s)", arg_joiner=" = ANY(ARRAY", **extra
        )
