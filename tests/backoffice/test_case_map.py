"""The case screen's map: the exact pin for officers who may see the case, with the address and
administrative unit; officers of another agency get 404 as for the rest of the case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pakn.geo.models import AdministrativeUnit
from tests.cases.conftest import World

pytestmark = pytest.mark.django_db


def test_officer_sees_the_exact_pin_on_a_small_map(as_user, world: World) -> None:
    province = AdministrativeUnit.objects.filter(level="province").order_by("name").first()
    case = world.new_case(
        latitude=21.853142,
        longitude=106.761234,
        address="Ngõ 5 phố Đông Kinh",
        province_id=province.pk,
    )
    html = as_user(world.intake).get(reverse("backoffice:case", args=[case.pk])).content.decode()
    assert 'id="case-map" data-map-point' in html
    assert 'data-lat="21.853142"' in html and 'data-lng="106.761234"' in html
    assert "21.853142, 106.761234" in html
    assert "Ngõ 5 phố Đông Kinh" in html and province.name in html
    assert "/static/vendor/leaflet/leaflet.js" in html and "/static/pakn/maps.js" in html


def test_no_map_without_a_pin(as_user, world: World) -> None:
    case = world.new_case(address="Ngõ 5 phố Đông Kinh")
    html = as_user(world.intake).get(reverse("backoffice:case", args=[case.pk])).content.decode()
    assert "Ngõ 5 phố Đông Kinh" in html and "data-map-point" not in html


def test_officer_of_another_agency_cannot_see_the_pin(as_user, world: World) -> None:
    case = world.new_case(latitude=21.853142, longitude=106.761234)
    response = as_user(world.handler_b).get(reverse("backoffice:case", args=[case.pk]))
    assert response.status_code == 404
