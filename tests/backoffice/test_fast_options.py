"""Agency, field and province options kept per process: rendered without a query once known,
and forgotten as soon as the admin renames one."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from pakn.backoffice.forms import TransferForm
from pakn.geo.models import AdministrativeUnit, UnitLevel
from tests.cases.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_options(settings) -> None:
    settings.PAKN_CONFIG_CACHE_SECONDS = 30  # as in production: the memo really keeps them


def test_transfer_options_leave_out_own_agency_and_keep_the_selection(world: World) -> None:
    case = world.new_case()
    form = TransferForm({"transfer-to_agency": str(world.b.pk)}, case=case, user=world.intake)
    html = str(form["to_agency"])
    assert f'<option value="{world.b.pk}" selected>' in html
    assert f'value="{world.a.pk}"' not in html
    assert '<option value="">— Chọn cơ quan —</option>' in html
    own = TransferForm({"transfer-to_agency": str(world.a.pk)}, case=case, user=world.intake)
    assert not own.is_valid() and "to_agency" in own.errors


def test_agency_options_are_rendered_without_a_query_once_known(
    world: World, django_assert_num_queries
) -> None:
    case = world.new_case()
    str(TransferForm(case=case, user=world.intake)["to_agency"])
    with django_assert_num_queries(0):
        html = str(TransferForm(case=case, user=world.intake)["to_agency"])
    assert escape(world.b.short_name or world.b.name) in html


def test_case_screen_shows_a_renamed_agency_at_once(as_user, world: World) -> None:
    case = world.new_case()
    url = reverse("backoffice:case", args=[case.pk])
    client = as_user(world.leader)
    old = world.b.short_name or world.b.name
    assert escape(old) in client.get(url).content.decode()
    world.b.short_name = "Sở <script>alert(1)</script> mới"
    world.b.save()
    html = client.get(url).content.decode()
    assert "Sở &lt;script&gt;alert(1)&lt;/script&gt; mới" in html
    assert "<script>alert(1)</script> mới" not in html


def test_inbox_shows_a_renamed_province_at_once(as_user, world: World) -> None:
    world.new_case()
    client = as_user(world.intake)
    province = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).first()
    assert province is not None
    assert f'<option value="{province.pk}">{escape(province.name)}</option>' in (
        client.get(reverse("backoffice:inbox")).content.decode()
    )
    province.name = "Tỉnh <b>Thử nghiệm</b>"
    province.save()
    html = client.get(reverse("backoffice:inbox")).content.decode()
    assert f'<option value="{province.pk}">Tỉnh &lt;b&gt;Thử nghiệm&lt;/b&gt;</option>' in html
