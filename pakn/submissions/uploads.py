"""Attachments: checked by content (magic bytes), size-capped, images re-encoded without
metadata (GPS, camera) before they are stored."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from pakn.core.errors import ValidationFailed

from .models import Attachment, AttachmentPurpose, Submission


class UploadedItem(Protocol):
    name: str
    size: int | None

    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content: bytes
    content_type: str
    extension: str


IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
MAX_IMAGE_PIXELS = 40_000_000
MAX_ZIP_RATIO = 100
MAX_ZIP_TOTAL = 200 * 1024 * 1024


def _refused(message: str) -> ValidationFailed:
    """The field's message is the whole sentence: forms show only that one, and the person
    needs the file's name and the limit to fix the choice."""
    return ValidationFailed(message, fields={"attachments": message})


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the first bytes, or None if not an accepted type."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword", ".doc"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip", ".zip"
    return None


OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}


def _office_zip(content: bytes, name: str) -> tuple[str, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except zipfile.BadZipFile:
        raise _refused(_("Tệp “%(name)s” bị hỏng.") % {"name": name}) from None
    total = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    if total > MAX_ZIP_TOTAL or total / compressed > MAX_ZIP_RATIO:
        raise _refused(
            _("Tệp “%(name)s” có dấu hiệu nén bất thường và bị từ chối.") % {"name": name}
        )
    names = {i.filename for i in infos}
    if "[Content_Types].xml" in names:
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise _refused(_("Tệp “%(name)s” chứa macro và bị từ chối.") % {"name": name})
        for prefix, kind in OOXML.items():
            if any(n.startswith(prefix) for n in names):
                return kind
    raise _refused(_("Tệp “%(name)s” không phải ảnh, PDF hoặc văn bản Office.") % {"name": name})


def _reencode_image(content: bytes, content_type: str, name: str) -> bytes:
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(content)) as opened:
            opened.load()
            image: Image.Image = ImageOps.exif_transpose(opened)
            fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[content_type]
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            # No exif= or pnginfo= argument: location and camera metadata are dropped.
            image.save(out, format=fmt, quality=88)
            return out.getvalue()
    except (OSError, Image.DecompressionBombError, SyntaxError):
        raise _refused(_("Ảnh “%(name)s” bị hỏng hoặc quá lớn.") % {"name": name}) from None


def validate_uploads(items: Sequence[UploadedItem]) -> list[CheckedUpload]:
    items = [i for i in items if i is not None]
    if not items:
        return []
    if len(items) > settings.PAKN_MAX_ATTACHMENTS:
        raise _refused(
            _("Chỉ gửi được tối đa %(pakn_max_attachments)s tệp; bạn đã chọn %(count)s tệp.")
            % {"pakn_max_attachments": settings.PAKN_MAX_ATTACHMENTS, "count": len(items)}
        )
    limit = settings.PAKN_MAX_UPLOAD_MB * 1024 * 1024
    checked = []
    for item in items:
        name = (getattr(item, "name", "") or "tệp").rsplit("/", 1)[-1][:200]
        content = item.read(limit + 1)
        if len(content) > limit:
            raise _refused(
                _("Tệp “%(name)s” lớn hơn %(pakn_max_upload_mb)s MB.")
                % {"name": name, "pakn_max_upload_mb": settings.PAKN_MAX_UPLOAD_MB}
            )
        if not content:
            raise _refused(_("Tệp “%(name)s” rỗng.") % {"name": name})
        kind = sniff(content[:32])
        if kind is None:
            raise _refused(
                _("Tệp “%(name)s” không phải ảnh (JPG, PNG, WebP), PDF hoặc văn bản Office.")
                % {"name": name}
            )
        content_type, extension = kind
        if content_type == "application/zip":
            content_type, extension = _office_zip(content, name)
        elif content_type in IMAGE_TYPES:
            content = _reencode_image(content, content_type, name)
        elif content_type == "application/pdf" and _pdf_has_script(content):
            raise _refused(_("Tệp PDF “%(name)s” chứa mã lệnh và bị từ chối.") % {"name": name})
        checked.append(CheckedUpload(name, content, content_type, extension))
    return checked


_PDF_ACTIVE = (
    b"/javascript",
    b"/js",
    b"/launch",
    b"/embeddedfile",
    b"/embeddedfiles",
    b"/richmedia",
    b"/xfa",
)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
# Inflating streams to look inside them is bounded: a PDF cannot make the check itself a bomb.
MAX_PDF_INFLATED = 50 * 1024 * 1024


def _pdf_has_script(content: bytes) -> bool:
    """Scripts, launch actions, embedded files, rich media or XFA forms anywhere in the PDF —
    including inside compressed object streams and behind ``#xx`` escapes in names
    (``/J#61vaScript``), the two usual ways of hiding them from a byte search."""
    if _pdf_text_is_active(content):
        return True
    budget = MAX_PDF_INFLATED
    for match in _PDF_STREAM.finditer(content):
        dictionary = content[max(0, match.start() - 400) : match.start()].rsplit(b"<<", 1)[-1]
        if any(kind in dictionary for kind in (b"/Image", b"/FontFile", b"/Length1")):
            continue  # pixels and font programs, not PDF syntax
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue  # not a Flate stream (images, fonts): nothing to read as PDF syntax
        budget -= len(inflated)
        if _pdf_text_is_active(inflated):
            return True
        if budget <= 0 or inflater.unconsumed_tail:
            return True  # more than any honest document needs: refuse rather than skip
    return False


def _pdf_text_is_active(data: bytes) -> bool:
    names = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data).lower()
    return any(re.search(re.escape(marker) + rb"(?![a-z0-9])", names) for marker in _PDF_ACTIVE)


def save_attachments(
    submission: Submission,
    uploads: Sequence[CheckedUpload],
    purpose: str = AttachmentPurpose.SUBMISSION,
) -> list[Attachment]:
    saved = []
    for upload in uploads:
        digest = hashlib.sha256(upload.content).hexdigest()
        attachment = Attachment(
            submission=submission,
            purpose=purpose,
            original_name=upload.name,
            content_type=upload.content_type,
            extension=upload.extension,
            size=len(upload.content),
            sha256=digest,
        )
        attachment.file.save(upload.name, ContentFile(upload.content), save=False)
        attachment.save()
        saved.append(attachment)
    return saved
