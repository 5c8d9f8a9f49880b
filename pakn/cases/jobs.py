"""Periodic deadline work: reminders, escalation, progress updates, expiry, auto-close.

Every job claims each case with a conditional UPDATE and acts only when it changed exactly one
row, so overlapping scheduler runs (or two schedulers) never notify twice.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from django.db.models import F, Max
from django.utils import timezone

from pakn.accounts.models import Role, User
from pakn.core import workdays
from pakn.notifications.services import notify_users
from pakn.ops.scheduler import periodic

from . import deadlines
from .models import Case, DeadlinePolicy, Status
from .services import (
    _backoffice_link,
    _context,
    _officers,
    case_close,
    case_return_resolved_by_expiry,
)

ACTIVE = [Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.ANSWER_REVIEW]
LEADER_AFTER_DAYS = 0  # overdue at all: the leader hears of it
SUPERVISOR_AFTER_DAYS = 3  # overdue by this many working days: the parent's supervisors


def _send(case: Case, users: list[User], template: str, **extra: object) -> None:
    users = [u for u in users if u is not None]
    if users:
        link = _backoffice_link(case)
        notify_users(
            users=users,
            template=template,
            context=_context(case, link=link, **extra),
            case_ref=case.pk,
            link=link,
        )


def _responsible(case: Case) -> list[User]:
    return (
        [case.assignee] if case.assignee is not None else _officers(case.agency_id, (Role.INTAKE,))
    )


@periodic("cases.remind_due_soon", every=timedelta(minutes=15))
def remind_due_soon() -> int:
    now = timezone.now()
    widest = max(
        DeadlinePolicy.objects.aggregate(h=Max("due_soon_hours"))["h"] or 0,
        deadlines.DEFAULT.due_soon_hours,
        deadlines.URGENT_DEFAULT.due_soon_hours,
    )
    policy = lru_cache(maxsize=512)(
        lambda agency_id, kind, field_id, urgency: deadlines.policy_for(
            agency_id=agency_id, kind=kind, field_id=field_id, urgency=urgency
        )
    )
    sent = 0
    candidates = (
        Case.objects.filter(
            status__in=ACTIVE, due_at__gte=now, due_at__lt=now + timedelta(hours=widest)
        )
        .select_related("submission", "agency", "assignee")
        .order_by("due_at")
    )
    for case in candidates.iterator(chunk_size=500):
        hours = policy(
            case.agency_id, case.submission.kind, case.submission.field_id, case.urgency
        ).due_soon_hours
        if case.due_at is None or case.due_at - now > timedelta(hours=hours):
            continue
        if case.due_soon_notified_for == case.due_at:
            continue
        claimed = (
            Case.objects.filter(pk=case.pk, due_at=case.due_at)
            .exclude(due_soon_notified_for=case.due_at)
            .update(due_soon_notified_for=case.due_at)
        )
        if claimed == 1:
            _send(case, _responsible(case), "due_soon")
            sent += 1
    return sent


@periodic("cases.escalate_overdue", every=timedelta(minutes=15))
def escalate_overdue() -> int:
    """Level 1 on the first overdue run: the assignee and the agency's leaders; level 2 after
    SUPERVISOR_AFTER_DAYS more working days: the supervisors of the parent agency."""
    now = timezone.now()
    sent = 0
    overdue = (
        Case.objects.filter(status__in=ACTIVE, due_at__lt=now, escalation_level__lt=2)
        .select_related("submission", "agency", "assignee")
        .order_by("due_at")
    )
    for case in overdue.iterator(chunk_size=500):
        assert case.due_at is not None
        late = workdays.working_days_overdue(case.due_at, now)
        target = 2 if late >= SUPERVISOR_AFTER_DAYS and case.agency.parent_id else 1
        if target <= case.escalation_level:
            continue
        policy = deadlines.policy_for_case(case)
        fields = {"escalation_level": target, "escalated_for": case.due_at}
        if case.escalation_level == 0:
            fields["progress_due_at"] = deadlines.progress_due(case.due_at, policy)
        claimed = Case.objects.filter(
            pk=case.pk, escalation_level=case.escalation_level, due_at=case.due_at
        ).update(**fields)
        if claimed != 1:
            continue
        if case.escalation_level < 1 <= target:
            recipients = _responsible(case) + _officers(case.agency_id, (Role.LEADER,))
            _send(case, list(dict.fromkeys(recipients)), "overdue", days_overdue=late)
            sent += 1
        if target == 2:
            _send(
                case,
                _officers(case.agency.parent_id or 0, (Role.SUPERVISOR, Role.LEADER)),
                "escalated",
                days_overdue=late,
            )
            sent += 1
    return sent


@periodic("cases.escalate_screening_overdue", every=timedelta(minutes=15))
def escalate_screening_overdue() -> int:
    """A case nobody has screened (accepted, sent on or returned) by its screening deadline.

    Level 1 on the first late run: the agency's intake focal points and leaders (and the
    assignee, if there is one); level 2 after SUPERVISOR_AFTER_DAYS more working days: the
    supervisors and leaders of the parent agency. A level holds for the deadline it was reached
    for: a transfer or a pause that sets a new screening deadline starts again from level 0.
    """
    now = timezone.now()
    sent = 0
    late_cases = (
        Case.objects.filter(status=Status.SUBMITTED, screening_due_at__lt=now)
        .exclude(screening_escalation_level__gte=2, screening_escalated_for=F("screening_due_at"))
        .select_related("submission", "agency", "assignee")
        .order_by("screening_due_at")
    )
    for case in late_cases.iterator(chunk_size=500):
        due = case.screening_due_at
        assert due is not None
        level = case.screening_escalation_level if case.screening_escalated_for == due else 0
        late = workdays.working_days_overdue(due, now)
        target = 2 if late >= SUPERVISOR_AFTER_DAYS and case.agency.parent_id else 1
        if target <= level:
            continue
        claimed = Case.objects.filter(
            pk=case.pk,
            status=Status.SUBMITTED,
            screening_due_at=due,
            screening_escalation_level=case.screening_escalation_level,
            screening_escalated_for=case.screening_escalated_for,
        ).update(screening_escalation_level=target, screening_escalated_for=due)
        if claimed != 1:
            continue
        if level < 1:
            recipients = [case.assignee] if case.assignee is not None else []
            recipients += _officers(case.agency_id, (Role.INTAKE, Role.LEADER))
            _send(
                case,
                list(dict.fromkeys(recipients)),
                "screening_overdue",
                due_at=due,
                days_overdue=late,
            )
            sent += 1
        if target == 2:
            _send(
                case,
                _officers(case.agency.parent_id or 0, (Role.SUPERVISOR, Role.LEADER)),
                "screening_escalated",
                due_at=due,
                days_overdue=late,
            )
            sent += 1
    return sent


@periodic("cases.progress_reminders", every=timedelta(hours=1))
def progress_reminders() -> int:
    """An overdue case must show progress every N days; remind when it has not."""
    now = timezone.now()
    sent = 0
    for case in (
        Case.objects.filter(status__in=ACTIVE, due_at__lt=now, progress_due_at__lt=now)
        .select_related("submission", "agency", "assignee")
        .iterator(chunk_size=500)
    ):
        assert case.due_at is not None
        policy = deadlines.policy_for_case(case)
        claimed = Case.objects.filter(pk=case.pk, progress_due_at=case.progress_due_at).update(
            progress_due_at=deadlines.progress_due(now, policy)
        )
        if claimed == 1:
            _send(
                case,
                _responsible(case),
                "overdue",
                days_overdue=workdays.working_days_overdue(case.due_at, now),
            )
            sent += 1
    return sent


@periodic("cases.expire_info_requests", every=timedelta(hours=1))
def expire_info_requests() -> int:
    """No answer from the submitter within the allowed working days: the case is returned."""
    now = timezone.now()
    expired = 0
    for case in Case.objects.filter(
        status=Status.NEEDS_INFO,
        info_requests__answered_at__isnull=True,
        info_requests__expires_at__lt=now,
    ).distinct():
        if case_return_resolved_by_expiry(case=case):
            expired += 1
    return expired


@periodic("cases.auto_close", every=timedelta(hours=1))
def auto_close() -> int:
    """Answered cases whose dispute window has passed are closed."""
    closed = 0
    for case in Case.objects.filter(
        status__in=[Status.ANSWERED, Status.PUBLISHED], dispute_until__lt=timezone.now()
    ).only("pk"):
        try:
            case_close(case=case, actor=None, reason="Hết thời hạn phản hồi kết quả.")
            closed += 1
        except Exception:  # noqa: S112 - a concurrent change moved it; the next run decides
            continue
    return closed
