"""Durable background steps (transactional outbox) with retries.

Apps register handlers by name at import time (``@step("cases.classify")``); a service calls
:func:`schedule` inside its transaction; after commit the step is handed to the task worker.
If the process dies before that, the scheduler's :func:`sweep` finds the step and enqueues it.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import router, transaction
from django.utils import timezone

from pakn.core.inserts import insert

from .models import Step, StepStatus

log = logging.getLogger(__name__)

Handler = Callable[..., None]
_HANDLERS: dict[str, Handler] = {}
# Handlers that manage their own short transactions: they make network calls, which must not
# hold a database transaction (and on SQLite the whole database's write lock) while they wait.
_OWN_TRANSACTIONS: set[str] = set()
BACKOFF_BASE_SECONDS = 30
SECRET_KEYS = {"token"}
BACKOFF_MAX_SECONDS = 6 * 3600


def step(name: str, *, atomic: bool = True) -> Callable[[Handler], Handler]:
    """Register a handler. With ``atomic=False`` it runs outside a transaction and must open
    its own around each write (an HTTP call in between holds no lock)."""

    def register(func: Handler) -> Handler:
        _HANDLERS[name] = func
        if not atomic:
            _OWN_TRANSACTIONS.add(name)
        return func

    return register


def schedule(name: str, *, max_attempts: int = 8, **payload: Any) -> Step:
    """Record a step in the current transaction and enqueue it once the transaction commits."""
    if name not in _HANDLERS:
        raise KeyError(f"Unknown background step {name!r}")
    created = Step.objects.create(name=name, payload=payload, max_attempts=max_attempts)
    _enqueue_after_commit(created.pk)
    return created


def schedule_many(entries: list[tuple[str, dict[str, Any]]], *, max_attempts: int = 8) -> None:
    """Record several steps with one INSERT and hand them to the worker as one task.

    When the task queue lives in the same database (django-tasks-db), the task row is written
    in the current transaction itself: steps and task commit together, and nothing is left to
    write after the commit. Otherwise the task is enqueued after commit, like :func:`schedule`.
    """
    for name, _payload in entries:
        if name not in _HANDLERS:
            raise KeyError(f"Unknown background step {name!r}")
    using = router.db_for_write(Step)
    created = [
        Step(name=name, payload=payload, max_attempts=max_attempts) for name, payload in entries
    ]
    insert(created, using=using)
    ids = [s.pk for s in created]
    if transaction.get_connection(using).in_atomic_block and _queue_is_in(using):
        from .tasks import run_steps_task

        # No try/except: a failed INSERT here fails the transaction, so nothing is acknowledged.
        run_steps_task.enqueue(ids)
        return
    for step_id in ids:
        _enqueue_after_commit(step_id)


def _queue_is_in(using: str) -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from .tasks import run_steps_task

    backend = run_steps_task.get_backend()
    return isinstance(backend, DatabaseBackend) and router.db_for_write(DBTaskResult) == using


_batch = threading.local()


class _Batch:
    """The steps scheduled in one transaction, handed to the worker as one task after commit."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def __call__(self) -> None:
        if getattr(_batch, "current", None) is self:
            _batch.current = None
        if self.ids:
            enqueue_many(self.ids)


def _enqueue_after_commit(step_id: int) -> None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        enqueue_many([step_id])
        return
    batch = getattr(_batch, "current", None)
    # A rolled-back transaction drops its callbacks, and with them an open batch.
    if batch is None or not any(entry[1] is batch for entry in connection.run_on_commit):
        batch = _batch.current = _Batch()
        transaction.on_commit(batch)
    batch.ids.append(step_id)


def enqueue(step_id: int) -> None:
    enqueue_many([step_id])


def enqueue_many(step_ids: list[int]) -> None:
    from .tasks import run_steps_task

    try:
        run_steps_task.enqueue(step_ids)
    except Exception:
        # The rows are safe in the database; the scheduler's sweep will pick them up.
        log.exception("could not enqueue steps %s; the sweep will retry", step_ids)


def _lease() -> timedelta:
    """How long a running step is reserved; after that a crashed worker's step is taken back."""
    return timedelta(seconds=settings.PAKN_STEP_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    return timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    )


def run_step(step_id: int) -> str:
    """Claim and run one step; returns its status afterwards. Safe to call twice at once."""
    now = timezone.now()
    claimed = (
        Step.objects.filter(pk=step_id, status=StepStatus.PENDING, run_after__lte=now)
        .filter(_lease_free(now))
        .update(status=StepStatus.RUNNING, locked_until=now + _lease())
    )
    if claimed != 1:
        return "skipped"
    record = Step.objects.get(pk=step_id)
    record.attempts += 1
    try:
        handler = _HANDLERS[record.name]
        if record.name in _OWN_TRANSACTIONS:
            handler(**record.payload)
            _mark_done(record)
        else:
            with transaction.atomic():
                handler(**record.payload)
                # Marked done in the work's own transaction: a crash can no longer leave the
                # work committed and the step due to run again, and it saves a commit.
                _mark_done(record)
    except Exception as exc:
        record.last_error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
        if record.attempts >= record.max_attempts:
            record.status = StepStatus.FAILED
            log.error("step %s %s failed for good: %s", record.name, record.pk, record.last_error)
        else:
            record.status = StepStatus.PENDING
            record.run_after = timezone.now() + backoff(record.attempts)
            log.warning(
                "step %s %s failed, will retry: %s", record.name, record.pk, record.last_error
            )
        record.locked_until = None
        record.save(update_fields=["attempts", "status", "run_after", "last_error", "locked_until"])
    return record.status


def _mark_done(record: Step) -> None:
    record.status = StepStatus.DONE
    record.finished_at = timezone.now()
    # Secrets a step needed (an acknowledgment's access token) are not kept once it is done.
    record.payload = {k: v for k, v in record.payload.items() if k not in SECRET_KEYS}
    record.locked_until = None
    record.last_error = ""
    record.save(
        update_fields=["attempts", "status", "finished_at", "locked_until", "last_error", "payload"]
    )


def _lease_free(now: Any) -> Any:
    from django.db.models import Q

    return Q(locked_until__isnull=True) | Q(locked_until__lt=now)


def sweep(*, limit: int = 500) -> int:
    """Re-enqueue due pending steps and release steps whose worker died mid-run."""
    now = timezone.now()
    Step.objects.filter(status=StepStatus.RUNNING, locked_until__lt=now).update(
        status=StepStatus.PENDING, locked_until=None
    )
    ids = list(
        Step.objects.filter(status=StepStatus.PENDING, run_after__lte=now)
        .filter(_lease_free(now))
        .order_by("run_after")
        .values_list("pk", flat=True)[:limit]
    )
    for start in range(0, len(ids), 50):
        enqueue_many(ids[start : start + 50])
    return len(ids)


def run_pending_now() -> int:
    """Run every due step in this process (tests, management commands, the embedded demo)."""
    done = 0
    for step_id in Step.objects.filter(
        status=StepStatus.PENDING, run_after__lte=timezone.now()
    ).values_list("pk", flat=True):
        run_step(step_id)
        done += 1
    return done
