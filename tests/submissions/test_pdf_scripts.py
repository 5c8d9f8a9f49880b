from __future__ import annotations

import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pakn.cases.models import Case
from pakn.core.errors import ValidationFailed
from pakn.submissions.uploads import _pdf_has_script


def pdf_with_stream(dictionary: bytes, payload: bytes) -> bytes:
    data = zlib.compress(payload)
    return (
        b"%PDF-1.7\n1 0 obj\n<< "
        + dictionary
        + b" /Filter /FlateDecode /Length "
        + str(len(data)).encode()
        + b" >>\nstream\n"
        + data
        + b"\nendstream\nendobj\n%%EOF\n"
    )


def test_script_inside_a_compressed_object_stream_is_found() -> None:
    hidden = pdf_with_stream(
        b"/Type /ObjStm /N 1 /First 4", b"2 0 << /S /JavaScript /JS (app.alert(1)) >>"
    )
    assert b"JavaScript" not in hidden  # a plain byte search would miss it
    assert _pdf_has_script(hidden)


def test_script_behind_hex_escaped_names_is_found() -> None:
    assert _pdf_has_script(b"%PDF-1.4\n1 0 obj << /S /J#61vaScript /J#53 (x) >> endobj")


def test_launch_actions_and_embedded_files_are_found() -> None:
    assert _pdf_has_script(b"%PDF-1.4\n<< /S /Launch /F (cmd.exe) >>")
    assert _pdf_has_script(pdf_with_stream(b"/Type /ObjStm", b"<< /EmbeddedFiles 3 0 R >>"))


def test_an_ordinary_document_passes() -> None:
    text = pdf_with_stream(b"", b"BT /F1 12 Tf (Cong van so 12/UBND, JSON la dinh dang) Tj ET")
    image = pdf_with_stream(b"/Type /XObject /Subtype /Image /Width 2", b"/JavaScript" * 3)
    assert not _pdf_has_script(text)
    # Pixels are not PDF syntax: bytes that happen to spell a name there mean nothing.
    assert not _pdf_has_script(image)


def test_a_stream_that_inflates_beyond_reason_is_refused(monkeypatch) -> None:
    monkeypatch.setattr("pakn.submissions.uploads.MAX_PDF_INFLATED", 1000)
    assert _pdf_has_script(pdf_with_stream(b"", b" " * 5000))


@pytest.mark.django_db
def test_intake_refuses_a_pdf_with_a_hidden_script(world) -> None:
    hidden = pdf_with_stream(b"/Type /ObjStm", b"<< /OpenAction << /S /JavaScript /JS (x) >> >>")
    with pytest.raises(ValidationFailed, match="chứa mã lệnh"):
        world.new_case(attachments=[SimpleUploadedFile("to-trinh.pdf", hidden)])
    assert Case.objects.count() == 0
