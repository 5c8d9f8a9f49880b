from __future__ import annotations

import pytest
from django.core.management import call_command

from pakn.accounts.models import Agency, Membership, Role, User
from pakn.cases.log import verify_chain
from pakn.cases.models import Case, Status

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_covers_roles_and_states(settings):
    settings.PAKN_DEMO_PASSWORD = "demo-mật-khẩu"
    call_command("seed_demo", "--cases", "48")
    counts = (Agency.objects.count(), User.objects.count(), Case.objects.count())
    call_command("seed_demo", "--cases", "48")
    assert (Agency.objects.count(), User.objects.count(), Case.objects.count()) == counts
    assert Agency.objects.filter(name="Bộ Khoa học và Công nghệ").exists()
    for agency in Agency.objects.all():
        roles = set(Membership.objects.filter(agency=agency).values_list("role", flat=True))
        assert roles == set(Role.values), agency.code
    assert User.objects.get(username="superadmin").check_password("demo-mật-khẩu")
    assert User.objects.get(username="ls-ubnd.leader").check_password("demo-mật-khẩu")
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses >= {
        Status.SUBMITTED,
        Status.NEEDS_INFO,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.ANSWER_REVIEW,
        Status.ANSWERED,
        Status.PUBLISHED,
        Status.CLOSED,
        Status.RETURNED,
        Status.REJECTED,
    }
    assert verify_chain() is None
    assert Case.objects.filter(status=Status.PUBLISHED).exclude(public_body="").exists()


def test_seed_if_empty_leaves_existing_data_alone(capsys):
    Agency.objects.create(code="x", name="Cơ quan có sẵn", level="central")
    call_command("seed_demo", "--if-empty")
    assert Agency.objects.count() == 1
    assert "bỏ qua" in capsys.readouterr().out


def test_issue_token_prints_a_usable_token(capsys):
    from pakn.accounts.models import ApiToken

    User.objects.create_user("can-bo", "x-mật-khẩu-dài", email="cb@example.vn")
    call_command("issue_token", "can-bo")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("pakn_")
    token = ApiToken.lookup(raw)
    assert token is not None and token.user.username == "can-bo"
    assert token.token_hash != raw


def test_using_a_token_records_when_at_most_every_few_minutes(django_assert_num_queries):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from pakn.accounts.tokens import api_token_issue, api_token_touch

    user = User.objects.create_user("can-bo-api", "x-mật-khẩu-dài", email="api@example.vn")
    token, _ = api_token_issue(user=user)
    api_token_touch(token=token)
    first = type(token).objects.get(pk=token.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(0):
        api_token_touch(token=token)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        api_token_touch(token=token)
    assert type(token).objects.get(pk=token.pk).last_used_at > first


def test_demo_submission_without_a_field_goes_to_its_province_focal_point():
    from pakn.cases.routing import route
    from pakn.geo.models import AdministrativeUnit, UnitLevel

    call_command("seed_demo", "--cases", "0")
    ward = AdministrativeUnit.objects.get(level=UnitLevel.COMMUNE, name="Phường Đông Kinh")
    agency = route(field_id=None, province_id=ward.parent_id, commune_id=ward.pk, kind="report")
    assert agency.code == "ls-van-phong"
