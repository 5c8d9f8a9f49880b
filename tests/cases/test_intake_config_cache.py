"""Routing rules, deadline policies and the default agency are kept per process; an edit must
still reach the very next intake (pakn.core.memo)."""

from __future__ import annotations

import pytest
from django.db import transaction

from pakn.cases.models import DeadlinePolicy, RoutingRule
from pakn.core import memo, workdays
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_edited_routing_rule_is_used_by_the_next_intake(world):
    assert world.new_case().agency == world.a
    rule = RoutingRule.objects.get(field_id=world.field_id)
    rule.agency = world.b
    rule.save()
    assert world.new_case().agency == world.b


def test_new_and_deleted_rules_are_seen_by_the_next_intake(world):
    assert world.new_case().agency == world.a
    other = AgencyFactory(code="so-moi")
    RoutingRule.objects.create(field_id=world.field_id, agency=other, priority=5)
    assert world.new_case().agency == other
    RoutingRule.objects.filter(field_id=world.field_id).delete()
    assert world.new_case().agency != other


def test_deactivated_agency_stops_receiving_at_once(world):
    assert world.new_case().agency == world.a
    world.a.is_active = False
    world.a.save()
    assert world.new_case().agency != world.a


def test_edited_deadline_policy_is_used_by_the_next_intake(world):
    first = world.new_case()
    policy = DeadlinePolicy.objects.create(agency=world.a, answer_days=2)
    second = world.new_case()
    assert second.due_at == workdays.add_working_days(second.received_at, 2)
    assert second.due_at < first.due_at
    policy.answer_days = 30
    policy.save()
    third = world.new_case()
    assert third.due_at == workdays.add_working_days(third.received_at, 30)


def test_closed_and_reopened_field_is_seen_by_the_next_intake(world):
    from pakn.core.errors import ValidationFailed
    from pakn.taxonomy.models import Field

    world.new_case()
    field = Field.objects.get(pk=world.field_id)
    field.is_active = False
    field.save()
    with pytest.raises(ValidationFailed, match="Lĩnh vực"):
        world.new_case()
    field.is_active = True
    field.save()
    assert world.new_case().submission.field_id == field.pk


def test_rolled_back_edit_is_not_kept(world):
    assert world.new_case().agency == world.a
    rule = RoutingRule.objects.get(field_id=world.field_id)
    with pytest.raises(RuntimeError), transaction.atomic():
        rule.agency = world.b
        rule.save()
        raise RuntimeError("admin cancelled")
    assert world.new_case().agency == world.a


def test_edit_made_by_another_process_is_seen_after_the_configured_seconds(
    world, settings, monkeypatch
):
    settings.PAKN_CONFIG_CACHE_SECONDS = 30
    clock = [1000.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock[0])
    assert world.new_case().agency == world.a
    # Another process's edit: no signal reaches this one.
    RoutingRule.objects.filter(field_id=world.field_id).update(agency=world.b)
    clock[0] += 29
    assert world.new_case().agency == world.a
    clock[0] += 2
    assert world.new_case().agency == world.b


def test_zero_seconds_reads_the_rules_every_time(world, settings):
    settings.PAKN_CONFIG_CACHE_SECONDS = 0
    assert world.new_case().agency == world.a
    RoutingRule.objects.filter(field_id=world.field_id).update(agency=world.b)
    assert world.new_case().agency == world.b
