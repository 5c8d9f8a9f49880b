from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from pakn.cases import services as S
from pakn.cases.models import Case

pytestmark = pytest.mark.django_db


def visible(user):
    return set(Case.objects.visible_to(user).values_list("pk", flat=True))


def test_officer_sees_own_agency_only_and_supervisor_sees_subtree(world):
    mine = world.new_case()
    other = world.new_case(field_id=None)  # no rule: default agency (root)
    assert mine.agency == world.a and other.agency == world.root
    assert visible(world.handler) == {mine.pk}
    assert visible(world.handler_b) == set()
    assert visible(world.supervisor) == {mine.pk}
    assert visible(world.superadmin) == {mine.pk, other.pk}
    assert visible(world.citizen) == set()
    assert visible(AnonymousUser()) == set()


def test_coordinating_agency_sees_the_case(world):
    from tests.cases.conftest import drive

    case = drive(world, world.new_case(), "in_progress")
    assert case.pk not in visible(world.handler_b)
    S.case_coordinate(case=case, actor=world.handler, agencies=[world.b], question="Cho ý kiến.")
    assert case.pk in visible(world.handler_b)
    request = case.coordinations.get()
    S.coordination_respond(request=request, actor=world.intake_b, response="Sở B thống nhất.")
    request.refresh_from_db()
    assert request.response == "Sở B thống nhất."
    assert case.events.filter(action="coordination_response").exists()


def test_visible_to_is_one_query(world, django_assert_num_queries):
    world.new_case()
    user = type(world.supervisor).objects.get(pk=world.supervisor.pk)
    with django_assert_num_queries(2):  # memberships once, then the cases
        list(Case.objects.visible_to(user))
