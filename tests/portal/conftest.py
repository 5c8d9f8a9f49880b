from __future__ import annotations

import uuid

import pytest

from pakn.geo.models import AdministrativeUnit
from tests.cases.conftest import World, drive, world  # noqa: F401  (fixtures shared with cases)


def lang_son() -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level="province", name_folded__contains="lang son")


@pytest.fixture
def submit_data(world: World) -> dict[str, object]:  # noqa: F811
    province = lang_son()
    commune = province.children.order_by("name").first()
    assert commune is not None
    return {
        "kind": "report",
        "field": str(world.field_id),
        "title": "Đèn đường hỏng trên đường Lê Lợi",
        "body": "Đèn đường trước số 12 Lê Lợi hỏng ba tuần nay, buổi tối rất tối và nguy hiểm.",
        "province": str(province.pk),
        "commune": str(commune.pk),
        "address": "12 Lê Lợi",
        "submitter_type": "person",
        "submitter_name": "Trần Thị Bình",
        "phone": "0987 654 321",
        "email": "binh@example.vn",
        "submitter_address": "34 Trần Hưng Đạo",
        "id_number": "",
        "consent": "on",
        "website": "",
        "idempotency_key": uuid.uuid4().hex,
    }


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
