"""The query shapes the 1M-case benchmark needs: indexes exist, and on PostgreSQL the
"own agency or coordinating" visibility test is indexable."""

from __future__ import annotations

import pytest
from django.db import connection

from pakn.cases.models import Case
from pakn.cases.services import case_coordinate
from tests.cases.conftest import World, drive

pytestmark = pytest.mark.django_db


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "cases_case")
        constraints |= connection.introspection.get_constraints(cursor, "submissions_submission")
    return set(constraints)


def test_list_indexes_exist() -> None:
    names = index_names()
    assert {"cases_received_id", "cases_public_published"} <= names
    if connection.vendor == "postgresql":
        assert {"cases_public_search_trgm", "submissions_search_trgm"} <= names


def test_visibility_is_one_indexable_condition_and_keeps_coordination(world: World) -> None:
    mine = world.new_case()
    elsewhere = drive(world, world.new_case(), "in_progress")
    case_coordinate(
        case=elsewhere, actor=world.handler, agencies=[world.b], question="Ý kiến về tuyến đường?"
    )
    visible = Case.objects.visible_to(world.handler_b)
    sql = str(visible.query)
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql and "EXISTS" not in sql
    assert elsewhere.pk in set(visible.values_list("pk", flat=True))
    assert mine.pk not in set(visible.values_list("pk", flat=True))
