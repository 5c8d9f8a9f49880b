from __future__ import annotations

import pytest
from django.utils import timezone

from pakn.core.inserts import insert
from pakn.ops.models import Step, StepStatus

pytestmark = pytest.mark.django_db


def test_insert_writes_what_save_would_and_sets_the_keys():
    before = timezone.now()
    steps = [Step(name="a", payload={"tên": "Nguyễn", "n": 1}), Step(name="b", max_attempts=3)]
    insert(steps)
    assert [s.pk for s in steps] == list(Step.objects.order_by("pk").values_list("pk", flat=True))
    a, b = Step.objects.order_by("pk")
    assert (a.name, a.payload, a.status, a.attempts) == (
        "a",
        {"tên": "Nguyễn", "n": 1},
        "pending",
        0,
    )
    assert (b.name, b.max_attempts, b.status) == ("b", 3, StepStatus.PENDING)
    assert a.created_at >= before and a.run_after >= before  # auto_now_add and defaults
    assert not steps[0]._state.adding


def test_insert_takes_the_key_of_a_related_row_saved_after_assignment(world):
    from pakn.cases.models import Case

    case = world.new_case()
    submission = case.submission
    submission.pk = None
    submission.tracking_code, submission.idempotency_key = "TESTCODE1", None
    copy = Case(agency=world.a)
    copy.submission = submission  # not saved yet
    insert([submission])
    insert([copy])
    assert Case.objects.get(pk=copy.pk).submission_id == submission.pk
