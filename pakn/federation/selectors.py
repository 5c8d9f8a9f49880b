from __future__ import annotations

import time

from django.db.models import Q, QuerySet

from pakn.accounts.models import Agency
from pakn.cases.models import Case

from .models import DeliveryStatus, Forwarding, Peer, Subscription

# "Does any partner listen?" is asked on every case event, the citizen's intake included; a
# process-local answer for this long spares that query. Saving a subscription clears it here;
# other processes see a new subscription within this many seconds.
LISTENING_TTL_SECONDS = 30.0
_listening: dict[str, tuple[float, bool]] = {}


def partners_listening() -> bool:
    now = time.monotonic()
    cached = _listening.get("any")
    if cached is not None and now - cached[0] < LISTENING_TTL_SECONDS:
        return cached[1]
    value = Subscription.objects.filter(is_active=True).exists()
    _listening["any"] = (now, value)
    return value


def forget_listening() -> None:
    _listening.clear()


def active_peers() -> QuerySet[Peer]:
    return Peer.objects.filter(is_active=True).select_related("agency")


def forwarding_for(case: Case) -> Forwarding | None:
    return (
        Forwarding.objects.filter(case=case)
        .select_related("peer")
        .order_by("-forwarded_at")
        .first()
    )


def forward_failed(forwarding: Forwarding) -> bool:
    return forwarding.deliveries.filter(status=DeliveryStatus.FAILED).exists()


def subscriptions_for(*, event_type: str, agency: Agency) -> list[Subscription]:
    """Active subscriptions to ``event_type`` whose agency filter (if any) contains ``agency``."""
    # The materialised path lists the agency and all its ancestors: no query needed.
    ancestors = [int(part) for part in agency.path.strip("/").split("/") if part] or [agency.pk]
    candidates = Subscription.objects.filter(is_active=True).filter(
        Q(agency__isnull=True) | Q(agency_id__in=ancestors)
    )
    return [s for s in candidates if event_type in (s.events or [])]
