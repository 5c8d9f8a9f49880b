"""Deadline policies and arithmetic in working days."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pakn.core import workdays
from pakn.core.memo import ProcessMemo

from .models import DeadlinePolicy, Urgency


@dataclass(frozen=True)
class Policy:
    screening_days: int = 3
    answer_days: int = 20
    progress_interval_days: int = 7
    due_soon_hours: int = 48
    needs_info_return_days: int = 15
    dispute_days: int = 15


DEFAULT = Policy()
URGENT_DEFAULT = Policy(screening_days=1, answer_days=1, due_soon_hours=8)


def _load_policies(_key: Hashable) -> tuple[DeadlinePolicy, ...]:
    return tuple(DeadlinePolicy.objects.order_by("pk"))


# Read on every intake and deadline move; a handful of rows (see pakn.core.memo for when an
# admin's edit is seen).
_policies = ProcessMemo(_load_policies)


def policy_for(*, agency_id: int | None, kind: str, field_id: int | None, urgency: str) -> Policy:
    """The most specific active policy: agency > field > kind > urgency; else the defaults."""
    best: DeadlinePolicy | None = None
    best_score = -1
    for p in _policies.get():
        if (
            p.agency_id not in (None, agency_id)
            or p.kind not in ("", kind)
            or p.field_id not in (None, field_id)
            or p.urgency not in ("", urgency)
        ):
            continue
        score = (
            8 * (p.agency_id is not None)
            + 4 * (p.field_id is not None)
            + 2 * bool(p.kind)
            + bool(p.urgency)
        )
        if score > best_score:
            best, best_score = p, score
    if best is None:
        return URGENT_DEFAULT if urgency == Urgency.URGENT else DEFAULT
    return Policy(
        screening_days=best.screening_days,
        answer_days=best.answer_days,
        progress_interval_days=best.progress_interval_days,
        due_soon_hours=best.due_soon_hours,
        needs_info_return_days=best.needs_info_return_days,
        dispute_days=best.dispute_days,
    )


def policy_for_case(case: Any) -> Policy:
    submission = case.submission
    return policy_for(
        agency_id=case.agency_id,
        kind=submission.kind,
        field_id=submission.field_id,
        urgency=case.urgency,
    )


def initial_deadlines(received_at: datetime, policy: Policy) -> tuple[datetime, datetime]:
    """(screening deadline, answer deadline), both counted from receipt at the agency."""
    return (
        workdays.add_working_days(received_at, policy.screening_days),
        workdays.add_working_days(received_at, policy.answer_days),
    )


def shift_for_pause(
    deadline: datetime | None, paused_at: datetime, resumed_at: datetime
) -> datetime | None:
    """Move a deadline by the working days spent waiting for the submitter."""
    if deadline is None:
        return None
    paused_days = workdays.working_days_between(paused_at, resumed_at)
    if paused_days <= 0:
        return deadline
    return workdays.add_working_days(deadline, paused_days)


def progress_due(after: datetime, policy: Policy) -> datetime:
    return after + timedelta(days=policy.progress_interval_days)
