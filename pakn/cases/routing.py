"""Choose the competent agency for a new submission."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from pakn.accounts.models import Agency

from .models import RoutingRule


def route(
    *, field_id: int | None, province_id: int | None, commune_id: int | None, kind: str
) -> Agency:
    """The most specific active rule wins: commune > province > any area, then field, then kind,
    then the rule's priority. Without a matching rule, the configured default intake agency."""
    areas = [a for a in (commune_id, province_id) if a]
    rules = (
        RoutingRule.objects.filter(is_active=True, agency__is_active=True)
        .filter(Q(field_id=field_id) | Q(field__isnull=True))
        .filter(Q(unit_id__in=areas) | Q(unit__isnull=True))
        .filter(Q(kind=kind) | Q(kind=""))
        .select_related("agency")
    )
    best = None
    best_key: tuple[int, ...] = ()
    for rule in rules:
        area_score = 2 if rule.unit_id and rule.unit_id == commune_id else 1 if rule.unit_id else 0
        key = (area_score, rule.field_id is not None, bool(rule.kind), rule.priority, -rule.pk)
        if best is None or key > best_key:
            best, best_key = rule, key
    if best is not None:
        return best.agency
    return default_intake_agency()


def default_intake_agency() -> Agency:
    code = settings.PAKN_DEFAULT_INTAKE_AGENCY
    agencies = Agency.objects.active()
    agency = agencies.filter(code=code).first() if code else None
    if agency is None:
        # No configuration: the root of the tree (the national intake point) receives it.
        agency = agencies.filter(parent__isnull=True).order_by("pk").first()
    if agency is None:
        raise RuntimeError("Chưa có cơ quan nào để tiếp nhận: hãy cấu hình cơ quan trong /admin/.")
    return agency
