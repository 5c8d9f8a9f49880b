"""A case waiting to be screened runs against its screening deadline (3 working days by
default), not the 20-day answer deadline: past it, it is overdue everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from pakn.backoffice.selectors import deadline_badge
from pakn.cases import services as S
from pakn.cases.models import Case
from tests.api.conftest import Api
from tests.world import World

pytestmark = pytest.mark.django_db


def test_unscreened_case_past_its_screening_deadline_is_overdue(world: World, client) -> None:
    case = world.new_case()
    assert case.screening_due_at < case.due_at
    later = case.screening_due_at + timedelta(days=3)
    with time_machine.travel(later, tick=False):
        now = timezone.now()
        assert list(Case.objects.overdue()) == [case]
        badge = deadline_badge(case, now)
        assert badge is not None and badge.tone == "late"
        assert "tiếp nhận" in badge.text
        from pakn.accounts.tokens import api_token_issue

        _t, raw = api_token_issue(user=world.intake)
        listed = Api(client, raw).get("/cases", {"overdue": "true"}).json()["items"]
        assert [item["id"] for item in listed] == [case.pk]
        assert listed[0]["is_overdue"] is True


def test_once_accepted_the_answer_deadline_runs_again(world: World) -> None:
    case = world.new_case()
    S.case_accept(case=case, actor=world.intake)
    case.refresh_from_db()
    with time_machine.travel(case.screening_due_at + timedelta(days=3), tick=False):
        assert not Case.objects.overdue().exists()
        badge = deadline_badge(case, timezone.now())
        assert badge is not None and badge.tone == "ok"
        assert "tiếp nhận" not in badge.text


def test_screening_deadline_close_is_due_soon(world: World) -> None:
    case = world.new_case()
    with time_machine.travel(case.screening_due_at - timedelta(hours=2), tick=False):
        assert list(Case.objects.due_within(hours=24)) == [case]
        assert not Case.objects.overdue().exists()
