from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from pakn.accounts.models import Membership, Role
from pakn.cases import jobs
from pakn.cases import services as S
from pakn.cases.models import Case
from pakn.notifications.models import Notification
from tests.cases.conftest import drive
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def in_app(template, user):
    return Notification.objects.filter(template=template, recipient=user, channel="in_app").count()


@pytest.fixture
def late_case(world):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        return drive(world, world.new_case(), "in_progress")


def test_due_soon_reminder_is_sent_once_even_when_runs_overlap(world, late_case):
    with time_machine.travel(late_case.due_at - timedelta(hours=20)):
        assert jobs.remind_due_soon() == 1
        assert jobs.remind_due_soon() == 0
    assert in_app("due_soon", world.handler) == 1


def test_escalation_assignee_then_leader_then_parent_supervisor_without_duplicates(
    world, late_case
):
    parent_leader = UserFactory(username="parent-leader")
    Membership.objects.create(user=parent_leader, agency=world.parent, role=Role.LEADER)
    with time_machine.travel(late_case.due_at + timedelta(hours=2)):
        assert jobs.escalate_overdue() == 1
        assert jobs.escalate_overdue() == 0  # overlapping second run: nothing more
    assert in_app("overdue", world.handler) == 1
    assert in_app("overdue", world.leader) == 1
    assert in_app("escalated", world.supervisor) == 0
    with time_machine.travel(late_case.due_at + timedelta(days=7)):
        assert jobs.escalate_overdue() == 1
        assert jobs.escalate_overdue() == 0
    assert in_app("escalated", world.supervisor) == 1
    assert in_app("escalated", parent_leader) == 1
    assert in_app("overdue", world.handler) == 1
    assert Case.objects.get(pk=late_case.pk).escalation_level == 2


def test_claims_are_race_safe_when_two_schedulers_read_the_same_rows(world, late_case):
    """Two runs that read the case before either writes: the conditional UPDATE lets one win."""
    original = jobs._send
    calls = []

    def send_and_run_again(case, users, template, **extra):
        calls.append(template)
        original(case, users, template, **extra)

    jobs._send = send_and_run_again
    try:
        with time_machine.travel(late_case.due_at + timedelta(hours=2)):
            stale = list(Case.objects.filter(pk=late_case.pk))
            assert jobs.escalate_overdue() == 1
            # a second scheduler acting on its stale read must lose the claim
            claimed = Case.objects.filter(
                pk=stale[0].pk, escalation_level=stale[0].escalation_level, due_at=stale[0].due_at
            ).update(escalation_level=1)
            assert claimed == 0
    finally:
        jobs._send = original
    assert calls == ["overdue"]


def test_overdue_case_needs_progress_update_every_7_days(world, late_case):
    with time_machine.travel(late_case.due_at + timedelta(hours=2)):
        jobs.escalate_overdue()
    progress_due = Case.objects.get(pk=late_case.pk).progress_due_at
    assert progress_due == late_case.due_at + timedelta(days=7)
    with time_machine.travel(progress_due + timedelta(hours=1)):
        assert jobs.progress_reminders() == 1
        assert jobs.progress_reminders() == 0
    with time_machine.travel(progress_due + timedelta(days=2)):
        S.case_note(
            case=late_case,
            actor=world.handler,
            text="Đã làm việc với đơn vị thu gom.",
            progress=True,
        )
        assert Case.objects.get(pk=late_case.pk).progress_due_at > progress_due + timedelta(days=8)


def test_extension_rearms_reminders(world, late_case):
    with time_machine.travel(late_case.due_at - timedelta(hours=20)):
        assert jobs.remind_due_soon() == 1
        S.case_extend(case=late_case, actor=world.leader, reason="Chờ kết quả kiểm nghiệm.", days=5)
    new_due = Case.objects.get(pk=late_case.pk).due_at
    with time_machine.travel(new_due - timedelta(hours=20)):
        assert jobs.remind_due_soon() == 1


def test_answered_case_closes_after_dispute_window(world):
    case = drive(world, world.new_case(), "answered")
    with time_machine.travel(case.dispute_until + timedelta(hours=1)):
        assert jobs.auto_close() == 1
    assert Case.objects.get(pk=case.pk).status == "closed"


@pytest.fixture
def unscreened(world):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        return world.new_case()


def test_unscreened_case_goes_to_intake_and_leader_then_to_the_parent_once_each(world, unscreened):
    assert unscreened.status == "submitted" and unscreened.screening_due_at < unscreened.due_at
    with time_machine.travel(unscreened.screening_due_at - timedelta(minutes=5)):
        assert jobs.escalate_screening_overdue() == 0  # not late yet
    with time_machine.travel(unscreened.screening_due_at + timedelta(hours=2)):
        assert jobs.escalate_screening_overdue() == 1
        assert jobs.escalate_screening_overdue() == 0  # a second run sends nothing more
    assert in_app("screening_overdue", world.intake) == 1
    assert in_app("screening_overdue", world.leader) == 1
    assert in_app("screening_overdue", world.handler) == 0  # nobody assigned it yet
    assert in_app("screening_escalated", world.supervisor) == 0
    note = Notification.objects.get(
        template="screening_overdue", recipient=world.intake, channel="in_app"
    )
    assert "quá hạn tiếp nhận" in note.subject
    with time_machine.travel(unscreened.screening_due_at + timedelta(days=7)):
        assert jobs.escalate_screening_overdue() == 1
        assert jobs.escalate_screening_overdue() == 0
    assert in_app("screening_escalated", world.supervisor) == 1
    assert in_app("screening_overdue", world.intake) == 1
    case = Case.objects.get(pk=unscreened.pk)
    assert (case.screening_escalation_level, case.screening_escalated_for) == (
        2,
        unscreened.screening_due_at,
    )
    # Its answer deadline has not passed: the answer-deadline escalation has nothing to say.
    assert in_app("overdue", world.intake) == 0


def test_a_case_screened_in_time_is_never_escalated_for_screening(world, unscreened):
    with time_machine.travel(unscreened.screening_due_at - timedelta(hours=1)):
        S.case_accept(case=unscreened, actor=world.intake)
    with time_machine.travel(unscreened.screening_due_at + timedelta(days=7)):
        assert jobs.escalate_screening_overdue() == 0
    assert not Notification.objects.filter(template__startswith="screening_").exists()


def test_a_transfer_sets_a_new_screening_deadline_and_escalation_starts_again(world, unscreened):
    with time_machine.travel(unscreened.screening_due_at + timedelta(hours=2)):
        assert jobs.escalate_screening_overdue() == 1
        S.case_transfer(
            case=unscreened, actor=world.intake, to_agency=world.b, reason="Không thuộc thẩm quyền."
        )
    moved = Case.objects.get(pk=unscreened.pk)
    assert moved.screening_escalation_level == 0
    assert moved.screening_due_at > unscreened.screening_due_at
    with time_machine.travel(moved.screening_due_at + timedelta(hours=2)):
        assert jobs.escalate_screening_overdue() == 1
    assert in_app("screening_overdue", world.intake_b) == 1
    assert in_app("screening_overdue", world.intake) == 1  # from the first agency only


def test_the_upgrade_does_not_escalate_the_backlog_at_once(world, unscreened):
    """Migration cases 0008 marks cases already late as escalated; later deadlines escalate."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("pakn.cases.migrations.0008_screening_escalation")
    with time_machine.travel(unscreened.screening_due_at + timedelta(hours=2)):
        on_time = world.new_case()
        migration.quiet_the_backlog(apps, None)
        assert jobs.escalate_screening_overdue() == 0
    with time_machine.travel(on_time.screening_due_at + timedelta(hours=2)):
        assert jobs.escalate_screening_overdue() == 1
    assert Notification.objects.filter(
        template="screening_overdue", case_ref=on_time.pk, recipient=world.intake
    ).exists()
    assert not Notification.objects.filter(
        case_ref=unscreened.pk, template__startswith="scr"
    ).exists()
