"""Each refused attachment's field message names the file and the limit (forms show only it)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pakn.core.errors import ValidationFailed
from pakn.submissions.uploads import validate_uploads


def _field_message(items) -> str:
    with pytest.raises(ValidationFailed) as caught:
        validate_uploads(items)
    return str(caught.value.fields["attachments"])


def test_too_large_names_the_file_and_the_limit(settings):
    settings.PAKN_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("anh-cong-chao.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    assert _field_message([big]) == "Tệp “anh-cong-chao.pdf” lớn hơn 1 MB."


def test_unsupported_type_names_the_file_and_the_accepted_types():
    message = _field_message([SimpleUploadedFile("cai-dat.exe", b"MZ\x90\x00")])
    assert message == "Tệp “cai-dat.exe” không phải ảnh (JPG, PNG, WebP), PDF hoặc văn bản Office."


def test_too_many_states_the_limit_and_the_count(settings):
    settings.PAKN_MAX_ATTACHMENTS = 5
    files = [SimpleUploadedFile(f"anh-{i}.pdf", b"%PDF-1.4\n") for i in range(6)]
    assert _field_message(files) == "Chỉ gửi được tối đa 5 tệp; bạn đã chọn 6 tệp."


def test_empty_file_is_named():
    assert _field_message([SimpleUploadedFile("trong.png", b"")]) == "Tệp “trong.png” rỗng."
