"""Choose the competent agency for a new submission."""

from __future__ import annotations

import copy
from collections.abc import Hashable

from django.conf import settings

from pakn.accounts.models import Agency
from pakn.core.memo import ProcessMemo

from .models import RoutingRule


def _load_rules(_key: Hashable) -> tuple[RoutingRule, ...]:
    return tuple(
        RoutingRule.objects.filter(is_active=True, agency__is_active=True).select_related("agency")
    )


def _load_default_agency(code: Hashable) -> Agency | None:
    agencies = Agency.objects.active()
    agency = agencies.filter(code=code).first() if code else None
    if agency is None:
        # No configuration: the root of the tree (the national intake point) receives it.
        agency = agencies.filter(parent__isnull=True).order_by("pk").first()
    return agency


# Every submission is routed: the few hundred active rules are read once per process, not per
# request (see pakn.core.memo for when an admin's edit is seen).
_rules = ProcessMemo(_load_rules)
_default_agency = ProcessMemo(_load_default_agency)


def route(
    *, field_id: int | None, province_id: int | None, commune_id: int | None, kind: str
) -> Agency:
    """The most specific active rule wins: commune > province > any area, then field, then kind,
    then the rule's priority. Without a matching rule, the configured default intake agency."""
    areas = {a for a in (commune_id, province_id) if a}
    best = None
    best_key: tuple[int, ...] = ()
    for rule in _rules.get():
        if rule.field_id not in (None, field_id) or rule.kind not in ("", kind):
            continue
        if rule.unit_id is not None and rule.unit_id not in areas:
            continue
        area_score = 2 if rule.unit_id and rule.unit_id == commune_id else 1 if rule.unit_id else 0
        key = (area_score, rule.field_id is not None, bool(rule.kind), rule.priority, -rule.pk)
        if best is None or key > best_key:
            best, best_key = rule, key
    if best is not None:
        # A copy: the cached instance is shared by every request of this process.
        return copy.copy(best.agency)
    return default_intake_agency()


def default_intake_agency() -> Agency:
    agency = _default_agency.get(settings.PAKN_DEFAULT_INTAKE_AGENCY)
    if agency is None:
        raise RuntimeError("Chưa có cơ quan nào để tiếp nhận: hãy cấu hình cơ quan trong /admin/.")
    return copy.copy(agency)
