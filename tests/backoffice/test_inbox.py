"""The inbox: queues and counts, filters, search, sorting, pagination, badges, bulk actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pakn.cases import services
from pakn.cases.models import Case, Status
from pakn.core import workdays
from tests.cases.conftest import World, drive

pytestmark = pytest.mark.django_db


def inbox(client, **params: object):
    response = client.get(reverse("backoffice:inbox"), params)
    assert response.status_code == 200
    return response


def ids(response) -> list[int]:
    return [row["case"].pk for row in response.context["rows"]]


def test_queues_by_role(as_user, world: World) -> None:
    intake_queues = {q.key for q, _ in inbox(as_user(world.intake)).context["queues"]}
    assert {"screen", "mine", "team", "overdue", "due_soon"} <= intake_queues
    assert "approve" not in intake_queues
    leader_queues = {q.key for q, _ in inbox(as_user(world.leader)).context["queues"]}
    assert "approve" in leader_queues
    supervisor_queues = {q.key for q, _ in inbox(as_user(world.supervisor)).context["queues"]}
    assert "screen" not in supervisor_queues and "all" in supervisor_queues


def test_supervisor_inbox_covers_the_subtree(as_user, world: World) -> None:
    in_a = world.new_case()
    in_b = services.case_transfer(
        case=world.new_case(), actor=world.intake, to_agency=world.b, reason="Sở B"
    )
    response = inbox(as_user(world.supervisor), queue="all")
    assert set(ids(response)) == {in_a.pk, in_b.pk}
    response = inbox(as_user(world.intake), queue="all")
    assert ids(response) == [in_a.pk]


def test_deadline_badges_and_overdue_counts_follow_the_clock(as_user, world: World) -> None:
    case = drive(world, world.new_case(), "in_progress")
    client = as_user(world.handler)
    response = inbox(client, queue="mine")
    badge = response.context["rows"][0]["badge"]
    assert badge.text.startswith("còn ") and "ngày làm việc" in badge.text
    assert (
        response.context["queues"]
        and dict((q.key, n) for q, n in response.context["queues"])["overdue"] == 0
    )
    later = workdays.add_working_days(case.due_at, 3) - timedelta(hours=12)
    with time_machine.travel(later, tick=False):
        client = as_user(world.handler)  # the session of weeks ago has expired
        response = inbox(client, queue="overdue")
        assert ids(response) == [case.pk]
        assert response.context["rows"][0]["badge"].text == "quá hạn 3 ngày"
        assert "quá hạn 3 ngày" in response.content.decode()
        counts = {q.key: n for q, n in response.context["queues"]}
        assert counts["overdue"] == 1


def test_search_is_diacritic_insensitive_and_finds_tracking_codes(as_user, world: World) -> None:
    trash = world.new_case()
    light = world.new_case(title="Đèn đường hỏng ở ngõ 7", body="Đèn đường tắt cả tháng nay rồi.")
    client = as_user(world.intake)
    assert ids(inbox(client, queue="all", q="den duong")) == [light.pk]
    assert ids(inbox(client, queue="all", q="RÁC THẢI")) == [trash.pk]
    code = trash.submission.tracking_code
    assert ids(inbox(client, queue="all", q=f"{code[:4]}-{code[4:]}".lower())) == [trash.pk]


def test_filters_and_sorting(as_user, world: World) -> None:
    first = world.new_case(kind="recommendation", channel="phone", consent=False)
    second = world.new_case()
    second_case = Case.objects.get(pk=second.pk)
    second_case.suggestions = {"duplicates": [{"case_id": first.pk, "similarity": 0.91}]}
    second_case.save(update_fields=["suggestions"])
    client = as_user(world.intake)
    assert ids(inbox(client, queue="all", kind="recommendation")) == [first.pk]
    assert ids(inbox(client, queue="all", channel="phone")) == [first.pk]
    assert ids(inbox(client, queue="all", duplicates="on")) == [second.pk]
    assert ids(inbox(client, queue="all", field=world.field_id, sort="received")) == [
        first.pk,
        second.pk,
    ]
    assert ids(inbox(client, queue="all", sort="-received")) == [second.pk, first.pk]
    today = timezone.localdate()
    assert len(ids(inbox(client, queue="all", received_from=today.isoformat()))) == 2
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert ids(inbox(client, queue="all", received_from=tomorrow)) == []
    assert ids(inbox(client, queue="all", deadline="paused")) == []
    assert ids(inbox(client, queue="all", status="submitted", size=10)) != []
    html = inbox(client, queue="all").content.decode()
    assert "có thể trùng" in html


def test_pagination_uses_the_page_size(as_user, world: World) -> None:
    for _ in range(12):
        world.new_case()
    client = as_user(world.intake)
    first = inbox(client, queue="all", size=10)
    assert len(first.context["rows"]) == 10
    assert first.context["page"].paginator.num_pages == 2
    second = inbox(client, queue="all", size=10, page=2)
    assert len(second.context["rows"]) == 2
    assert set(ids(first)).isdisjoint(ids(second))


def test_query_count_does_not_grow_with_page_size(as_user, world: World) -> None:
    for i in range(50):
        case = world.new_case()
        if i % 3 == 0:
            drive(world, case, "in_progress")
    client = as_user(world.leader)
    inbox(client, queue="all", size=10)  # warm caches (session, content types)

    def queries(size: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = inbox(client, queue="all", size=size)
        assert len(response.context["rows"]) == size
        return len(ctx.captured_queries)

    assert queries(10) == queries(50)
    assert queries(50) <= 15


def test_bulk_assign_goes_through_the_service_and_reports_each_failure(
    as_user, world: World
) -> None:
    accepted = [drive(world, world.new_case(), "accepted") for _ in range(2)]
    untouched = world.new_case()  # still "submitted": assigning is refused
    client = as_user(world.intake)
    response = client.post(
        reverse("backoffice:bulk"),
        {
            "bulk_action": "assign",
            "cases": [accepted[0].pk, accepted[1].pk, untouched.pk],
            "assignee": world.handler.pk,
            "next": "/backoffice/?queue=all",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Đã xử lý 2 hồ sơ." in html
    assert untouched.submission.display_code in html
    assert "Không thể thực hiện thao tác" in html
    for case in accepted:
        case.refresh_from_db()
        assert (case.status, case.assignee_id) == (Status.IN_PROGRESS, world.handler.pk)
    untouched.refresh_from_db()
    assert untouched.status == Status.SUBMITTED
    mine = inbox(as_user(world.handler), queue="mine")
    assert {q.key: n for q, n in mine.context["queues"]}["mine"] == 2


def test_bulk_transfer_needs_a_reason_per_service(as_user, world: World) -> None:
    cases = [world.new_case() for _ in range(2)]
    client = as_user(world.intake)
    response = client.post(
        reverse("backoffice:bulk"),
        {"bulk_action": "transfer", "cases": [c.pk for c in cases], "to_agency": world.b.pk},
        follow=True,
    )
    assert "Vui lòng nhập lý do" in response.content.decode()
    response = client.post(
        reverse("backoffice:bulk"),
        {
            "bulk_action": "transfer",
            "cases": [c.pk for c in cases],
            "to_agency": world.b.pk,
            "reason": "Thuộc thẩm quyền sở B",
        },
        follow=True,
    )
    assert "Đã xử lý 2 hồ sơ." in response.content.decode()
    assert set(Case.objects.filter(agency=world.b).values_list("pk", flat=True)) == {
        c.pk for c in cases
    }
