"""Reads for the dashboards, public statistics and reports: sums of rollup counters.

A period is a range of months of receipt: every figure describes the cases the agencies received
in those months (their current status, whether and how fast they were answered, how they were
rated). The overdue list is the only live figure: open cases past their deadline now.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pakn.accounts.models import Agency, Level, Role
from pakn.accounts.roles import role_map
from pakn.cases.models import Case, Status
from pakn.core.workdays import to_local_date, working_days_overdue
from pakn.geo.models import AdministrativeUnit
from pakn.submissions.models import Channel, Kind
from pakn.taxonomy.models import Field

from .models import Dim, Rollup
from .rollups import CELL_DEGREES, public_stats_generation

BACKOFFICE = "/backoffice/"
PUBLIC_STATS_TTL = 300
OVERDUE_LIMIT = 20
OVERDUE_STATUSES = [Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.ANSWER_REVIEW]
SATISFIED_FROM = 4

STATUS_ORDER = [
    Status.SUBMITTED,
    Status.NEEDS_INFO,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.ANSWER_REVIEW,
    Status.ANSWERED,
    Status.PUBLISHED,
    Status.CLOSED,
    Status.RETURNED,
    Status.REJECTED,
    Status.MERGED,
    Status.TRANSFERRED,
]


# --------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class Period:
    """Whole months, both ends included."""

    start: date
    end: date

    @classmethod
    def last_months(cls, count: int = 12, today: date | None = None) -> Period:
        today = today or to_local_date(timezone.now())
        end = today.replace(day=1)
        start = _add_months(end, -(count - 1))
        return cls(start, end)

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> Period:
        """From "YYYY-MM" strings; anything unreadable falls back to the last twelve months."""
        default = cls.last_months()
        first = _parse_month(start) or default.start
        last = _parse_month(end) or default.end
        if last < first:
            first, last = last, first
        return cls(first, last)

    @property
    def end_date(self) -> date:
        """The last day of the period."""
        return date.fromordinal(_add_months(self.end, 1).toordinal() - 1)

    @property
    def label(self) -> str:
        if self.start == self.end:
            return _("Tháng %(m)s") % {"m": f"{self.start:%m/%Y}"}
        return _("Từ tháng %(a)s đến tháng %(b)s") % {
            "a": f"{self.start:%m/%Y}",
            "b": f"{self.end:%m/%Y}",
        }

    def query(self) -> dict[str, str]:
        return {"from": f"{self.start:%Y-%m}", "to": f"{self.end:%Y-%m}"}


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _parse_month(value: str | None) -> date | None:
    try:
        parsed = datetime.strptime((value or "").strip(), "%Y-%m")
    except ValueError:
        return None
    if not 2000 <= parsed.year <= 2100:
        return None
    return date(parsed.year, parsed.month, 1)


# --------------------------------------------------------------------------------------------
# Who may look at which agency


def dashboard_roots(user: Any) -> list[Agency]:
    """The agencies whose subtree this user may analyse: supervised ones; all roots for a
    superadmin."""
    roles = role_map(user)
    if roles.is_superadmin:
        return list(Agency.objects.filter(parent__isnull=True).order_by("path"))
    ids = roles.agencies_with(Role.SUPERVISOR)
    agencies = list(Agency.objects.filter(pk__in=ids).order_by("path"))
    # A supervisor of a parent and of its child only needs the parent.
    return [a for a in agencies if not any(a != b and a.is_within(b) for b in agencies)]


def can_view(user: Any, agency: Agency) -> bool:
    return any(agency.is_within(root) for root in dashboard_roots(user))


# --------------------------------------------------------------------------------------------
# Figures


def median_of(histogram: dict[int, int]) -> float | None:
    total = sum(histogram.values())
    if total == 0:
        return None
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    lower = upper = None
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        if lower is None and seen + count > lower_rank:
            lower = value
        if seen + count > upper_rank:
            upper = value
            break
        seen += count
    assert lower is not None and upper is not None
    return (lower + upper) / 2


@dataclass
class Figures:
    """The headline figures of a set of agencies over a period."""

    counters: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, dim: str, key: str, n: int) -> None:
        self.counters[dim][key] += n

    def merge(self, other: Figures, sign: int = 1) -> None:
        for dim, counter in other.counters.items():
            for key, n in counter.items():
                self.counters[dim][key] += sign * n

    @property
    def received(self) -> int:
        return self.counters[Dim.RECEIVED][""]

    @property
    def answered(self) -> int:
        return self.counters[Dim.ANSWERED]["1"]

    @property
    def on_time(self) -> int:
        return self.counters[Dim.TIMELY]["1"]

    @property
    def late(self) -> int:
        return self.counters[Dim.TIMELY]["0"]

    @property
    def on_time_rate(self) -> float | None:
        judged = self.on_time + self.late
        return self.on_time / judged if judged else None

    def _histogram(self, dim: str) -> dict[int, int]:
        return {int(k): n for k, n in self.counters[dim].items() if n}

    @property
    def average_days(self) -> float | None:
        # Every answered case has its working days counted, so they share the denominator.
        answered = self.answered
        return self.counters[Dim.WORKDAYS_SUM][""] / answered if answered else None

    @property
    def median_days(self) -> float | None:
        return median_of(self._histogram(Dim.WORKDAYS))

    @property
    def ratings(self) -> int:
        return sum(self._histogram(Dim.RATING).values())

    @property
    def mean_rating(self) -> float | None:
        histogram = self._histogram(Dim.RATING)
        total = sum(histogram.values())
        return sum(k * n for k, n in histogram.items()) / total if total else None

    @property
    def satisfied_rate(self) -> float | None:
        histogram = self._histogram(Dim.RATING)
        total = sum(histogram.values())
        if not total:
            return None
        return sum(n for k, n in histogram.items() if k >= SATISFIED_FROM) / total


@dataclass
class Row:
    """One line of a breakdown: label, count, share, drill-down link."""

    key: str
    label: str
    count: int
    share: float
    link: str


@dataclass
class RankRow:
    agency: Agency
    figures: Figures
    link: str
    own: bool = False


@dataclass
class Dashboard:
    agency: Agency
    period: Period
    figures: Figures
    by_kind: list[Row]
    by_field: list[Row]
    by_channel: list[Row]
    by_province: list[Row]
    by_status: list[Row]
    funnel: list[Row]
    ranking: list[RankRow]
    overdue: list[dict[str, Any]]
    overdue_count: int
    links: dict[str, str]


def inbox_link(agency: Agency, period: Period | None = None, **filters: object) -> str:
    """The back-office inbox filtered to what a figure counts."""
    query: dict[str, object] = {"queue": "all", "agency": agency.pk}
    if period is not None:
        query["received_from"] = period.start.isoformat()
        query["received_to"] = period.end_date.isoformat()
    query.update({k: v for k, v in filters.items() if v not in (None, "")})
    return f"{BACKOFFICE}?{urlencode(query)}"


def _subtree_ids(agency: Agency) -> list[int]:
    return list(Agency.objects.subtree_of(agency).values_list("pk", flat=True))


def _rollup_rows(agency_ids: list[int], period: Period, dims: Sequence[str]) -> Any:
    return (
        Rollup.objects.filter(
            agency_id__in=agency_ids, month__gte=period.start, month__lte=period.end, dim__in=dims
        )
        .order_by()
        .values_list("agency_id", "dim", "key")
        .annotate(total=Sum("n"))
    )


FIGURE_DIMS = [
    Dim.RECEIVED,
    Dim.STATUS,
    Dim.KIND,
    Dim.FIELD,
    Dim.CHANNEL,
    Dim.PROVINCE,
    Dim.ANSWERED,
    Dim.TIMELY,
    Dim.WORKDAYS,
    Dim.WORKDAYS_SUM,
    Dim.RATING,
]
# What a ranking line or a public line needs: no breakdowns, no histogram of days.
RANK_DIMS = [Dim.RECEIVED, Dim.ANSWERED, Dim.TIMELY, Dim.WORKDAYS_SUM, Dim.RATING]


def figures_of(agency_ids: list[int], period: Period, dims: Sequence[str]) -> dict[int, Figures]:
    """Each agency's subtree figures (an agency's rollups include its descendants)."""
    result: dict[int, Figures] = defaultdict(Figures)
    for agency_id, dim, key, n in _rollup_rows(agency_ids, period, dims):
        result[agency_id].add(dim, key, n)
    return result


def dashboard(*, agency: Agency, period: Period, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    children = list(Agency.objects.filter(parent=agency).order_by("name"))
    total = figures_of([agency.pk], period, FIGURE_DIMS)[agency.pk]
    per_child = figures_of([c.pk for c in children], period, RANK_DIMS)
    own = Figures()
    own.merge(total)
    for child in children:
        own.merge(per_child[child.pk], -1)

    def rows(
        dim: str, labels: dict[str, str], param: str, order: list[str] | None = None
    ) -> list[Row]:
        counter = total.counters[dim]
        keys = order if order is not None else sorted(counter, key=lambda k: -counter[k])
        received = total.received or 1
        return [
            Row(
                key=k,
                label=labels.get(k, k) or _("Chưa xác định"),
                count=counter[k],
                share=counter[k] / received,
                link=inbox_link(agency, period, **{param: k}),
            )
            for k in keys
            if counter[k]
        ]

    field_keys = [k for k in total.counters[Dim.FIELD] if k]
    province_keys = [k for k in total.counters[Dim.PROVINCE] if k]
    field_names = {
        str(pk): name
        for pk, name in Field.objects.filter(pk__in=field_keys).values_list("pk", "name")
    }
    province_names = {
        str(pk): name
        for pk, name in AdministrativeUnit.objects.filter(pk__in=province_keys).values_list(
            "pk", "name"
        )
    }
    status_labels = {str(s.value): str(s.label) for s in Status}
    statuses = total.counters[Dim.STATUS]
    received = total.received
    funnel_counts = [
        (_("Đã nhận"), received, {}),
        (_("Đã sàng lọc"), received - statuses[Status.SUBMITTED], {}),
        (_("Đã trả lời"), total.answered, {}),
        (_("Đã công khai"), statuses[Status.PUBLISHED], {"status": Status.PUBLISHED}),
        (_("Đã đóng"), statuses[Status.CLOSED], {"status": Status.CLOSED}),
    ]
    funnel = [
        Row(
            key=str(i),
            label=label,
            count=count,
            share=count / (received or 1),
            link=inbox_link(agency, period, **filters),
        )
        for i, (label, count, filters) in enumerate(funnel_counts)
    ]
    ranking = [
        RankRow(
            agency=child,
            figures=per_child[child.pk],
            link=f"?agency={child.pk}&from={period.start:%Y-%m}&to={period.end:%Y-%m}",
        )
        for child in children
    ]
    if children and own.received:
        ranking.append(
            RankRow(
                agency=agency,
                figures=own,
                link=inbox_link(agency, period),
                own=True,
            )
        )
    ranking.sort(key=lambda r: (-(r.figures.on_time_rate or -1), -r.figures.received))
    overdue_qs = Case.objects.overdue(now)
    if agency.parent_id is not None or Agency.objects.filter(parent__isnull=True).count() > 1:
        overdue_qs = overdue_qs.filter(agency_id__in=_subtree_ids(agency))
    # One indexed (status, due_at) scan per status, merged: an IN over the statuses would sort
    # every overdue case to find the oldest twenty.
    oldest: list[Case] = []
    for status in OVERDUE_STATUSES:
        oldest.extend(
            overdue_qs.filter(status=status)
            .select_related("submission", "agency")
            .order_by("due_at")[:OVERDUE_LIMIT]
        )
    oldest.sort(key=lambda c: (c.due_at, c.pk))
    overdue = [
        {
            "case": case,
            "code": case.submission.display_code,
            "days": working_days_overdue(case.due_at, now) if case.due_at else 0,
            "link": f"{BACKOFFICE}cases/{case.pk}/",
        }
        for case in oldest[:OVERDUE_LIMIT]
    ]
    return Dashboard(
        agency=agency,
        period=period,
        figures=total,
        by_kind=rows(Dim.KIND, {str(k.value): str(k.label) for k in Kind}, "kind"),
        by_field=rows(Dim.FIELD, field_names, "field"),
        by_channel=rows(Dim.CHANNEL, {str(c.value): str(c.label) for c in Channel}, "channel"),
        by_province=rows(Dim.PROVINCE, province_names, "province"),
        by_status=rows(Dim.STATUS, status_labels, "status", order=[str(s) for s in STATUS_ORDER]),
        funnel=funnel,
        ranking=ranking,
        overdue=overdue,
        overdue_count=overdue_qs.count(),
        links={
            "received": inbox_link(agency, period),
            "overdue": inbox_link(agency, None, deadline="overdue"),
            "answered": inbox_link(agency, period, status=Status.ANSWERED),
        },
    )


# --------------------------------------------------------------------------------------------
# Hot spots


def hotspots(*, agency: Agency, period: Period, zoom: int = 6) -> list[dict[str, Any]]:
    """Located submissions merged into a grid coarse enough for the zoom level.

    The rollups count cases per 0.05° cell; at zoom z cells are merged 2^(11 - z) to a side, so
    the browser gets a few hundred markers whatever the number of cases.
    """
    zoom = max(3, min(zoom, 18))
    factor = 2 ** max(0, 11 - zoom)
    merged: dict[tuple[int, int], list[float]] = {}
    rows = (
        Rollup.objects.filter(
            agency=agency, month__gte=period.start, month__lte=period.end, dim=Dim.CELL
        )
        .order_by()
        .values_list("key")
        .annotate(total=Sum("n"))
    )
    for key, n in rows:
        if n <= 0:
            continue
        y, x = (int(part) for part in key.split(":"))
        bucket = merged.setdefault((y // factor, x // factor), [0.0, 0.0, 0])
        bucket[0] += (y + 0.5) * CELL_DEGREES * n
        bucket[1] += (x + 0.5) * CELL_DEGREES * n
        bucket[2] += n
    clusters = []
    for (gy, gx), (lat, lng, n) in sorted(merged.items(), key=lambda item: -item[1][2]):
        south, west = gy * factor * CELL_DEGREES, gx * factor * CELL_DEGREES
        north, east = (gy + 1) * factor * CELL_DEGREES, (gx + 1) * factor * CELL_DEGREES
        bbox = ",".join(f"{v:.5f}" for v in (west, south, east, north))
        clusters.append(
            {
                "lat": round(lat / n, 5),
                "lng": round(lng / n, 5),
                "count": int(n),
                "bounds": [[south, west], [north, east]],
                # The inbox's bbox filter drills down to exactly the cases of this cell.
                "link": inbox_link(agency, period, bbox=bbox),
            }
        )
    return clusters


# --------------------------------------------------------------------------------------------
# Emerging topics (filled by the intelligence engine)


def emerging_topics(*, agency: Agency, limit: int = 8) -> list[dict[str, Any]]:
    """The latest snapshot's topics that touch this subtree, with the subtree's share."""
    from pakn.intelligence.models import Topic, TopicSnapshot

    snapshot = TopicSnapshot.objects.order_by("-created_at").first()
    if snapshot is None:
        return []
    topics = list(Topic.objects.filter(snapshot=snapshot).order_by("rank")[:50])
    wanted = {int(pk) for topic in topics for pk in topic.case_ids[:500]}
    inside = set(
        Case.objects.filter(pk__in=wanted, agency__path__startswith=agency.path).values_list(
            "pk", flat=True
        )
    )
    result = []
    for topic in topics:
        mine = sum(1 for pk in topic.case_ids[:500] if int(pk) in inside)
        if mine:
            result.append({"topic": topic, "cases": mine})
        if len(result) >= limit:
            break
    return result


# --------------------------------------------------------------------------------------------
# Public statistics


@dataclass
class PublicRow:
    agency_id: int
    name: str
    level_code: str
    received: int
    answered: int
    on_time_rate: float | None
    average_days: float | None
    mean_rating: float | None
    satisfied_rate: float | None

    @property
    def level(self) -> str:
        """In the language of the request that reads it, not of the one that filled the cache."""
        return str(Level(self.level_code).label)


def public_stats(period: Period | None = None) -> dict[str, Any]:
    """Per agency, its own cases: only aggregate figures, cached for a few minutes.

    The cache holds numbers and names only; labels are added per request in the visitor's
    language. The key carries the rollup generation, so a refresh or rebuild of the rollups
    (rollups.public_stats_invalidate) makes the next visit compute the new figures."""
    period = period or Period.last_months()
    generation = public_stats_generation()
    cache_key = f"analytics:public:v2:{generation}:{period.start:%Y%m}:{period.end:%Y%m}"
    figures = cache.get(cache_key)
    if figures is None:
        figures = _public_figures(period)
        cache.set(cache_key, figures, PUBLIC_STATS_TTL)
    return {**figures, "period_label": period.label}


def _public_figures(period: Period) -> dict[str, Any]:
    parents = dict(Agency.objects.values_list("pk", "parent_id"))
    subtree = figures_of(list(parents), period, RANK_DIMS)
    # An agency's own cases: its subtree less its children's subtrees.
    per_agency: dict[int, Figures] = defaultdict(Figures)
    for agency_id, figures in subtree.items():
        per_agency[agency_id].merge(figures)
        parent_id = parents.get(agency_id)
        if parent_id is not None:
            per_agency[parent_id].merge(figures, -1)
    agencies = Agency.objects.filter(pk__in=list(per_agency), is_active=True).order_by("path")
    table = [
        PublicRow(
            agency_id=a.pk,
            name=a.name,
            level_code=a.level,
            received=per_agency[a.pk].received,
            answered=per_agency[a.pk].answered,
            on_time_rate=per_agency[a.pk].on_time_rate,
            average_days=per_agency[a.pk].average_days,
            mean_rating=per_agency[a.pk].mean_rating,
            satisfied_rate=per_agency[a.pk].satisfied_rate,
        )
        for a in agencies
        if per_agency[a.pk].received
    ]
    overall = Figures()
    for agency_id, figures in subtree.items():
        if parents.get(agency_id) is None:
            overall.merge(figures)
    return {
        "rows": table,
        "received": overall.received,
        "answered": overall.answered,
        "on_time_rate": overall.on_time_rate,
        "average_days": overall.average_days,
        "mean_rating": overall.mean_rating,
        "satisfied_rate": overall.satisfied_rate,
        "computed_at": timezone.now(),
    }
