"""The case screen's place line: a unit already written in the address is not said twice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pakn.geo.models import AdministrativeUnit
from tests.cases.conftest import World

pytestmark = pytest.mark.django_db


def _place(as_user, world: World, address: str) -> tuple[str, AdministrativeUnit]:
    commune = AdministrativeUnit.objects.filter(level="commune").order_by("name").first()
    case = world.new_case(
        address=address, commune_id=commune.pk, latitude=21.87511, longitude=106.77584
    )
    html = as_user(world.intake).get(reverse("backoffice:case", args=[case.pk])).content.decode()
    return html.split("Địa điểm</h3>", 1)[1].split("</p>", 1)[0].removeprefix("\n<p>"), commune


def test_commune_and_province_already_in_the_address_are_not_repeated(as_user, world) -> None:
    commune = AdministrativeUnit.objects.filter(level="commune").order_by("name").first()
    province = commune.parent
    address = f"đường Nguyễn Du, {commune.name}, {province.name}"
    line, _commune = _place(as_user, world, address)
    assert line == address


def test_units_missing_from_the_address_are_added_once(as_user, world) -> None:
    line, commune = _place(as_user, world, "12 đường Nguyễn Du")
    assert line == f"12 đường Nguyễn Du, {commune.name}, {commune.parent.name}"


def test_a_unit_written_without_diacritics_counts_as_written(as_user, world) -> None:
    from pakn.core.text import strip_diacritics

    commune = AdministrativeUnit.objects.filter(level="commune").order_by("name").first()
    address = f"12 Nguyen Du, {strip_diacritics(commune.name).lower()}"
    line, _commune = _place(as_user, world, address)
    assert line == f"{address}, {commune.parent.name}"


def test_coordinates_are_shown_with_decimal_points(as_user, world) -> None:
    commune = AdministrativeUnit.objects.filter(level="commune").order_by("name").first()
    case = world.new_case(commune_id=commune.pk, latitude=21.87511, longitude=106.77584)
    html = as_user(world.intake).get(reverse("backoffice:case", args=[case.pk])).content.decode()
    assert "21.875110, 106.775840" in html and "21,875" not in html
