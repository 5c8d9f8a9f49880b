from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from pakn.cases.log import verify_chain
from pakn.cases.models import CaseEvent, CaseLogImmutable
from tests.cases.conftest import drive

pytestmark = pytest.mark.django_db


def _raw_update(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # bypass the trigger
        cursor.execute(sql, params)


def test_every_change_is_logged_with_a_valid_chain(world):
    case = drive(world, world.new_case(), "closed")
    actions = list(case.events.order_by("seq").values_list("action", flat=True))
    assert actions == [
        "submitted",
        "accept",
        "assign",
        "draft_answer",
        "approve_answer",
        "publish",
        "close",
    ]
    assert verify_chain() is None
    call_command("verify_case_log")


def test_orm_refuses_to_edit_or_delete_log_lines(world):
    event = world.new_case().events.get()
    event.reason = "sửa"
    with pytest.raises(CaseLogImmutable):
        event.save()
    with pytest.raises(CaseLogImmutable):
        event.delete()
    with pytest.raises(CaseLogImmutable):
        CaseEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(CaseLogImmutable):
        CaseEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger on PostgreSQL")
def test_postgresql_trigger_refuses_raw_update(world):
    from django.db import DatabaseError

    event = world.new_case().events.get()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE cases_caseevent SET reason = 'x' WHERE id = %s", [event.pk])


def test_tampered_event_is_detected_by_verify_case_log(world):
    case = drive(world, world.new_case(), "answered")
    third = case.events.get(seq=3)
    _raw_update("UPDATE cases_caseevent SET reason = %s WHERE id = %s", ["đã bị sửa", third.pk])
    broken = verify_chain()
    assert (broken.case_id, broken.seq) == (case.pk, 3)
    with pytest.raises(CommandError, match=f"#{case.pk} hỏng tại dòng 3"):
        call_command("verify_case_log")


def test_deleted_last_event_is_detected(world):
    case = drive(world, world.new_case(), "in_progress")
    last = case.events.order_by("-seq").first()
    _raw_update("DELETE FROM cases_caseevent WHERE id = %s", [last.pk])
    broken = verify_chain()
    assert broken is not None and broken.case_id == case.pk


def test_append_on_a_stale_copy_of_the_case_is_refused_and_the_chain_stays_valid(world):
    from pakn.cases.log import ConcurrentChange, append_event
    from pakn.cases.models import Case

    case = world.new_case()
    stale = Case.objects.get(pk=case.pk)
    append_event(case=case, action="note", reason="người thứ nhất")
    with pytest.raises(ConcurrentChange):
        append_event(case=stale, action="note", reason="người thứ hai")
    case.refresh_from_db()
    assert (case.log_seq, case.events.count()) == (2, 2)
    assert case.log_head == case.events.get(seq=2).hash
    assert verify_chain([case.pk]) is None
