"""Read-only questions the back office asks: queues, filters, badges, workload, oversight.

Every list is one bounded set of queries whatever the page size: rows come with their
submission, field, agency and assignee joined in, and counts are one query, capped at
``pakn.core.paging.COUNT_CAP`` (an exact count over a national subtree is a scan of a million rows
on every page view).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pakn.accounts.models import PATH_STEP, Agency, Role, User
from pakn.accounts.roles import role_map
from pakn.cases.models import (
    OPEN_STATUSES,
    Answer,
    AnswerStatus,
    Case,
    CaseEvent,
    CoordinationRequest,
    Status,
    due_soon_q,
    overdue_q,
)
from pakn.core import workdays
from pakn.core.memo import ProcessMemo
from pakn.core.paging import capped
from pakn.core.text import fold
from pakn.core.tracking import InvalidTrackingCode, normalize_tracking_code
from pakn.core.widgets import OptionList
from pakn.geo.models import AdministrativeUnit, UnitLevel
from pakn.taxonomy.models import Field

DUE_SOON_HOURS = 48
RUNNING = [s for s in OPEN_STATUSES if s != Status.NEEDS_INFO]
WORKING = (Role.INTAKE, Role.HANDLER, Role.LEADER, Role.ADMIN)


@dataclass(frozen=True)
class Queue:
    key: str
    label: Any
    roles: tuple[str, ...]  # roles in the current agency that see this queue; () = everyone


QUEUES = (
    Queue("screen", gettext_lazy("Chờ tiếp nhận"), (Role.INTAKE, Role.LEADER)),
    Queue("mine", gettext_lazy("Của tôi"), (Role.HANDLER, Role.LEADER, Role.INTAKE)),
    Queue("team", gettext_lazy("Của đơn vị"), WORKING),
    Queue("needs_info", gettext_lazy("Chờ bổ sung"), WORKING),
    Queue("coordination", gettext_lazy("Đề nghị phối hợp"), WORKING),
    Queue("approve", gettext_lazy("Chờ duyệt"), (Role.LEADER,)),
    Queue("due_soon", gettext_lazy("Sắp đến hạn"), ()),
    Queue("overdue", gettext_lazy("Quá hạn"), ()),
    Queue("all", gettext_lazy("Tất cả"), ()),
)
QUEUE_KEYS = {q.key for q in QUEUES}


@dataclass(frozen=True)
class Scope:
    """Where the officer is looking: one agency (working roles) or its subtree (supervisor)."""

    user: User
    agency: Agency | None
    roles: frozenset[str]

    @property
    def subtree(self) -> bool:
        return Role.SUPERVISOR in self.roles and not (self.roles & set(WORKING))

    def cases(self) -> QuerySet[Case]:
        cases = Case.objects.visible_to(self.user)
        if self.agency is None:
            return cases
        if self.subtree:
            return cases.filter(agency__path__startswith=self.agency.path)
        return cases.filter(agency=self.agency)

    def queues(self) -> list[Queue]:
        if self.agency is None:  # a superadmin without memberships
            return [q for q in QUEUES if not q.roles]
        return [q for q in QUEUES if not q.roles or self.roles & set(q.roles)]


def queue_filter(scope: Scope, key: str, now: datetime) -> Q:
    """The condition of one queue on top of ``scope.cases()``."""
    # Only the asked queue's condition is built: the inbox asks for every queue on each page.
    conditions: dict[str, Callable[[], Q]] = {
        "screen": lambda: Q(status=Status.SUBMITTED),
        "mine": lambda: Q(assignee=scope.user, status__in=OPEN_STATUSES),
        "team": lambda: Q(status__in=OPEN_STATUSES),
        "needs_info": lambda: Q(status=Status.NEEDS_INFO),
        "coordination": lambda: Q(
            Exists(
                CoordinationRequest.objects.filter(
                    case=OuterRef("pk"), responded_at__isnull=True, agency=scope.agency
                )
            )
        ),
        "approve": lambda: Q(status=Status.ANSWER_REVIEW),
        "due_soon": lambda: due_soon_q(now, now + timedelta(hours=DUE_SOON_HOURS)),
        "overdue": lambda: overdue_q(now),
        "all": Q,
    }
    return conditions[key]()


def queue_cases(
    scope: Scope,
    key: str,
    now: datetime,
    *,
    scoped: QuerySet[Case] | None = None,
    visible: QuerySet[Case] | None = None,
) -> QuerySet[Case]:
    """``scoped``/``visible`` (``scope.cases()`` and the user's visible cases) may be passed by
    a caller that asks for several queues, so the visibility condition is built once."""
    if key == "coordination" and scope.agency is not None:
        # Coordinating agencies see the case through the request, not through ownership.
        base = visible if visible is not None else Case.objects.visible_to(scope.user)
        return base.filter(queue_filter(scope, key, now))
    base = scoped if scoped is not None else scope.cases()
    return base.filter(queue_filter(scope, key, now))


def queue_counts(scope: Scope, now: datetime) -> dict[str, int]:
    """Every queue's count in one query, each capped at COUNT_CAP + 1 (read: "more than
    COUNT_CAP"), so the cost is bounded by the cap, not by the size of the subtree."""
    parts: list[str] = []
    params: list[Any] = []
    keys: list[str] = []
    database = "default"
    scoped, visible = scope.cases(), Case.objects.visible_to(scope.user)
    for q in scope.queues():
        rows = capped(queue_cases(scope, q.key, now, scoped=scoped, visible=visible))
        database = rows.db
        sql, values = rows.query.sql_with_params()
        # The SQL is compiled by the ORM; user input travels only in ``values``.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped_{len(keys)})")  # noqa: S608  # nosec B608
        params.extend(values)
        keys.append(q.key)
    if not parts:
        return {}
    with connections[database].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {key: int(n) for key, n in zip(keys, row, strict=True)}


# --------------------------------------------------------------------------------------------
# Filters and sorting


SORTS: dict[str, tuple[str, ...]] = {
    "-received": ("-received_at", "-pk"),
    "received": ("received_at", "pk"),
    "due": ("due_at", "pk"),
    "-due": ("-due_at", "-pk"),
    "status": ("status", "-received_at"),
    "-updated": ("-updated_at", "-pk"),
}


@dataclass
class InboxFilters:
    status: str = ""
    kind: str = ""
    field: int | None = None
    province: int | None = None
    channel: str = ""
    received_from: date | None = None
    received_to: date | None = None
    deadline: str = ""  # overdue | due_soon | paused | on_track
    duplicates: bool = False
    q: str = ""
    sort: str = "-received"
    agency: int | None = None  # the agency's subtree, inside what the scope already shows
    bbox: tuple[float, float, float, float] | None = None  # min lng, min lat, max lng, max lat


def apply_filters(cases: QuerySet[Case], f: InboxFilters, now: datetime) -> QuerySet[Case]:
    if f.status:
        cases = cases.filter(status=f.status)
    if f.kind:
        cases = cases.filter(submission__kind=f.kind)
    if f.field is not None:
        cases = cases.filter(
            Q(submission__field_id=f.field) | Q(submission__field__parent_id=f.field)
        )
    if f.province is not None:
        cases = cases.filter(submission__province_id=f.province)
    if f.channel:
        cases = cases.filter(submission__channel=f.channel)
    if f.received_from:
        cases = cases.filter(received_at__gte=_start_of(f.received_from))
    if f.received_to:
        cases = cases.filter(received_at__lt=_start_of(f.received_to + timedelta(days=1)))
    if f.deadline == "overdue":
        cases = cases.filter(overdue_q(now))
    elif f.deadline == "due_soon":
        cases = cases.filter(due_soon_q(now, now + timedelta(hours=DUE_SOON_HOURS)))
    elif f.deadline == "paused":
        cases = cases.filter(status=Status.NEEDS_INFO)
    elif f.deadline == "on_track":
        cases = cases.filter(status__in=RUNNING).exclude(overdue_q(now))
    if f.duplicates:
        cases = cases.filter(suggestions__duplicates__0__isnull=False)
    if f.q:
        cases = cases.filter(search_condition(f.q))
    if f.agency is not None:
        # Only narrows: the scope's visibility filter is already on ``cases``, so an agency
        # the officer may not see yields nothing rather than widening the list.
        path = Agency.objects.filter(pk=f.agency).values_list("path", flat=True).first()
        cases = cases.filter(agency__path__startswith=path) if path else cases.none()
    if f.bbox is not None:
        min_lng, min_lat, max_lng, max_lat = f.bbox
        cases = cases.filter(
            submission__latitude__gte=min_lat,
            submission__latitude__lte=max_lat,
            submission__longitude__gte=min_lng,
            submission__longitude__lte=max_lng,
        )
    return cases.order_by(*SORTS.get(f.sort, SORTS["-received"]))


def search_condition(q: str) -> Q:
    """Every word, without diacritics, in the title or body; or the tracking code itself."""
    condition = Q()
    for word in fold(q).split()[:10]:
        condition &= Q(submission__search_text__contains=word)
    try:
        code = normalize_tracking_code(q)
    except (InvalidTrackingCode, ValueError):
        return condition
    return condition | Q(submission__tracking_code=code)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=workdays.VN_TZ)


def inbox_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related(
        "submission__field", "submission__province", "agency", "assignee"
    ).defer("submission__body", "submission__search_text", "public_body", "public_search")


# --------------------------------------------------------------------------------------------
# Deadline badges


@dataclass(frozen=True)
class Badge:
    text: str
    tone: str  # ok | soon | late | paused | done


def deadline_badge(case: Case, now: datetime) -> Badge | None:
    """The badge of the deadline that runs now (``Case.current_due_at``): a case waiting to be
    screened shows its screening deadline, so a late screening is never shown as on time."""
    if case.status == Status.NEEDS_INFO:
        return Badge(_("tạm dừng tính hạn"), "paused")
    due = case.current_due_at
    if case.status not in OPEN_STATUSES or due is None:
        return None
    screening = case.status == Status.SUBMITTED and case.screening_due_at is not None
    if due < now:
        days = workdays.working_days_overdue(due, now)
        if screening:
            if days == 0:
                return Badge(_("quá hạn tiếp nhận hôm nay"), "late")
            return Badge(_("quá hạn tiếp nhận %(days)d ngày") % {"days": days}, "late")
        if days == 0:
            return Badge(_("quá hạn hôm nay"), "late")
        return Badge(_("quá hạn %(days)d ngày") % {"days": days}, "late")
    days = workdays.working_days_between(now, due)
    tone = "soon" if due < now + timedelta(hours=DUE_SOON_HOURS) else "ok"
    if screening:
        if days == 0:
            return Badge(_("hạn tiếp nhận hôm nay"), "soon")
        return Badge(_("còn %(days)d ngày để tiếp nhận") % {"days": days}, tone)
    if days == 0:
        return Badge(_("hết hạn hôm nay"), "soon")
    return Badge(_("còn %(days)d ngày làm việc") % {"days": days}, tone)


def has_duplicate_suggestion(case: Case) -> bool:
    suggestions = case.suggestions if isinstance(case.suggestions, dict) else {}
    return bool(suggestions.get("duplicates"))


# --------------------------------------------------------------------------------------------
# Choices for forms


def assignable_officers(agency_id: int) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            memberships__agency_id=agency_id,
            memberships__role__in=[Role.HANDLER, Role.LEADER],
            memberships__is_active=True,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def transfer_targets(exclude_id: int | None = None) -> QuerySet[Agency]:
    agencies = Agency.objects.active().order_by("path")
    if exclude_id is not None:
        agencies = agencies.exclude(pk=exclude_id)
    return agencies


def _load_agency_options(key: Hashable) -> OptionList:
    assert isinstance(key, tuple)
    empty_label, indented = key
    rows = transfer_targets().values_list("pk", "path", "short_name", "name")
    choices: list[tuple[Any, str]] = [] if empty_label is None else [("", empty_label)]
    for pk, path, short_name, name in rows:
        # As AgencyChoiceField.label_from_instance (indented) or str(agency) (plain).
        depth = len(path) // (PATH_STEP + 1)
        label = "— " * max(depth - 1, 0) + (short_name or name) if indented else name
        choices.append((pk, label))
    return OptionList(choices)


# Every case screen and inbox offers the ~550 active agencies; they change through the admin
# (an Agency save forgets them: pakn.cases.apps, and see pakn.core.memo).
_agency_options = ProcessMemo(_load_agency_options)


def agency_options(*, empty_label: str | None, indented: bool = True) -> OptionList:
    """The options of ``transfer_targets()`` for a FastSelect, escaped once per process.

    ``empty_label`` is already in the request's language, so it keys the memo with it."""
    return _agency_options.get((empty_label, indented))


def _load_inbox_choices(key: Hashable) -> list[tuple[int, str]]:
    if key == "fields":
        return list(Field.objects.active().values_list("pk", "name"))
    return list(
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).values_list("pk", "name")
    )


# The inbox filter's fields and provinces, read on every inbox page (Field and
# AdministrativeUnit saves forget them).
_inbox_choices = ProcessMemo(_load_inbox_choices)


def inbox_field_choices() -> list[tuple[int, str]]:
    return _inbox_choices.get("fields")


def inbox_province_choices() -> list[tuple[int, str]]:
    return _inbox_choices.get("provinces")


# --------------------------------------------------------------------------------------------
# The case screen


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case).select_related("actor", "agency").order_by("seq")


def case_answers(case: Case) -> QuerySet[Answer]:
    return (
        Answer.objects.filter(case=case)
        .select_related("drafted_by", "reviewed_by")
        .prefetch_related("attachments")
        .order_by("-created_at")
    )


def working_answer(case: Case) -> Answer | None:
    """The draft an editor continues from: one in review, returned, or still a draft."""
    return (
        Answer.objects.filter(
            case=case,
            status__in=[AnswerStatus.IN_REVIEW, AnswerStatus.RETURNED, AnswerStatus.DRAFT],
        )
        .order_by("-updated_at")
        .first()
    )


def open_coordination_for(user: User, case: Case) -> list[CoordinationRequest]:
    """Requests to one of the user's agencies on this case that still wait for an answer."""
    roles = role_map(user)
    agencies = roles.agencies_with(Role.INTAKE, Role.HANDLER, Role.LEADER)
    if roles.is_superadmin:
        return list(case.coordinations.filter(responded_at__isnull=True).select_related("agency"))
    return list(
        case.coordinations.filter(responded_at__isnull=True, agency_id__in=agencies).select_related(
            "agency"
        )
    )


def suggestion_lists(case: Case) -> dict[str, list[dict[str, Any]]]:
    """The AI's suggestions, keeping only well-formed lists."""
    raw = case.suggestions if isinstance(case.suggestions, dict) else {}
    result: dict[str, list[dict[str, Any]]] = {}
    for key in ("kind", "field", "agency", "duplicates", "moderation"):
        items = raw.get(key)
        if isinstance(items, list):
            result[key] = [item for item in items if isinstance(item, dict)]
    return {k: v for k, v in result.items() if v}


def suggested_ids(suggestions: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, int]]:
    """The ids of the suggested fields and agencies by code, for the "choose this" buttons."""
    codes = {
        key: [str(item.get("label")) for item in suggestions.get(key, [])]
        for key in ("field", "agency")
    }
    return {
        "field": dict(
            Field.objects.active().filter(code__in=codes["field"]).values_list("code", "pk")
        )
        if codes["field"]
        else {},
        "agency": dict(
            Agency.objects.active().filter(code__in=codes["agency"]).values_list("code", "pk")
        )
        if codes["agency"]
        else {},
    }


def duplicate_cases(user: User, items: list[dict[str, Any]]) -> dict[int, Case]:
    """The suggested duplicates the user may open, by id."""
    ids: list[int] = [item["case_id"] for item in items if isinstance(item.get("case_id"), int)]
    return {
        c.pk: c
        for c in Case.objects.visible_to(user).filter(pk__in=ids).select_related("submission")
    }


# --------------------------------------------------------------------------------------------
# Leader


def approvals(agency_id: int) -> list[tuple[Case, Answer | None]]:
    cases = list(
        Case.objects.filter(agency_id=agency_id, status=Status.ANSWER_REVIEW)
        .select_related("submission", "assignee")
        .order_by("due_at", "pk")
    )
    answers: dict[int, Answer] = {}
    for answer in (
        Answer.objects.filter(case__in=cases, status=AnswerStatus.IN_REVIEW)
        .select_related("drafted_by")
        .order_by("created_at")
    ):
        answers[answer.case_id] = answer
    return [(case, answers.get(case.pk)) for case in cases]


@dataclass(frozen=True)
class Workload:
    officer: User
    open: int
    in_review: int
    overdue: int
    due_soon: int


def team_workload(agency_id: int, now: datetime) -> list[Workload]:
    """Open cases per handler of the agency (officers with nothing open are listed too)."""
    open_here = Q(assigned_cases__agency_id=agency_id, assigned_cases__status__in=OPEN_STATUSES)
    running_here = Q(assigned_cases__agency_id=agency_id, assigned_cases__status__in=RUNNING)
    officers = (
        assignable_officers(agency_id)
        .annotate(
            n_open=Count("assigned_cases", filter=open_here, distinct=True),
            n_review=Count(
                "assigned_cases",
                filter=Q(
                    assigned_cases__agency_id=agency_id,
                    assigned_cases__status=Status.ANSWER_REVIEW,
                ),
                distinct=True,
            ),
            n_overdue=Count(
                "assigned_cases",
                filter=Q(assigned_cases__agency_id=agency_id) & overdue_q(now, "assigned_cases__"),
                distinct=True,
            ),
            n_soon=Count(
                "assigned_cases",
                filter=running_here
                & Q(
                    assigned_cases__due_at__gte=now,
                    assigned_cases__due_at__lt=now + timedelta(hours=DUE_SOON_HOURS),
                ),
                distinct=True,
            ),
        )
        .order_by("-n_open", "full_name", "username")
    )
    return [
        Workload(o, o.n_open, o.n_review, o.n_overdue, o.n_soon)  # type: ignore[attr-defined]
        for o in officers
    ]


# --------------------------------------------------------------------------------------------
# Supervisor


@dataclass(frozen=True)
class AgencyRate:
    agency: Agency
    received: int
    open: int
    overdue: int
    answered: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.answered if self.answered else None


def subtree_cases(agency: Agency) -> QuerySet[Case]:
    return Case.objects.filter(agency__path__startswith=agency.path)


def status_counts(agency: Agency) -> list[tuple[str, str, int]]:
    counts = dict(subtree_cases(agency).values_list("status").annotate(n=Count("pk")).order_by())
    return [(s.value, str(s.label), counts.get(s.value, 0)) for s in Status]


def overdue_cases(agency: Agency, now: datetime, limit: int = 50) -> list[Case]:
    return list(
        subtree_cases(agency)
        .filter(overdue_q(now))
        .select_related("submission", "agency", "assignee")
        .order_by("due_at")[:limit]
    )


def on_time_rates(agency: Agency, now: datetime) -> list[AgencyRate]:
    """Per agency of the subtree: answered on time (answered_at ≤ due_at) over answered."""
    answered = Q(cases__answered_at__isnull=False)
    rows = (
        Agency.objects.filter(path__startswith=agency.path)
        .annotate(
            n_received=Count("cases", distinct=True),
            n_open=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES), distinct=True),
            n_overdue=Count("cases", filter=overdue_q(now, "cases__"), distinct=True),
            n_answered=Count("cases", filter=answered, distinct=True),
            n_on_time=Count(
                "cases",
                filter=answered & Q(cases__answered_at__lte=F("cases__due_at")),
                distinct=True,
            ),
        )
        .order_by("path")
    )
    return [
        AgencyRate(
            a,
            a.n_received,  # type: ignore[attr-defined]
            a.n_open,  # type: ignore[attr-defined]
            a.n_overdue,  # type: ignore[attr-defined]
            a.n_answered,  # type: ignore[attr-defined]
            a.n_on_time,  # type: ignore[attr-defined]
        )
        for a in rows
    ]


def supervised_agencies(user: User) -> list[Agency]:
    roles = role_map(user)
    if roles.is_superadmin and not roles.roles:
        return list(Agency.objects.filter(parent__isnull=True).order_by("path"))
    return list(Agency.objects.filter(pk__in=roles.agencies_with(Role.SUPERVISOR)).order_by("path"))
