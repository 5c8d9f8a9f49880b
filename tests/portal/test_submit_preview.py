"""The map pin and the preview step of /submit/: what is shown before sending, "Sửa" keeps
everything (files held server-side under a signed token), "Gửi" sends once."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from pakn.cases.models import Case
from pakn.submissions import holding
from pakn.submissions.models import Submission

pytestmark = pytest.mark.django_db

PIN = {"latitude": "21.853142", "longitude": "106.761234"}


def _jpeg(name: str = "anh-den-duong.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _held_token(html: str) -> str:
    match = re.search(r'name="held" value="([^"]+)"', html)
    assert match, "no held token in the page"
    return match.group(1)


def _hidden(html: str) -> dict[str, str]:
    """The preview form's hidden inputs, as a browser would send them back."""
    form = html[html.index('id="preview-form"') :]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def _unescape(values: dict[str, str]) -> dict[str, str]:
    from html import unescape

    return {k: unescape(v) for k, v in values.items()}


def test_pin_values_are_kept_after_a_validation_error(client, submit_data):
    submit_data.update(PIN, title="abc", step="preview")
    html = client.post("/submit/", submit_data).content.decode()
    assert "Tiêu đề cần ít nhất 5 ký tự." in html
    assert 'name="latitude" value="21.853142"' in html
    assert 'name="longitude" value="106.761234"' in html
    assert "Đã đặt ghim tại vĩ độ 21.853142" in html
    assert "data-map-pin" in html


def test_pin_outside_vietnam_is_refused_in_vietnamese(client, submit_data):
    submit_data.update(latitude="48.85", longitude="2.35", step="preview")
    html = client.post("/submit/", submit_data).content.decode()
    assert "Vị trí nằm ngoài lãnh thổ Việt Nam." in html
    assert Case.objects.count() == 0


def test_preview_shows_exactly_what_will_be_sent_and_sends_nothing(client, submit_data):
    submit_data.update(PIN, step="preview", is_anonymous="on", attachments=[_jpeg()])
    response = client.post("/submit/", submit_data)
    html = response.content.decode()
    assert response.status_code == 200
    assert Case.objects.count() == 0 and Submission.objects.count() == 0
    assert "Xem lại trước khi gửi" in html
    for shown in (
        "Phản ánh",
        "Đèn đường hỏng trên đường Lê Lợi",
        "Đèn đường trước số 12 Lê Lợi hỏng ba tuần nay",
        "anh-den-duong.jpg",
        "12 Lê Lợi",
        "Tỉnh Lạng Sơn",
        "vĩ độ 21.853142, kinh độ 106.761234",
        "Trần Thị Bình",
        "0987 654 321",
        "binh@example.vn",
        "Bạn chọn ẩn danh với công chúng",
    ):
        assert shown in html, shown
    assert 'name="step" value="send"' in html and 'name="step" value="edit"' in html
    thumb = re.search(r'<img src="(/submit/held/[^"]+/0/)"', html).group(1)
    image = client.get(thumb)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_preview_then_edit_keeps_everything_including_the_files(client, submit_data):
    submit_data.update(PIN, step="preview", attachments=[_jpeg()])
    preview = client.post("/submit/", submit_data).content.decode()
    carried = _unescape(_hidden(preview))
    carried["step"] = "edit"
    html = client.post("/submit/", carried).content.decode()
    assert Case.objects.count() == 0
    assert 'value="Đèn đường hỏng trên đường Lê Lợi"' in html
    assert "Đèn đường trước số 12 Lê Lợi" in html
    assert 'value="Trần Thị Bình"' in html and 'value="12 Lê Lợi"' in html
    assert 'name="latitude" value="21.853142"' in html
    assert "anh-den-duong.jpg" in html and "không cần chọn lại" in html
    assert re.search(r'<option value="\d+" selected>', html)  # province and commune
    # The edited form goes to the preview again, then "Gửi": one case, the held photo attached.
    form = _unescape(dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)))
    submit_data.pop("attachments")
    submit_data.update(form, step="preview", title="Đèn đường hỏng trên đường Lê Lợi, 3 cột")
    again = client.post("/submit/", submit_data).content.decode()
    assert "3 cột" in again and "anh-den-duong.jpg" in again
    final = _unescape(_hidden(again))
    final["step"] = "send"
    sent = client.post("/submit/", final)
    assert sent.status_code == 302
    submission = Submission.objects.get()
    assert submission.title.endswith("3 cột")
    assert submission.attachments.count() == 1
    assert (submission.latitude, submission.longitude) == (21.853142, 106.761234)


def test_send_is_idempotent_and_releases_the_held_files(client, submit_data):
    submit_data.update(step="preview", attachments=[_jpeg()])
    preview = client.post("/submit/", submit_data).content.decode()
    final = _unescape(_hidden(preview))
    final["step"] = "send"
    first = client.post("/submit/", final)
    second = client.post("/submit/", final)  # double click or a retried POST
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1 and Submission.objects.get().attachments.count() == 1
    with pytest.raises(holding.HoldingExpired):
        holding.held_files(token=final["held"])


def test_a_file_can_be_dropped_on_edit(client, submit_data):
    submit_data.update(step="preview", attachments=[_jpeg("mot.jpg"), _jpeg("hai.jpg")])
    preview = client.post("/submit/", submit_data).content.decode()
    carried = _unescape(_hidden(preview))
    carried.update(step="preview", drop_held="0")
    again = client.post("/submit/", carried).content.decode()
    assert "hai.jpg" in again and "mot.jpg" not in again


def test_forged_or_expired_held_token_asks_to_choose_the_files_again(client, submit_data):
    submit_data.update(step="preview", attachments=[_jpeg()])
    preview = client.post("/submit/", submit_data).content.decode()
    final = _unescape(_hidden(preview))
    token = final["held"]
    final.update(step="send", held=token + "x")
    assert client.get(f"/submit/held/{final['held']}/0/").status_code == 404
    # A tampered token is no holding at all: nothing is sent without the files.
    html = client.post("/submit/", final).content.decode()
    assert "hết hạn lưu tạm" in html and Case.objects.count() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        final.update(held=token)
        expired = client.post("/submit/", final).content.decode()
    assert "hết hạn lưu tạm" in expired and Case.objects.count() == 0
    assert 'value="Đèn đường hỏng trên đường Lê Lợi"' in expired


def test_holdings_nobody_sent_are_purged(client, submit_data, settings):
    submit_data.update(step="preview", attachments=[_jpeg()])
    token = _held_token(client.post("/submit/", submit_data).content.decode())
    assert holding.holding_purge() == 0
    assert len(holding.held_files(token=token)) == 1
    assert holding.holding_purge(older_than=timedelta(seconds=-1)) == 1
    with pytest.raises(holding.HoldingExpired):
        holding.held_files(token=token)


def test_preview_lists_similar_published_answers(client, submit_data, world):
    from pakn.cases import services as S

    from .conftest import drive

    result = S.submission_intake(
        data=world.intake_data(title="Đèn đường hỏng trên đường Lê Lợi tối om")
    )
    drive(world, result.case, "published")
    submit_data["step"] = "preview"
    html = client.post("/submit/", submit_data).content.decode()
    assert "Có thể vấn đề này đã được trả lời" in html
    assert "tối om" in html


def test_submit_page_has_the_pin_and_the_review_button(client):
    html = client.get("/submit/").content.decode()
    assert 'name="latitude"' in html and 'name="longitude"' in html
    assert "Dùng vị trí của tôi" in html and "Xoá ghim" in html
    assert 'name="step" value="preview"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html


def test_province_round_trip_without_javascript_keeps_the_files(client, submit_data):
    submit_data.pop("commune")
    submit_data.update(choose_province="1", attachments=[_jpeg()])
    html = client.post("/submit/", submit_data).content.decode()
    assert "anh-den-duong.jpg" in html and "không cần chọn lại" in html
    assert holding.held_files(token=_held_token(html))[0].name == "anh-den-duong.jpg"


def test_only_held_images_are_served_and_only_with_their_token(client, submit_data):
    pdf = SimpleUploadedFile(
        "van-ban.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", "application/pdf"
    )
    submit_data.update(step="preview", attachments=[pdf])
    html = client.post("/submit/", submit_data).content.decode()
    token = _held_token(html)
    assert "van-ban.pdf" in html
    assert client.get(f"/submit/held/{token}/0/").status_code == 404  # not an image
    assert client.get(f"/submit/held/{token}/7/").status_code == 404
    assert client.get("/submit/held/not-a-token/0/").status_code == 404


def test_a_rejected_file_is_told_and_the_held_ones_stay(client, submit_data):
    submit_data.update(step="preview", attachments=[_jpeg()])
    token = _held_token(client.post("/submit/", submit_data).content.decode())
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10, "application/octet-stream")
    submit_data.update(held=token, attachments=[bad])
    html = client.post("/submit/", submit_data).content.decode()
    assert "Tệp “virus.exe” không phải ảnh" in html
    assert "anh-den-duong.jpg" in html and Case.objects.count() == 0
