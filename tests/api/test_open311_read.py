"""Open311 GeoReport v2, reading: discovery, services, service definitions, requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from pakn.accounts.partner_keys import partner_key_issue
from pakn.cases import services as S
from pakn.cases.models import Case, RoutingRule
from pakn.core.tracking import format_tracking_code
from pakn.taxonomy.models import Field
from tests.factories import FieldFactory
from tests.world import World, drive

from .open311_schemas import (
    DISCOVERY,
    ERRORS,
    REQUESTS,
    SERVICE_DEFINITION,
    SERVICES,
    check,
    get_both,
)

SECRET_BODY = "Nhà tôi ở số 12 ngõ 5, gọi 0912345678 hoặc an@example.vn."


def code_of(case: Case) -> str:
    return format_tracking_code(case.submission.tracking_code)


def published(world: World, **overrides: object) -> Case:
    return drive(world, world.new_case(**overrides), "published")


def test_discovery_in_both_formats(client, db):
    data = get_both(client, "discovery", DISCOVERY)
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}


def test_content_types_are_exact(client, db):
    assert client.get("/open311/v2/services.json")["Content-Type"] == "application/json"
    assert client.get("/open311/v2/services.xml")["Content-Type"] == "text/xml"
    assert client.get("/open311/v2/requests/nope.xml")["Content-Type"] == "text/xml"


def test_services_are_active_fields_with_groups(client, world):
    parent = Field.objects.get(pk=world.field_id)
    FieldFactory(code="rac-thai", name="Rác thải", parent=parent)
    FieldFactory(code="cu", name="Lĩnh vực cũ", is_active=False)
    data = get_both(client, "services", SERVICES)
    by_code = {service["service_code"]: service for service in data}
    assert set(by_code) == {"moi-truong", "rac-thai"}
    child = by_code["rac-thai"]
    assert child["group"] == parent.name
    assert child["metadata"] is True
    assert child["type"] == "realtime"
    assert "rac thai" in child["keywords"]  # findable without diacritics


def test_service_definition_has_kind_as_required_list(client, world):
    data = get_both(client, "services/moi-truong", SERVICE_DEFINITION)
    assert data["service_code"] == "moi-truong"
    attributes = {attribute["code"]: attribute for attribute in data["attributes"]}
    kind = attributes["kind"]
    assert kind["datatype"] == "singlevaluelist" and kind["required"] is True
    assert [value["key"] for value in kind["values"]] == [
        "report",
        "recommendation",
        "initiative",
        "solution",
    ]
    assert {value["name"] for value in kind["values"]} >= {"Phản ánh", "Kiến nghị"}
    orders = [attribute["order"] for attribute in data["attributes"]]
    assert orders == sorted(orders)


def test_unknown_service_is_404_in_spec_format(client, world):
    for fmt in ("json", "xml"):
        errors = check(client.get(f"/open311/v2/services/khong-co.{fmt}"), ERRORS, 404)
        assert errors[0]["code"] == 404
        assert "Không có dịch vụ" in errors[0]["description"]


def test_malformed_request_id_is_404_with_the_reason(client, db):
    for fmt in ("json", "xml"):
        errors = check(client.get(f"/open311/v2/requests/K7M3-0OIL9.{fmt}"), ERRORS, 404)
        assert "không dùng 0, O, 1, I, L" in errors[0]["description"]


def test_unknown_resource_is_404_in_spec_format(client, db):
    check(client.get("/open311/v2/nothing.json"), ERRORS, 404)
    check(client.get("/open311/v2/services.csv"), ERRORS, 404)
    check(client.get("/open311/v2/nothing.xml"), ERRORS, 404)


def test_unsupported_method_is_405_in_spec_format(client, db):
    response = client.delete("/open311/v2/services.json")
    errors = check(response, ERRORS, 405)
    assert response["Allow"] == "GET, HEAD"
    assert "DELETE" in errors[0]["description"]
    check(client.put("/open311/v2/requests.xml"), ERRORS, 405)


def test_published_case_shows_redacted_text_answer_and_coarse_place(client, world):
    case = published(
        world,
        body=SECRET_BODY,
        latitude=21.853712,
        longitude=106.761234,
        address="Số 12 ngõ 5 Lê Lợi",
    )
    [row] = get_both(client, f"requests/{code_of(case)}", REQUESTS)
    assert row["service_request_id"] == code_of(case)
    assert row["status"] == "closed"
    assert row["service_code"] == "moi-truong"
    assert row["agency_responsible"] == world.a.name
    assert "Đã thu gom rác" in row["service_notice"]  # the approved answer
    assert "Đã công khai" in row["status_notes"]
    assert "0912345678" not in row["description"] and "an@example.vn" not in row["description"]
    assert case.public_body in row["description"]
    assert row["lat"] == 21.854 and row["long"] == 106.761
    assert "Lê Lợi" not in (row["address"] or "")
    assert row["expected_datetime"] is not None


def test_unpublished_case_never_leaks(client, world):
    hidden = world.new_case(body=SECRET_BODY)
    drive(world, hidden, "answered")
    code = code_of(hidden)
    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/requests/{code}.{fmt}")
        check(response, ERRORS, 404)
        listing = client.get(f"/open311/v2/requests.{fmt}", {"service_request_id": code})
        assert listing.status_code == 200
        body = client.get(f"/open311/v2/requests.{fmt}").content.decode()
        for secret in (hidden.submission.tracking_code, code, "0912345678", "Rác thải tồn đọng"):
            assert secret not in body
    assert get_both(client, "requests", REQUESTS, service_request_id=code) == []


def test_list_defaults_to_last_90_days(client, world):
    old = published(world)
    old.submission.__class__.objects.filter(pk=old.submission.pk).update(
        created_at=timezone.now() - timedelta(days=91)
    )
    recent = published(world)
    codes = [row["service_request_id"] for row in get_both(client, "requests", REQUESTS)]
    assert codes == [code_of(recent)]


def test_list_filters_by_dates(client, world):
    with time_machine.travel("2026-09-01T09:00:00+07:00", tick=False):
        september = published(world)
    with time_machine.travel("2026-11-01T09:00:00+07:00", tick=False):
        november = published(world)
    rows = get_both(
        client,
        "requests",
        REQUESTS,
        start_date="2026-08-15T00:00:00+07:00",
        end_date="2026-10-01T00:00:00Z",
    )
    assert [row["service_request_id"] for row in rows] == [code_of(september)]
    assert rows[0]["requested_datetime"] == "2026-09-01T09:00:00+07:00"
    # Only start_date: the 90 days after it.
    rows = get_both(client, "requests", REQUESTS, start_date="2026-10-15T00:00:00Z")
    assert [row["service_request_id"] for row in rows] == [code_of(november)]
    # An unencoded "+" arrives as a space; it still means the offset.
    response = client.get(
        "/open311/v2/requests.json?start_date=2026-10-15T00:00:00 07:00&end_date="
        "2026-12-01T00:00:00 07:00"
    )
    assert [row["service_request_id"] for row in check(response, REQUESTS)] == [code_of(november)]


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"start_date": "hôm qua"}, "ISO 8601"),
        ({"start_date": "2026-10-01T00:00:00"}, "múi giờ"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90 ngày"),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "sau"),
        ({"status": "pending"}, "open hoặc closed"),
        ({"service_request_id": "ABC"}, "9 ký tự"),
    ],
)
def test_bad_filters_are_400_with_vietnamese_description(client, world, params, needle):
    for fmt in ("json", "xml"):
        errors = check(client.get(f"/open311/v2/requests.{fmt}", params), ERRORS, 400)
        assert errors[0]["code"] == 400
        assert needle in errors[0]["description"]


def test_list_filters_by_status_and_service_code(client, world):
    other_field = FieldFactory(code="giao-thong", name="Giao thông")
    RoutingRule.objects.create(field=other_field, agency=world.a)
    answered = published(world)
    closed = drive(world, world.new_case(field_id=other_field.pk), "closed")
    rows = get_both(client, "requests", REQUESTS, service_code="giao-thong")
    assert [row["service_request_id"] for row in rows] == [code_of(closed)]
    rows = get_both(client, "requests", REQUESTS, service_code="giao-thong,moi-truong")
    assert {row["service_request_id"] for row in rows} == {code_of(closed), code_of(answered)}
    assert get_both(client, "requests", REQUESTS, status="open") == []
    rows = get_both(client, "requests", REQUESTS, status="closed,open")
    assert len(rows) == 2


def test_list_by_ids_overrides_other_filters_and_keeps_order(client, world):
    first, second = published(world), published(world)
    ids = f"{code_of(second)}, {code_of(first).replace('-', '').lower()}"
    rows = get_both(client, "requests", REQUESTS, service_request_id=ids, status="open")
    assert [row["service_request_id"] for row in rows] == [code_of(second), code_of(first)]


def test_list_is_capped_at_1000(client, world, monkeypatch):
    from pakn.api import open311

    monkeypatch.setattr(open311, "MAX_REQUESTS", 2)
    for _ in range(3):
        published(world)
    assert len(get_both(client, "requests", REQUESTS)) == 2


def test_list_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    for _ in range(4):
        published(world)
    with django_assert_max_num_queries(3):
        response = client.get("/open311/v2/requests.json")
    assert len(check(response, REQUESTS)) == 4


def test_partner_sees_status_only_of_its_own_unpublished_requests(client, world):
    key, raw = partner_key_issue(name="Cổng Xứ Lạng")
    _other, other_raw = partner_key_issue(name="Ứng dụng khác")
    case = S.submission_intake(
        data=world.intake_data(
            channel="open311", source_instance=key.source_label, body=SECRET_BODY
        )
    ).case
    code = code_of(case)
    check(client.get(f"/open311/v2/requests/{code}.json"), ERRORS, 404)
    check(client.get(f"/open311/v2/requests/{code}.json", {"api_key": other_raw}), ERRORS, 404)
    [row] = get_both(client, f"requests/{code}", REQUESTS, api_key=raw)
    assert row["status"] == "open"
    assert row["status_notes"] == "Chờ tiếp nhận"
    assert row["agency_responsible"] == world.a.name
    assert row["description"] == "" and row["address"] == "" and row["lat"] is None
    assert row["service_notice"] == ""
    assert [
        r["service_request_id"] for r in get_both(client, "requests", REQUESTS, api_key=raw)
    ] == [code]


def test_bad_api_key_on_get_is_403(client, world):
    errors = check(client.get("/open311/v2/requests.json", {"api_key": "sai"}), ERRORS, 403)
    assert errors[0]["description"] == "Khóa API không hợp lệ."
