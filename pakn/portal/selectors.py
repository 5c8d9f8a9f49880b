"""Read-only questions the public pages ask; only public fields ever leave these querysets."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, Value
from django.urls import reverse

from pakn.accounts.models import Agency
from pakn.cases.models import Case, Status
from pakn.cases.search import STOPWORDS, rank_search
from pakn.core.text import fold

PUBLIC_STATUSES = (Status.PUBLISHED, Status.CLOSED)
PUBLIC_FIELDS = (
    "public_title",
    "public_body",
    "published_at",
    "status",
    "agency__name",
    "submission__tracking_code",
    "submission__kind",
    "submission__field",
    "submission__field__name",
    "submission__field__name_en",
    "submission__province",
    "submission__province__name",
    "submission__commune",
    "submission__commune__name",
)


def published_cases() -> Any:
    """Cases whose redacted text and answer are public; submitter data is not even loaded."""
    return (
        Case.objects.filter(status__in=PUBLIC_STATUSES, published_at__isnull=False)
        .select_related(
            "agency", "submission__field", "submission__province", "submission__commune"
        )
        .only(*PUBLIC_FIELDS)
        .order_by("-published_at", "-pk")
    )


def search_published(
    *,
    q: str = "",
    field_id: int | None = None,
    province_id: int | None = None,
    kind: str = "",
    agency_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Any:
    """Published cases matching the filters; with ``q``, ranked by ``rank_search`` (best
    first, a tracking code finds its case). When no case held every word,
    each row carries ``search_fallback=True`` so the page can say the results are approximate."""
    cases = published_cases()
    if field_id is not None:
        cases = cases.filter(
            Q(submission__field_id=field_id) | Q(submission__field__parent_id=field_id)
        )
    if province_id is not None:
        cases = cases.filter(submission__province_id=province_id)
    if kind:
        cases = cases.filter(submission__kind=kind)
    if agency_id is not None:
        path = Agency.objects.filter(pk=agency_id).values_list("path", flat=True).first()
        cases = cases.filter(agency__path__startswith=path) if path else cases.none()
    if since is not None:
        cases = cases.filter(published_at__date__gte=since)
    if until is not None:
        cases = cases.filter(published_at__date__lte=until)
    if not q.strip():
        return cases
    cases, fallback = rank_search(cases, q=q)
    return cases.annotate(search_fallback=Value(fallback)) if fallback else cases


# --------------------------------------------------------------------------------------------
# Places on the public map (h-map)
#
# The public never sees an exact point: coordinates are rounded to 3 decimals (about 110 m of
# latitude, about 100 m of longitude at Vietnam's latitudes), and a case whose place is the
# submitter's own contact address (their home, which redaction removes from the text) is not
# placed on the public map at all. Officers see the exact point in the back office.

PUBLIC_DECIMALS = 3
PUBLIC_RADIUS_M = 100
MAX_MAP_POINTS = 20_000
CLUSTER_PIXELS = 64
ITEMS_PER_CLUSTER = 8


def _located(cases: Any) -> Any:
    home = ~Q(submission__address="") & Q(submission__address=F("submission__submitter_address"))
    return cases.filter(
        submission__latitude__isnull=False, submission__longitude__isnull=False
    ).exclude(home)


def public_point(latitude: float, longitude: float) -> tuple[float, float]:
    return round(latitude, PUBLIC_DECIMALS), round(longitude, PUBLIC_DECIMALS)


def public_location(*, case_id: int) -> tuple[float, float] | None:
    """The rounded point of one published case, or None when it is not shown publicly."""
    row = (
        _located(published_cases().filter(pk=case_id))
        .order_by()
        .values_list("submission__latitude", "submission__longitude")
        .first()
    )
    return public_point(*row) if row else None


def published_clusters(
    *, cases: Any, zoom: int, bbox: tuple[float, float, float, float] | None = None
) -> dict[str, Any]:
    """Published, located cases (already filtered like the list) merged into square cells of
    about ``CLUSTER_PIXELS`` on screen at ``zoom``; small cells list their answers."""
    zoom = max(3, min(zoom, 18))
    cell = 360 / (2**zoom) / (256 / CLUSTER_PIXELS)
    located = _located(cases)
    if bbox is not None:
        min_lng, min_lat, max_lng, max_lat = bbox
        located = located.filter(
            submission__latitude__gte=min_lat,
            submission__latitude__lte=max_lat,
            submission__longitude__gte=min_lng,
            submission__longitude__lte=max_lng,
        )
    rows = located.order_by("-published_at", "-pk").values_list(
        "submission__latitude", "submission__longitude", "submission__tracking_code", "public_title"
    )[:MAX_MAP_POINTS]
    cells: dict[tuple[int, int], list[tuple[float, float, str, str]]] = {}
    for lat, lng, code, title in rows:
        lat, lng = public_point(lat, lng)
        cells.setdefault((math.floor(lat / cell), math.floor(lng / cell)), []).append(
            (lat, lng, code, title)
        )
    clusters: list[dict[str, Any]] = []
    for (gy, gx), points in cells.items():
        n = len(points)
        show = n <= ITEMS_PER_CLUSTER or zoom >= 15
        clusters.append(
            {
                "lat": round(sum(p[0] for p in points) / n, PUBLIC_DECIMALS),
                "lng": round(sum(p[1] for p in points) / n, PUBLIC_DECIMALS),
                "count": n,
                "bounds": [[gy * cell, gx * cell], [(gy + 1) * cell, (gx + 1) * cell]],
                "items": [
                    {"title": title, "url": reverse("portal:published_detail", args=[code])}
                    for _lat, _lng, code, title in points[:ITEMS_PER_CLUSTER]
                ]
                if show
                else [],
            }
        )
    clusters.sort(key=lambda c: -c["count"])
    return {"total": sum(c["count"] for c in clusters), "clusters": clusters}


def headline_figures() -> dict[str, int]:
    figures = Case.objects.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        published=Count("pk", filter=Q(status__in=PUBLIC_STATUSES, published_at__isnull=False)),
    )
    return {key: int(value or 0) for key, value in figures.items()}


def similar_published(text: str, *, limit: int = 5) -> list[Any]:
    """Published answers that may already cover ``text``: the intelligence layer's duplicate
    index first (reworded text, same issue), keyword overlap when the index finds nothing."""
    from pakn.intelligence.duplicates import similar_published as indexed

    found = [item["case_id"] for item in indexed(text, limit=limit)]
    if found:
        by_id = {c.pk: c for c in published_cases().filter(pk__in=found).only(*PUBLIC_FIELDS)}
        return [by_id[pk] for pk in found if pk in by_id]
    return _keyword_similar(text, limit=limit)


def _keyword_similar(text: str, *, limit: int) -> list[Any]:
    words = [w for w in dict.fromkeys(fold(text).split()) if len(w) > 1 and w not in STOPWORDS]
    words = words[:8]
    if not words:
        return []
    any_word = Q()
    for word in words:
        any_word |= Q(public_search__contains=word)
    candidates = list(published_cases().filter(any_word).only(*PUBLIC_FIELDS, "public_search")[:50])
    scored = [(sum(1 for w in words if w in case.public_search), case) for case in candidates]
    needed = 1 if len(words) < 3 else 2
    scored = [item for item in scored if item[0] >= needed]
    scored.sort(key=lambda item: (-item[0], -item[1].published_at.timestamp()))
    return [case for _score, case in scored[:limit]]
