"""Keeping the rollups in step with the cases.

A case's *fact* is the handful of values the dashboards count (status, kind, field, channel,
area, answered, on time, working days taken, rating, map cell) plus where it is counted (agency,
month of receipt). Its *keys* are the (dimension, key) pairs it adds one to. When a case changes,
the refresh recomputes its fact, subtracts the old keys and adds the new ones: the sums stay
exact without rescanning the cases.

What changed is read from the case log by id watermark (the log is append-only and every write to
a case appends to it). A transaction that commits after a later one could leave an event below
the watermark, so each refresh also re-reads the last few minutes of the log; recomputing an
unchanged case yields no delta, so reading an event twice is harmless.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from pakn.accounts.models import Agency
from pakn.cases.models import Case, CaseEvent
from pakn.core.workdays import to_local_date, working_days_between

from .models import CaseFact, Dim, Rollup, RollupState

STATE = "rollups"
# The analytics app's reads may go to a replica (pakn.ops.routers); the refresh reads what it
# is about to write, so it reads the primary.
PRIMARY = "default"
CELL_DEGREES = 0.05  # map cells of about 5.5 km; the map merges them per zoom level
RECHECK = timedelta(minutes=5)
EVENT_BATCH = 2_000  # one short write transaction per batch: writers wait little
CASE_CHUNK = 500
WORKDAYS_CAP = 250  # the histogram's last bucket; medians above a working year are rare

CASE_VALUES = (
    "pk",
    "agency_id",
    "status",
    "received_at",
    "due_at",
    "answered_at",
    "submission__kind",
    "submission__field_id",
    "submission__channel",
    "submission__province_id",
    "submission__latitude",
    "submission__longitude",
    "rating__score",
)

RowKey = tuple[int, date, str, str]


def month_of(value: Any) -> date:
    return to_local_date(value).replace(day=1)


def cell_of(latitude: float | None, longitude: float | None) -> str:
    if latitude is None or longitude is None:
        return ""
    return f"{math.floor(latitude / CELL_DEGREES)}:{math.floor(longitude / CELL_DEGREES)}"


def fact_from_values(row: dict[str, Any]) -> CaseFact:
    answered_at = row["answered_at"]
    answered = answered_at is not None
    due_at = row["due_at"]
    return CaseFact(
        case_id=row["pk"],
        agency_id=row["agency_id"],
        month=month_of(row["received_at"]),
        status=row["status"],
        kind=row["submission__kind"],
        field_pk=row["submission__field_id"],
        channel=row["submission__channel"],
        province_pk=row["submission__province_id"],
        answered=answered,
        # The same rule as the approval's log entry: answered by the end of the deadline.
        on_time=(due_at is not None and answered_at <= due_at) if answered else None,
        working_days=working_days_between(row["received_at"], answered_at) if answered else None,
        rating=row["rating__score"],
        cell=cell_of(row["submission__latitude"], row["submission__longitude"]),
    )


def keys_of(fact: CaseFact) -> list[tuple[str, str, int]]:
    """(dimension, key, amount) the case adds to the rollups of its agency and ancestors."""
    keys: list[tuple[str, str, int]] = [
        (Dim.RECEIVED, "", 1),
        (Dim.STATUS, fact.status, 1),
        (Dim.KIND, fact.kind, 1),
        (Dim.CHANNEL, fact.channel, 1),
        (Dim.FIELD, "" if fact.field_pk is None else str(fact.field_pk), 1),
        (Dim.PROVINCE, "" if fact.province_pk is None else str(fact.province_pk), 1),
    ]
    if fact.answered:
        keys.append((Dim.ANSWERED, "1", 1))
    if fact.on_time is not None:
        keys.append((Dim.TIMELY, "1" if fact.on_time else "0", 1))
    if fact.working_days is not None:
        keys.append((Dim.WORKDAYS, str(min(fact.working_days, WORKDAYS_CAP)), 1))
        keys.append((Dim.WORKDAYS_SUM, "", fact.working_days))
    if fact.rating is not None:
        keys.append((Dim.RATING, str(fact.rating), 1))
    if fact.cell:
        keys.append((Dim.CELL, fact.cell, 1))
    return [(str(d), k, amount) for d, k, amount in keys]


def ancestors_of(path: str) -> list[int]:
    """The agency itself and every agency above it, from its materialised path."""
    return [int(part) for part in path.split("/") if part]


def _add(deltas: Counter[RowKey], fact: CaseFact, ancestors: list[int], sign: int) -> None:
    for dim, key, amount in keys_of(fact):
        for agency_id in ancestors:
            deltas[(agency_id, fact.month, dim, key)] += sign * amount


FACT_FIELDS = [
    "agency_id",
    "month",
    "status",
    "kind",
    "field_pk",
    "channel",
    "province_pk",
    "answered",
    "on_time",
    "working_days",
    "rating",
    "cell",
]


def _same(a: CaseFact, b: CaseFact) -> bool:
    return all(getattr(a, f) == getattr(b, f) for f in FACT_FIELDS)


def _apply(deltas: Counter[RowKey]) -> None:
    """Add the deltas to the rollup rows in a few set-based queries.

    Callers hold the refresh lock (the state row), so reading and writing back the sums cannot
    interleave with another refresh.
    """
    wanted = {k: d for k, d in deltas.items() if d}
    groups: dict[tuple[int, date, str], list[str]] = {}
    for agency_id, month, dim, key in wanted:
        groups.setdefault((agency_id, month, dim), []).append(key)
    found: list[Rollup] = []
    items = list(groups.items())
    for start in range(0, len(items), 100):
        condition = Q(pk__in=[])
        for (agency_id, month, dim), keys in items[start : start + 100]:
            condition |= Q(agency_id=agency_id, month=month, dim=dim, key__in=keys)
        found.extend(Rollup.objects.using(PRIMARY).filter(condition))
    for row in found:
        row.n += wanted.pop((row.agency_id, row.month, row.dim, row.key), 0)
    Rollup.objects.using(PRIMARY).bulk_update(found, ["n"], batch_size=1000)
    Rollup.objects.using(PRIMARY).bulk_create(
        [Rollup(agency_id=a, month=m, dim=d, key=k, n=n) for (a, m, d, k), n in wanted.items()],
        batch_size=1000,
    )


def refresh_cases(case_ids: Iterable[int]) -> int:
    """Bring the facts and rollups of these cases up to date; returns how many changed."""
    changed = 0
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), CASE_CHUNK):
        chunk = ids[start : start + CASE_CHUNK]
        current = {
            row["pk"]: fact_from_values(row)
            for row in Case.objects.filter(pk__in=chunk).values(*CASE_VALUES)
        }
        stored = {f.case_id: f for f in CaseFact.objects.using(PRIMARY).filter(case_id__in=chunk)}
        agency_ids = {f.agency_id for f in [*current.values(), *stored.values()]}
        paths = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "path"))
        deltas: Counter[RowKey] = Counter()
        new_facts: list[CaseFact] = []
        updated: list[CaseFact] = []
        for case_id in chunk:
            old, new = stored.get(case_id), current.get(case_id)
            if old is not None and new is not None and _same(old, new):
                continue
            if old is not None:
                _add(deltas, old, ancestors_of(paths.get(old.agency_id, "")), -1)
            if new is not None:
                _add(deltas, new, ancestors_of(paths.get(new.agency_id, "")), 1)
                (updated if old is not None else new_facts).append(new)
            changed += 1
        _apply(deltas)
        CaseFact.objects.using(PRIMARY).bulk_create(new_facts)
        if updated:
            CaseFact.objects.using(PRIMARY).bulk_update(updated, FACT_FIELDS)
    return changed


# The public statistics page caches its figures under this generation (selectors.public_stats).
PUBLIC_STATS_GENERATION = "analytics:public:generation"


def public_stats_generation() -> int:
    return int(cache.get(PUBLIC_STATS_GENERATION) or 0)


def public_stats_invalidate() -> None:
    """Drop the cached public figures once the rollups changed: otherwise a visit just before
    (say, zeros before the demo data was folded in) would be shown for the whole cache time."""
    if not cache.add(PUBLIC_STATS_GENERATION, 1, timeout=None):
        cache.incr(PUBLIC_STATS_GENERATION)


def _state() -> RollupState:
    RollupState.objects.using(PRIMARY).get_or_create(name=STATE)
    return RollupState.objects.using(PRIMARY).select_for_update().get(name=STATE)


def rollups_refresh() -> int:
    """Fold the case log written since the last run into the rollups; returns cases changed."""
    changed = 0
    recheck_done = False
    while True:
        with transaction.atomic():
            state = _state()
            events = CaseEvent.objects.filter(pk__gt=state.last_event_id)
            if not recheck_done:
                events = CaseEvent.objects.filter(
                    Q(pk__gt=state.last_event_id) | Q(created_at__gte=timezone.now() - RECHECK)
                )
            batch = list(events.order_by("pk").values_list("pk", "case_id")[:EVENT_BATCH])
            recheck_done = True
            changed += refresh_cases(case_id for _, case_id in batch)
            if batch:
                state.last_event_id = max(state.last_event_id, max(pk for pk, _ in batch))
            state.refreshed_at = timezone.now()
            state.save(update_fields=["last_event_id", "refreshed_at"])
            if changed:
                transaction.on_commit(public_stats_invalidate)
            if len(batch) < EVENT_BATCH:
                return changed


FACT_BATCH = 5000


def rollups_rebuild() -> int:
    """Recompute every fact and rollup from the cases (first install, or after a repair).

    Facts are written in batches from an iterator; the rollups are then grouped by the database,
    so memory stays flat whatever the number of cases.
    """
    with transaction.atomic():
        state = _state()
        last_event = CaseEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        CaseFact.objects.using(PRIMARY).all().delete()
        Rollup.objects.using(PRIMARY).all().delete()
        batch: list[CaseFact] = []
        count = 0
        for row in Case.objects.order_by().values(*CASE_VALUES).iterator(chunk_size=FACT_BATCH):
            batch.append(fact_from_values(row))
            if len(batch) >= FACT_BATCH:
                CaseFact.objects.using(PRIMARY).bulk_create(batch)
                count += len(batch)
                batch = []
        CaseFact.objects.using(PRIMARY).bulk_create(batch)
        count += len(batch)
        _group_into_rollups()
        state.last_event_id = last_event
        state.rebuilt_at = state.refreshed_at = timezone.now()
        state.save(update_fields=["last_event_id", "rebuilt_at", "refreshed_at"])
        transaction.on_commit(public_stats_invalidate)
    return count


def _group_into_rollups() -> None:
    """Group the facts per month in the database, then add each group to every ancestor."""
    paths = dict(Agency.objects.values_list("pk", "path"))
    ancestors = {pk: ancestors_of(path) for pk, path in paths.items()}
    groupings: list[tuple[str, str, Q]] = [
        (Dim.STATUS, "status", Q()),
        (Dim.KIND, "kind", Q()),
        (Dim.CHANNEL, "channel", Q()),
        (Dim.FIELD, "field_pk", Q()),
        (Dim.PROVINCE, "province_pk", Q()),
        (Dim.ANSWERED, "answered", Q(answered=True)),
        (Dim.TIMELY, "on_time", Q(on_time__isnull=False)),
        (Dim.WORKDAYS, "working_days", Q(working_days__isnull=False)),
        (Dim.RATING, "rating", Q(rating__isnull=False)),
        (Dim.CELL, "cell", ~Q(cell="")),
    ]
    months = (
        CaseFact.objects.using(PRIMARY).order_by("month").values_list("month", flat=True).distinct()
    )
    for month in list(months):
        facts = CaseFact.objects.using(PRIMARY).filter(month=month).order_by()
        totals: Counter[RowKey] = Counter()
        for agency_id, n, days in facts.values_list("agency_id").annotate(
            n=Count("pk"), days=Sum("working_days")
        ):
            for ancestor in ancestors.get(agency_id, [agency_id]):
                totals[(ancestor, month, Dim.RECEIVED, "")] += n
                totals[(ancestor, month, Dim.WORKDAYS_SUM, "")] += days or 0
        for dim, column, condition in groupings:
            for agency_id, value, n in (
                facts.filter(condition).values_list("agency_id", column).annotate(n=Count("pk"))
            ):
                key = _key(value)
                if dim == Dim.WORKDAYS:
                    key = str(min(int(value), WORKDAYS_CAP))
                for ancestor in ancestors.get(agency_id, [agency_id]):
                    totals[(ancestor, month, str(dim), key)] += n
        Rollup.objects.using(PRIMARY).bulk_create(
            [
                Rollup(agency_id=a, month=m, dim=d, key=k, n=n)
                for (a, m, d, k), n in totals.items()
                if n
            ],
            batch_size=FACT_BATCH,
        )


def _key(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)
