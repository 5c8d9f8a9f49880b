from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from pakn.cases import services as S
from pakn.cases.models import Case, DeadlinePolicy, Status
from pakn.core.errors import IllegalTransition, ValidationFailed
from tests.cases.conftest import drive

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(dt):
    return dt.astimezone(VN)


def test_default_answer_deadline_is_20_working_days(world):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):  # Monday
        case = world.new_case()
    assert local(case.due_at).date().isoformat() == "2026-03-30"  # 4 weeks and a day (Mon)
    assert local(case.due_at).hour == 23


def test_policy_per_agency_and_urgency(world):
    DeadlinePolicy.objects.create(agency=world.a, screening_days=2, answer_days=10)
    DeadlinePolicy.objects.create(agency=world.a, urgency="urgent", screening_days=1, answer_days=1)
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        normal = world.new_case()
        urgent = world.new_case(urgency="urgent")
    assert local(normal.due_at).date().isoformat() == "2026-03-16"
    assert local(urgent.due_at).date().isoformat() == "2026-03-03"


def test_needs_info_pauses_the_clock_and_resumes_it(world):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        case = drive(world, world.new_case(), "in_progress")
    due_before = case.due_at
    with time_machine.travel(datetime(2026, 3, 4, 9, 0, tzinfo=VN), tick=False):  # Wed
        S.case_request_info(case=case, actor=world.handler, question="Cho biết số nhà cụ thể.")
    paused = Case.objects.get(pk=case.pk)
    assert paused.status == Status.NEEDS_INFO and paused.paused_at is not None
    # While paused the case is never overdue, whatever the date.
    with time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=VN), tick=False):
        assert not Case.objects.overdue().filter(pk=case.pk).exists()
    with time_machine.travel(datetime(2026, 3, 11, 9, 0, tzinfo=VN), tick=False):  # next Wed
        S.submission_provide_info(case=paused, text="Số nhà 12, ngõ 3.")
    resumed = Case.objects.get(pk=case.pk)
    assert resumed.status == Status.IN_PROGRESS
    assert resumed.paused_at is None
    # 5 working days waited (Thu 5 → Wed 11) push the deadline by 5 working days.
    assert local(resumed.due_at).date().isoformat() == "2026-04-06"
    assert local(due_before).date().isoformat() == "2026-03-30"
    info = resumed.info_requests.get()
    assert info.answer == "Số nhà 12, ngõ 3."


def test_info_request_unanswered_returns_the_case(world):
    from pakn.cases.jobs import expire_info_requests

    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        case = world.new_case()
        S.case_request_info(case=case, actor=world.intake, question="Bổ sung ảnh hiện trường.")
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=VN), tick=False):
        assert expire_info_requests() == 0
    with time_machine.travel(datetime(2026, 4, 10, 9, 0, tzinfo=VN), tick=False):
        assert expire_info_requests() == 1
        assert expire_info_requests() == 0
    assert Case.objects.get(pk=case.pk).status == Status.RETURNED


def test_leader_extends_once_with_reason(world):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        case = drive(world, world.new_case(), "in_progress")
        with pytest.raises(ValidationFailed):
            S.case_extend(case=case, actor=world.leader, reason="", days=5)
        S.case_extend(case=case, actor=world.leader, reason="Cần khảo sát hiện trường.", days=5)
        extended = Case.objects.get(pk=case.pk)
        assert local(extended.due_at).date().isoformat() == "2026-04-06"
        assert extended.extension_reason == "Cần khảo sát hiện trường."
        with pytest.raises(IllegalTransition, match="một lần"):
            S.case_extend(case=extended, actor=world.leader, reason="Lần nữa", days=2)


def test_transfer_restarts_the_clock_at_the_receiving_agency(world):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        case = world.new_case()
    with time_machine.travel(datetime(2026, 3, 9, 9, 0, tzinfo=VN), tick=False):
        S.case_transfer(
            case=case, actor=world.intake, to_agency=world.b, reason="Thuộc thẩm quyền sở B."
        )
    moved = Case.objects.get(pk=case.pk)
    assert moved.agency == world.b and moved.status == Status.SUBMITTED
    assert local(moved.received_at).date().isoformat() == "2026-03-09"
    assert local(moved.due_at).date().isoformat() == "2026-04-06"


def test_overdue_and_due_within_querysets(world):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        case = world.new_case()
        # Screened: the answer deadline runs (an unscreened case runs against its screening
        # deadline, tests/cases/test_screening_deadline.py).
        S.case_accept(case=case, actor=world.intake)
        case.refresh_from_db()
    with time_machine.travel(case.due_at - timedelta(hours=10)):
        assert Case.objects.due_within(hours=24).filter(pk=case.pk).exists()
        assert not Case.objects.overdue().filter(pk=case.pk).exists()
    with time_machine.travel(case.due_at + timedelta(hours=1)):
        assert Case.objects.overdue().filter(pk=case.pk).exists()
