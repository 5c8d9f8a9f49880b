"""The append-only, hash-chained case log.

Each event's hash covers its content and the previous event's hash (per case), so editing or
removing a line breaks the chain from that line on. Writers hold the case row lock
(``select_for_update``) while appending, which serialises ``seq`` per case.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connections, router
from django.utils import timezone

from pakn.core.errors import DomainError
from pakn.core.inserts import insert

from .models import Case, CaseEvent

GENESIS = "0" * 64

EventHook = Callable[[CaseEvent], None]
_event_hooks: dict[str, EventHook] = {}


def register_event_hook(name: str, hook: EventHook) -> None:
    """Higher layers (federation) learn of every appended event without cases importing them.

    A hook runs inside the appending transaction, right after the event row is written, so the
    work it schedules as a durable step commits (or rolls back) together with the event. It must
    stay cheap: it runs on every event, the citizen's intake included.
    """
    _event_hooks[name] = hook


class ConcurrentChange(DomainError):
    code = "conflict"
    http_status = 409


def _canonical(event: CaseEvent) -> bytes:
    created = event.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    doc = {
        "case": event.case_id,
        "seq": event.seq,
        "action": event.action,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "agency": event.agency_id,
        "from": event.from_status,
        "to": event.to_status,
        "reason": event.reason,
        "data": event.data,
        "public": event.is_public,
        "at": created,
        "prev": event.prev_hash,
    }
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(event: CaseEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def append_event(
    *,
    case: Case,
    action: str,
    actor: Any = None,
    actor_label: str = "",
    agency: Any = None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    is_public: bool = False,
    created_at: datetime | None = None,
) -> CaseEvent:
    """Append one event and move the case's log head, refusing a concurrent append."""
    previous = (case.log_seq, case.log_head or GENESIS)
    event = CaseEvent(
        case=case,
        seq=previous[0] + 1,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label or (str(actor) if getattr(actor, "pk", None) else "Hệ thống"),
        agency=agency,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=json.loads(json.dumps(data or {}, default=str)),
        is_public=is_public,
        created_at=created_at or timezone.now(),
        prev_hash=previous[1],
    )
    event.hash = event_hash(event)
    if _move_head(case, seq=event.seq, head=event.hash) != 1:
        raise ConcurrentChange("Hồ sơ vừa được người khác cập nhật; vui lòng tải lại và thử lại.")
    # CaseEvent.save() only refuses edits; a new event is a plain insert.
    insert([event])
    case.log_seq, case.log_head = event.seq, event.hash
    for hook in _event_hooks.values():
        hook(event)
    return event


def _move_head(case: Case, *, seq: int, head: str) -> int:
    """Compare-and-set of the case's log head; the rows changed (0: someone appended first).

    The same UPDATE the ORM would write, without compiling a queryset on every event."""
    using = router.db_for_write(Case)
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Case._meta.db_table)} SET {quote('log_seq')} = %s, "  # noqa: S608 - quoted names, values as parameters  # nosec B608
            f"{quote('log_head')} = %s WHERE {quote('id')} = %s AND {quote('log_seq')} = %s",
            [seq, head, case.pk, case.log_seq],
        )
        return int(cursor.rowcount)


@dataclass(frozen=True)
class BrokenLink:
    case_id: int
    seq: int
    problem: str


def verify_chain(case_ids: list[int] | None = None) -> BrokenLink | None:
    """Walk every case's chain in order; return the first broken link, or None."""
    events = CaseEvent.objects.order_by("case_id", "seq")
    if case_ids is not None:
        events = events.filter(case_id__in=case_ids)
    heads = Case.objects.filter(log_seq__gt=0)
    if case_ids is not None:
        heads = heads.filter(pk__in=case_ids)
    head_of = dict(heads.values_list("pk", "log_seq"))
    current_case = None
    expected_prev = GENESIS
    expected_seq = 1
    for event in events.iterator(chunk_size=2000):
        if event.case_id != current_case:
            if current_case is not None and head_of.pop(current_case, 0) != expected_seq - 1:
                return BrokenLink(current_case, expected_seq, "mất các dòng nhật ký cuối")
            current_case, expected_prev, expected_seq = event.case_id, GENESIS, 1
        if event.seq != expected_seq:
            return BrokenLink(event.case_id, event.seq, f"thiếu dòng nhật ký số {expected_seq}")
        if event.prev_hash != expected_prev:
            return BrokenLink(event.case_id, event.seq, "liên kết với dòng trước bị thay đổi")
        if event_hash(event) != event.hash:
            return BrokenLink(event.case_id, event.seq, "nội dung dòng nhật ký bị sửa")
        expected_prev, expected_seq = event.hash, expected_seq + 1
    if current_case is not None and head_of.pop(current_case, 0) != expected_seq - 1:
        return BrokenLink(current_case, expected_seq, "mất các dòng nhật ký cuối")
    for case_id, seq in sorted(head_of.items()):
        return BrokenLink(case_id, 1, f"mất toàn bộ {seq} dòng nhật ký")
    return None
