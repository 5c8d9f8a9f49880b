from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from pakn.ops import steps
from pakn.ops.models import Step, StepStatus

pytestmark = pytest.mark.django_db

CALLS: list[int] = []


@steps.step("tests.flaky")
def flaky(n: int, fail_times: int) -> None:
    CALLS.append(n)
    if len([c for c in CALLS if c == n]) <= fail_times:
        raise ConnectionError("dịch vụ tạm thời không phản hồi")


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()


def test_failed_step_is_retried_with_backoff_and_then_succeeds(
    django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        record = steps.schedule("tests.flaky", n=1, fail_times=1)
    assert steps.run_step(record.pk) == StepStatus.PENDING
    record.refresh_from_db()
    assert record.attempts == 1 and "tạm thời" in record.last_error
    assert steps.run_step(record.pk) == "skipped"  # not due yet: backoff
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert steps.run_step(record.pk) == StepStatus.DONE
    assert CALLS == [1, 1]


def test_step_gives_up_after_max_attempts():
    record = steps.schedule("tests.flaky", n=2, fail_times=99, max_attempts=2)
    steps.run_step(record.pk)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert steps.run_step(record.pk) == StepStatus.FAILED


def test_a_step_runs_once_even_if_run_twice():
    record = steps.schedule("tests.flaky", n=3, fail_times=0)
    assert steps.run_step(record.pk) == StepStatus.DONE
    assert steps.run_step(record.pk) == "skipped"
    assert CALLS == [3]


def test_sweep_releases_steps_of_a_dead_worker_and_requeues_them(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    record = steps.schedule("tests.flaky", n=4, fail_times=0)
    Step.objects.filter(pk=record.pk).update(
        status=StepStatus.RUNNING, locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert steps.sweep() == 1
    assert steps.run_step(record.pk) == StepStatus.DONE


def test_unknown_step_name_is_refused():
    with pytest.raises(KeyError):
        steps.schedule("tests.nope")


def test_retention_removes_old_finished_steps_only():
    from pakn.ops.jobs import prune_finished_work

    old = steps.schedule("tests.flaky", n=5, fail_times=0)
    steps.run_step(old.pk)
    Step.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=31))
    recent = steps.schedule("tests.flaky", n=6, fail_times=0)
    steps.run_step(recent.pk)
    pending = steps.schedule("tests.flaky", n=7, fail_times=0)
    assert prune_finished_work() == 1
    assert set(Step.objects.values_list("pk", flat=True)) == {recent.pk, pending.pk}


def test_steps_of_one_transaction_are_enqueued_as_one_task(
    django_capture_on_commit_callbacks, monkeypatch
):
    from django.db import transaction

    sent = []
    monkeypatch.setattr(steps, "enqueue_many", lambda ids: sent.append(list(ids)))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        a = steps.schedule("tests.flaky", n=8, fail_times=0)
        b = steps.schedule("tests.flaky", n=9, fail_times=0)
    assert sent == [[a.pk, b.pk]]


def test_a_rolled_back_transaction_does_not_swallow_later_steps(
    django_capture_on_commit_callbacks, monkeypatch
):
    from django.db import transaction

    sent = []
    monkeypatch.setattr(steps, "enqueue_many", lambda ids: sent.append(list(ids)))
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            steps.schedule("tests.flaky", n=10, fail_times=0)
            raise RuntimeError("rollback")
        with transaction.atomic():
            kept = steps.schedule("tests.flaky", n=11, fail_times=0)
    assert sent == [[kept.pk]]


def test_schedule_many_writes_its_steps_and_their_one_task_in_the_transaction(
    django_capture_on_commit_callbacks,
):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        steps.schedule_many(
            [
                ("tests.flaky", {"n": 12, "fail_times": 0}),
                ("tests.flaky", {"n": 13, "fail_times": 0}),
            ]
        )
        ids = list(Step.objects.order_by("pk").values_list("pk", flat=True))
        task = DBTaskResult.objects.get()  # before commit: it commits with the steps or not at all
    assert task.args_kwargs["args"] == [ids]
    assert callbacks == []  # nothing left to write after the commit
    assert [steps.run_step(i) for i in ids] == ["done", "done"]


def test_schedule_many_rolled_back_leaves_neither_steps_nor_task():
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    with pytest.raises(RuntimeError), transaction.atomic():
        steps.schedule_many([("tests.flaky", {"n": 14, "fail_times": 0})])
        raise RuntimeError("rollback")
    assert (Step.objects.count(), DBTaskResult.objects.count()) == (0, 0)


def test_schedule_many_with_another_queue_enqueues_after_commit(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    from django.db import transaction

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    sent = []
    monkeypatch.setattr(steps, "enqueue_many", lambda ids: sent.append(list(ids)))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        steps.schedule_many(
            [
                ("tests.flaky", {"n": 15, "fail_times": 0}),
                ("tests.flaky", {"n": 16, "fail_times": 0}),
            ]
        )
        assert sent == []
    assert sent == [list(Step.objects.order_by("pk").values_list("pk", flat=True))]


def test_schedule_many_refuses_an_unknown_step():
    with pytest.raises(KeyError):
        steps.schedule_many([("tests.nope", {})])
    assert Step.objects.count() == 0


@steps.step("tests.writes")
def writes(n: int) -> None:
    steps.schedule("tests.flaky", n=n, fail_times=0)  # any row written by the work


def test_the_work_and_its_done_mark_commit_together(monkeypatch):
    """If the step cannot be marked done, its work is rolled back too and the step is retried,
    instead of the work being kept and then done a second time."""
    record = steps.schedule("tests.writes", n=5)

    def lost(_record):
        raise ConnectionError("mất kết nối khi ghi trạng thái")

    monkeypatch.setattr(steps, "_mark_done", lost)
    assert steps.run_step(record.pk) == StepStatus.PENDING
    assert not Step.objects.filter(name="tests.flaky").exists()
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert steps.run_step(record.pk) == StepStatus.DONE
    assert Step.objects.filter(name="tests.flaky").count() == 1
