"""Uploads held between the portal's preview and its final "Gửi".

A browser cannot carry chosen files from one page to the next, so the files sent with "Xem lại"
(or with any round trip of the form: province choice, a validation error) are checked like any
attachment and kept under ``holding/<id>/`` in the media storage. The page carries only a signed
token for that id: nobody can guess another person's holding, and a tampered token is refused.
Holdings are released when the submission is sent and purged after ``HOLD_FOR`` otherwise.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from pakn.core.errors import ValidationFailed

from .uploads import UploadedItem, validate_uploads

HOLD_FOR = timedelta(hours=24)
SALT = "pakn.submissions.holding"
ROOT = "holding"


class HoldingExpired(Exception):
    """The token is forged, too old, or its files are gone."""


@dataclass(frozen=True)
class HeldFile:
    index: int
    name: str
    content_type: str
    size: int

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def _open(token: str) -> str:
    try:
        hold_id = signing.loads(token, salt=SALT, max_age=HOLD_FOR)
    except signing.BadSignature:
        raise HoldingExpired from None
    if not isinstance(hold_id, str) or len(hold_id) != 32 or not hold_id.isalnum():
        raise HoldingExpired
    return hold_id


def _manifest(hold_id: str) -> list[HeldFile]:
    path = f"{ROOT}/{hold_id}/manifest.json"
    if not default_storage.exists(path):
        raise HoldingExpired
    with default_storage.open(path, "rb") as fh:
        rows = json.loads(fh.read().decode())
    return [HeldFile(**row) for row in rows]


def _write_manifest(hold_id: str, files: Sequence[HeldFile]) -> None:
    path = f"{ROOT}/{hold_id}/manifest.json"
    if default_storage.exists(path):
        default_storage.delete(path)
    body = json.dumps([f.__dict__ for f in files], ensure_ascii=False).encode()
    default_storage.save(path, ContentFile(body))


def held_files(*, token: str) -> list[HeldFile]:
    """What a holding contains (names, types, sizes); raises HoldingExpired."""
    return _manifest(_open(token))


def holding_add(
    *, token: str = "", uploads: Sequence[UploadedItem] = (), drop: Collection[int] = ()
) -> tuple[str, list[HeldFile]]:
    """Check ``uploads`` and add them to the holding of ``token`` (a new one if empty or
    expired), without the files listed in ``drop``. Returns the token and the files held.

    Raises ValidationFailed with the attachment checks' Vietnamese message (the holding is then
    left as it was), and HoldingExpired when ``token`` is forged, too old or already released.
    """
    hold_id, files = "", []
    if token:
        hold_id = _open(token)
        files = _manifest(hold_id)
    kept = [f for f in files if f.index not in drop]
    uploads = [u for u in uploads if u]
    if len(kept) + len(uploads) > settings.PAKN_MAX_ATTACHMENTS:
        message = _(
            "Chỉ gửi được tối đa %(pakn_max_attachments)s tệp; bạn đã chọn %(count)s tệp."
        ) % {
            "pakn_max_attachments": settings.PAKN_MAX_ATTACHMENTS,
            "count": len(kept) + len(uploads),
        }
        raise ValidationFailed(message, fields={"attachments": message})
    checked = validate_uploads(uploads)
    if not hold_id:
        if not checked:
            return "", []
        hold_id = uuid.uuid4().hex
    for f in files:
        if f.index in drop:
            default_storage.delete(f"{ROOT}/{hold_id}/{f.index}")
    next_index = max((f.index for f in files), default=-1) + 1
    for offset, upload in enumerate(checked):
        index = next_index + offset
        default_storage.save(f"{ROOT}/{hold_id}/{index}", ContentFile(upload.content))
        kept.append(HeldFile(index, upload.name, upload.content_type, len(upload.content)))
    _write_manifest(hold_id, kept)
    return signing.dumps(hold_id, salt=SALT), kept


def held_content(*, token: str, index: int) -> tuple[HeldFile, bytes]:
    """One held file, for the preview's thumbnail; raises HoldingExpired if not there."""
    hold_id = _open(token)
    for f in _manifest(hold_id):
        if f.index == index:
            with default_storage.open(f"{ROOT}/{hold_id}/{index}", "rb") as fh:
                return f, fh.read()
    raise HoldingExpired


def held_uploads(*, token: str) -> list[ContentFile[bytes]]:
    """The held files as uploads for ``submission_intake`` (which checks them once more)."""
    hold_id = _open(token)
    uploads = []
    for f in _manifest(hold_id):
        with default_storage.open(f"{ROOT}/{hold_id}/{f.index}", "rb") as fh:
            uploads.append(ContentFile(fh.read(), name=f.name))
    return uploads


def _remove(hold_id: str) -> None:
    folder = f"{ROOT}/{hold_id}"
    try:
        _dirs, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        default_storage.delete(f"{folder}/{name}")
    # FileSystemStorage keeps empty folders; object storages have none to remove.
    with contextlib.suppress(NotImplementedError, OSError):
        os.rmdir(default_storage.path(folder))


def holding_release(*, token: str) -> None:
    """Forget a holding once its files are attachments of a submission."""
    try:
        _remove(_open(token))
    except HoldingExpired:
        return


def holding_purge(*, older_than: timedelta = HOLD_FOR) -> int:
    """Remove holdings nobody sent; returns how many were removed."""
    try:
        folders, _files = default_storage.listdir(ROOT)
    except FileNotFoundError:
        return 0
    limit = timezone.now() - older_than
    removed = 0
    for name in folders:
        try:
            _dirs, names = default_storage.listdir(f"{ROOT}/{name}")
            times = [default_storage.get_modified_time(f"{ROOT}/{name}/{n}") for n in names]
        except (FileNotFoundError, NotImplementedError):
            times = []
        # The newest file counts: a holding being added to right now is not stale.
        if not times or max(times) < limit:
            _remove(name)
            removed += 1
    return removed
