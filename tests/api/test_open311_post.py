"""Open311 GeoReport v2, creating: POST requests with an api_key, then following it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from pakn.accounts.models import PartnerScope
from pakn.accounts.partner_keys import partner_key_issue, partner_key_revoke
from pakn.cases.models import CaseEvent
from pakn.geo.models import AdministrativeUnit
from pakn.submissions.models import Submission
from tests.world import World, drive

from .open311_schemas import CREATED, ERRORS, REQUESTS, TOKEN, check, get_both

DESCRIPTION = "Cống thoát nước bị tắc <script>alert('x')</script> & ngập sâu sau mưa ở ngõ 5."


@pytest.fixture
def key(db):
    return partner_key_issue(name="Công dân số – Xứ Lạng")


def form(raw: str = "", **overrides: Any) -> dict[str, Any]:
    data = {
        "api_key": raw,
        "service_code": "moi-truong",
        "lat": "21.8537",
        "long": "106.7612",
        "attribute[kind]": "report",
        "description": DESCRIPTION,
        "first_name": "An",
        "last_name": "Nguyễn Văn",
        "email": "an@example.vn",
        "phone": "0912 345 678",
        "device_id": "thiet-bi-7",
        "account_id": "tk-42",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def post(client: Client, data: dict[str, Any], fmt: str = "json", key: str = ""):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(f"/open311/v2/requests.{fmt}", data, headers=headers)


def test_post_creates_submission_through_intake_and_round_trips(client, world, key):
    partner, raw = key
    response = post(client, form(raw))
    [created] = check(response, CREATED, 201)
    code = created["service_request_id"]
    assert created["account_id"] == "tk-42"
    assert world.a.name in created["service_notice"]

    submission = Submission.objects.select_related("case").get(tracking_code=code.replace("-", ""))
    assert submission.channel == "open311"
    assert submission.source_instance == partner.source_label
    assert "Công dân số – Xứ Lạng" in submission.source_instance
    assert submission.submitter_name == "Nguyễn Văn An"  # họ trước tên
    assert submission.submitter_phone == "0912345678"
    assert submission.body == DESCRIPTION
    assert submission.title.startswith("Cống thoát nước bị tắc")
    assert submission.latitude == 21.8537
    assert (
        "account:tk-42" in submission.external_id and "device:thiet-bi-7" in submission.external_id
    )
    assert submission.case.agency == world.a
    assert CaseEvent.objects.filter(case=submission.case, action="submitted").count() == 1

    # The partner follows its own request (status only) …
    [row] = get_both(client, f"requests/{code}", REQUESTS, api_key=raw)
    assert row["status"] == "open" and row["service_code"] == "moi-truong"
    assert row["description"] == ""
    # … the public does not, until the answer is published.
    check(client.get(f"/open311/v2/requests/{code}.json"), ERRORS, 404)
    drive(world, submission.case, "published")
    [row] = get_both(client, f"requests/{code}", REQUESTS)
    assert row["status"] == "closed"
    assert "Cống thoát nước" in row["description"]

    # The token resolves to the same request.
    [resolved] = get_both(client, f"tokens/{created['token']}", TOKEN)
    assert resolved == {"service_request_id": code, "token": created["token"]}


def test_post_answers_in_xml_too(client, world, key):
    _partner, raw = key
    [created] = check(post(client, form(raw), fmt="xml"), CREATED, 201)
    assert Submission.objects.filter(tracking_code=created["service_request_id"].replace("-", ""))


def test_xml_escapes_markup_and_drops_control_characters(client, world, key):
    _partner, raw = key
    [created] = check(post(client, form(raw, description=DESCRIPTION + "\x0b\x01")), CREATED, 201)
    submission = Submission.objects.get(
        tracking_code=created["service_request_id"].replace("-", "")
    )
    drive(world, submission.case, "published")
    response = client.get(f"/open311/v2/requests/{created['service_request_id']}.xml")
    assert b"<script>" not in response.content
    assert b"&lt;script&gt;" in response.content and b"&amp; ng" in response.content
    description = ET.fromstring(response.content).find("request/description")  # noqa: S314
    assert description is not None and "<script>alert('x')</script> & ngập" in description.text


def test_token_of_someone_else_is_404(client, world, key):
    _partner, raw = key
    [created] = check(post(client, form(raw)), CREATED, 201)
    forged = created["token"][:-1] + ("0" if created["token"][-1] != "0" else "1")
    for fmt in ("json", "xml"):
        check(client.get(f"/open311/v2/tokens/{forged}.{fmt}"), ERRORS, 404)
        check(client.get(f"/open311/v2/tokens/nonsense.{fmt}"), ERRORS, 404)


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("missing", "Thiếu khóa API (tham số api_key)."),
        ("wrong", "Khóa API không hợp lệ."),
        ("revoked", "Khóa API đã bị thu hồi."),
        ("expired", "Khóa API đã hết hạn."),
        ("out_of_scope", "Khóa API này không có quyền “open311:write”."),
    ],
)
def test_post_without_a_usable_key_is_403_in_spec_format(client, world, key, state, message):
    partner, raw = key
    if state == "missing":
        raw = ""
    elif state == "wrong":
        raw = raw[:-2] + "xx"
    elif state == "revoked":
        partner_key_revoke(key=partner)
    elif state == "expired":
        partner.expires_at = timezone.now() - timedelta(seconds=1)
        partner.save()
    else:
        _other, raw = partner_key_issue(name="Chỉ đọc", scopes=[PartnerScope.CASES_READ])
    for fmt in ("json", "xml"):
        errors = check(post(client, form(raw), fmt=fmt), ERRORS, 403)
        assert errors == [{"code": 403, "description": message}]
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"lat": "bắc", "long": "106.7"}, "lat: cần số thập phân"),
        ({"lat": "nan"}, "lat: cần số thập phân"),
        ({"long": None}, "lat, long: Vị trí cần cả vĩ độ và kinh độ."),
        ({"lat": "48.85", "long": "2.35"}, "Vị trí nằm ngoài lãnh thổ Việt Nam."),
        (
            {"lat": None, "long": None},
            "Cần vị trí: lat và long, hoặc address_string, hoặc address_id.",
        ),
        ({"service_code": "khong-co"}, "service_code: không có dịch vụ (lĩnh vực) mã “khong-co”."),
        ({"service_code": None}, "service_code: bắt buộc"),
        ({"attribute[kind]": None}, "attribute[kind]: bắt buộc (report, recommendation"),
        ({"attribute[kind]": "complaint"}, "“complaint” không hợp lệ"),
        ({"attribute[colour]": "đỏ"}, "attribute[colour]: thuộc tính không có"),
        ({"attribute[anonymous]": "có"}, "attribute[anonymous]"),
        ({"address_id": "99999999"}, "address_id: cần mã xã, phường"),
        ({"media_url": "javascript:alert(1)"}, "media_url: cần một địa chỉ http(s) hợp lệ."),
        ({"description": "ngắn"}, "description: Nội dung cần ít nhất 10 ký tự"),
        (
            {"first_name": None, "last_name": None},
            "first_name, last_name: Vui lòng nhập họ và tên.",
        ),
        ({"email": None, "phone": None}, "phone: Cần số điện thoại hoặc email"),
        ({"email": "khong-phai-email"}, "email: Địa chỉ email không đúng."),
    ],
)
def test_bad_input_is_400_with_vietnamese_description(client, world, key, overrides, needle):
    _partner, raw = key
    for fmt in ("json", "xml"):
        errors = check(post(client, form(raw, **overrides), fmt=fmt), ERRORS, 400)
        assert all(error["code"] == 400 for error in errors)
        assert any(needle in error["description"] for error in errors), errors
    assert not Submission.objects.exists()


def test_several_mistakes_are_reported_together(client, world, key):
    _partner, raw = key
    overrides = {"service_code": "khong-co", "attribute[kind]": None, "lat": "x"}
    errors = check(post(client, form(raw, **overrides)), ERRORS, 400)
    assert len(errors) == 3


def test_json_body_is_refused_with_a_clear_400(client, world, key):
    _partner, raw = key
    response = client.post(
        "/open311/v2/requests.json", {"api_key": raw}, content_type="application/json"
    )
    errors = check(response, ERRORS, 400)
    assert "application/x-www-form-urlencoded" in errors[0]["description"]


def test_address_string_and_address_id_locate_the_request(client, world, key):
    _partner, raw = key
    commune = AdministrativeUnit.objects.filter(level="commune").select_related("parent").first()
    data = form(
        raw, lat=None, long=None, address_string="Ngõ 5 Lê Lợi", address_id=str(commune.code)
    )
    [created] = check(post(client, data), CREATED, 201)
    submission = Submission.objects.get(
        tracking_code=created["service_request_id"].replace("-", "")
    )
    assert submission.address == "Ngõ 5 Lê Lợi"
    assert submission.commune == commune and submission.province == commune.parent
    assert submission.latitude is None


def test_attributes_title_organisation_anonymity_and_media(client, world, key):
    _partner, raw = key
    data = form(
        raw,
        **{
            "attribute[title]": "Cống ngập ngõ 5",
            "attribute[organisation_name]": "Hợp tác xã Đồng Đăng",
            "attribute[anonymous]": "true",
            "attribute[kind]": "recommendation",
            "media_url": "https://anh.example.vn/cong.jpg",
        },
    )
    [created] = check(post(client, data), CREATED, 201)
    submission = Submission.objects.get(
        tracking_code=created["service_request_id"].replace("-", "")
    )
    assert submission.title == "Cống ngập ngõ 5"
    assert submission.kind == "recommendation"
    assert submission.submitter_type == "organisation"
    assert submission.organisation_name == "Hợp tác xã Đồng Đăng"
    assert submission.is_anonymous is True
    assert submission.body.startswith(DESCRIPTION)
    assert "https://anh.example.vn/cong.jpg" in submission.body


def test_idempotency_key_returns_the_first_request(client, world, key):
    _partner, raw = key
    [first] = check(post(client, form(raw), key="lan-1"), CREATED, 201)
    response = client.post(
        "/open311/v2/requests.json", form(raw), headers={"Idempotency-Key": "lan-1"}
    )
    [again] = check(response, CREATED, 200)
    assert again["service_request_id"] == first["service_request_id"]
    assert Submission.objects.count() == 1
    other = client.post(
        "/open311/v2/requests.json",
        form(raw, description="Một phản ánh khác hẳn về đèn đường hỏng."),
        headers={"Idempotency-Key": "lan-1"},
    )
    errors = check(other, ERRORS, 400)
    assert "Idempotency-Key" in errors[0]["description"]
    assert Submission.objects.count() == 1


def test_same_idempotency_key_from_two_partners_makes_two_requests(client, world, key):
    _partner, raw = key
    _other, other_raw = partner_key_issue(name="Ứng dụng khác")
    headers = {"Idempotency-Key": "lan-1"}
    check(client.post("/open311/v2/requests.json", form(raw), headers=headers), CREATED, 201)
    check(client.post("/open311/v2/requests.json", form(other_raw), headers=headers), CREATED, 201)
    assert Submission.objects.count() == 2


@override_settings(PAKN_API_PUBLIC_WRITE_RATE="2/m")
def test_wrong_keys_are_limited_per_address(client, world, key):
    _partner, raw = key
    for _ in range(2):
        check(post(client, form("sai")), ERRORS, 403)
    errors = check(post(client, form(raw)), ERRORS, 429)
    assert "khóa API sai" in errors[0]["description"]
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    check(post(other_address, form(raw)), CREATED, 201)


@override_settings(PAKN_API_OFFICER_RATE="2/m", PAKN_API_PUBLIC_WRITE_RATE="2/m")
def test_a_valid_key_is_limited_per_key_not_per_address(client, world, key):
    _partner, raw = key
    _other, other_raw = partner_key_issue(name="Ứng dụng khác")
    for _ in range(2):
        check(post(client, form(raw)), CREATED, 201)
    errors = check(post(client, form(raw)), ERRORS, 429)
    assert "quá nhiều yêu cầu" in errors[0]["description"]
    check(post(client, form(other_raw)), CREATED, 201)


def test_post_needs_no_csrf_token(world, key):
    _partner, raw = key
    strict = Client(enforce_csrf_checks=True)
    check(post(strict, form(raw)), CREATED, 201)


def test_last_use_of_the_key_is_recorded(client, world: World, key):
    partner, raw = key
    check(post(client, form(raw)), CREATED, 201)
    partner.refresh_from_db()
    assert partner.last_used_at is not None


def test_overlong_idempotency_key_is_400(client, world, key):
    _partner, raw = key
    errors = check(post(client, form(raw), key="k" * 101), ERRORS, 400)
    assert errors[0]["description"].startswith("Idempotency-Key: Tối đa 100 ký tự")
    assert not Submission.objects.exists()
