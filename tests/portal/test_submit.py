from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pakn.cases.models import Case
from pakn.core.tracking import format_tracking_code
from pakn.submissions.models import Submission

from .conftest import lang_son

pytestmark = pytest.mark.django_db


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="JPEG")
    return SimpleUploadedFile("anh-den-duong.jpg", out.getvalue(), content_type="image/jpeg")


def test_submit_form_is_a_plain_post_form_with_every_input_labelled(client):
    response = client.get("/submit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<form method="post"[^>]*enctype="multipart/form-data"', html)
    for name in ("title", "body", "submitter_name", "phone", "email", "consent", "address"):
        assert f'<label for="id_{name}"' in html
    assert 'accept="image/*,application/pdf' in html
    assert 'capture="environment"' in html
    assert "Nghị định 13/2023/NĐ-CP" in html
    assert 'name="idempotency_key"' in html
    assert 'name="choose_province"' in html
    # JavaScript only enhances: it is deferred and no input depends on it.
    assert "<script" not in html.split("</form>")[0]


def test_submit_happy_path_creates_one_case_and_shows_code_link_and_qr(client, submit_data):
    submit_data["attachments"] = [_jpeg()]
    response = client.post("/submit/", submit_data)
    assert response.status_code == 302
    assert Case.objects.count() == 1
    submission = Submission.objects.get()
    assert submission.idempotency_key == f"web:{submit_data['idempotency_key']}"
    assert submission.attachments.count() == 1
    assert submission.province == lang_son() and submission.commune_id is not None
    assert response["Location"] == f"/submit/done/{submission.tracking_code}/"

    done = client.get(response["Location"])
    html = done.content.decode()
    assert format_tracking_code(submission.tracking_code) in html
    assert "/track/?code=" in html and "token=" in html
    assert "<svg" in html
    assert "3 ngày làm việc" in html and "20 ngày làm việc" in html
    token = re.search(r"token=([\w-]+)", html).group(1)
    assert submission.check_access_token(token)


def test_repeated_post_with_same_key_creates_nothing_new_and_lands_on_same_page(
    client, submit_data
):
    first = client.post("/submit/", submit_data)
    second = client.post("/submit/", submit_data)
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert client.get(second["Location"]).status_code == 200


def test_success_page_is_not_reachable_from_the_url_alone(client, submit_data, django_user_model):
    response = client.post("/submit/", submit_data)
    from django.test import Client

    assert Client().get(response["Location"]).status_code == 404


def test_invalid_post_keeps_typed_values_and_ties_vietnamese_errors_to_fields(client, submit_data):
    submit_data.update(title="abc", phone="12", consent="", email="")
    submit_data["attachments"] = [_jpeg()]
    response = client.post("/submit/", submit_data)
    html = response.content.decode()
    assert response.status_code == 200
    assert Case.objects.count() == 0
    assert "Tiêu đề cần ít nhất 5 ký tự." in html
    assert "Số điện thoại không đúng" in html
    assert "Nghị định 13/2023/NĐ-CP" in html
    assert 'id="id_title_error"' in html
    assert re.search(r'aria-describedby="[^"]*id_title_error"', html)
    assert 'aria-invalid="true"' in html
    # Everything typed is kept; files must be chosen again and the page says so.
    assert 'value="abc"' in html
    assert "Đèn đường trước số 12 Lê Lợi" in html
    assert 'value="Trần Thị Bình"' in html
    assert "anh-den-duong.jpg" in html and "không cần chọn lại" in html
    assert f'value="{submit_data["idempotency_key"]}"' in html


def test_filled_honeypot_creates_no_case(client, submit_data):
    submit_data["website"] = "http://spam.example"
    response = client.post("/submit/", submit_data)
    assert response.status_code == 200
    assert Case.objects.count() == 0


def test_choosing_a_province_without_javascript_lists_its_communes(client, submit_data):
    province = lang_son()
    submit_data.pop("commune")
    submit_data["choose_province"] = "1"
    response = client.post("/submit/", submit_data)
    html = response.content.decode()
    assert Case.objects.count() == 0
    assert "Tiêu đề cần" not in html  # no validation on this round trip
    commune = province.children.order_by("name").first()
    assert f'<option value="{commune.pk}">{commune.name}</option>' in html
    assert 'value="Đèn đường hỏng trên đường Lê Lợi"' in html


def test_communes_endpoint_lists_one_province(client):
    province = lang_son()
    data = client.get("/submit/communes/", {"province": province.pk}).json()
    assert len(data["communes"]) == province.children.count() > 0


def test_flooding_from_one_address_is_refused_but_retries_still_land(
    client, submit_data, monkeypatch
):
    from pakn.portal import ratelimit

    monkeypatch.setattr(ratelimit, "SUBMISSIONS", 1)
    first = client.post("/submit/", submit_data)
    assert first.status_code == 302
    assert client.post("/submit/", submit_data)["Location"] == first["Location"]
    submit_data["idempotency_key"] = "0" * 32
    refused = client.post("/submit/", submit_data)
    assert "nhiều phản ánh trong thời gian ngắn" in refused.content.decode()
    assert Case.objects.count() == 1


def test_organisation_and_anonymity_reach_the_submission(client, submit_data):
    submit_data.update(
        submitter_type="organisation",
        organisation_name="Hợp tác xã Đồng Đăng",
        is_anonymous="on",
        id_number="012345678901",
    )
    assert client.post("/submit/", submit_data).status_code == 302
    submission = Submission.objects.get()
    assert submission.submitter_type == "organisation"
    assert submission.organisation_name == "Hợp tác xã Đồng Đăng"
    assert submission.is_anonymous and submission.submitter_id_number == "012345678901"
    assert submission.consent_at is not None and submission.channel == "web"


def test_organisation_without_a_name_is_told_so_at_the_field(client, submit_data):
    submit_data.update(submitter_type="organisation", organisation_name="")
    html = client.post("/submit/", submit_data).content.decode()
    assert 'id="id_organisation_name_error"' in html
    assert "Vui lòng nhập tên tổ chức, doanh nghiệp." in html
    assert re.search(
        r'<input type="radio" name="submitter_type" value="organisation"[^>]*checked', html
    )


def test_every_field_error_shows_after_one_attempt(client, submit_data):
    """The form's own check (title length) and the service's (body length, kind) together."""
    submit_data.update(title="T" * 300, body="B" * 12_600, kind="")
    response = client.post("/submit/", submit_data)
    html = response.content.decode()
    assert response.status_code == 200
    assert Case.objects.count() == 0
    assert 'id="id_title_error"' in html
    assert 'id="id_body_error"' in html and "Nội dung dài quá 10000 ký tự." in html
    assert 'id="id_kind_error"' in html
    # What was typed is all still there.
    assert "B" * 12_600 in html


def test_file_inputs_carry_the_upload_limits_for_the_browser_check(client, settings):
    settings.PAKN_MAX_UPLOAD_MB, settings.PAKN_MAX_ATTACHMENTS = 7, 3
    html = client.get("/submit/").content.decode()
    inputs = re.findall(r'<input type="file"[^>]*>', html)
    assert len(inputs) == 2
    assert all('data-max-upload-mb="7"' in i and 'data-max-files="3"' in i for i in inputs)
    assert 'data-upload-check-for="id_attachments id_attachments_camera"' in html


def test_refused_file_is_named_at_the_field_with_the_limit(client, submit_data, settings):
    settings.PAKN_MAX_UPLOAD_MB = 1
    submit_data["attachments"] = [
        SimpleUploadedFile("anh-to.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    ]
    html = client.post("/submit/", submit_data).content.decode()
    error = re.search(r'id="id_attachments_error">(.*?)</p>', html, re.S).group(1)
    assert "anh-to.pdf" in error and "1 MB" in error
    assert Case.objects.count() == 0
