"""Backups of the database (as portable JSON lines) and the uploaded files, in one archive.

The archive holds ``data.jsonl`` (``dumpdata`` with natural keys, so it restores on SQLite or
PostgreSQL alike), the media files, and ``manifest.json`` with a SHA-256 per member and a row
count per model. Restore checks every checksum before touching the database.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "django_tasks_database"]
FORMAT_VERSION = 1


class BackupError(Exception):
    pass


def _models() -> Iterator[Any]:
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in EXCLUDED or label in EXCLUDED or model._meta.proxy:
            continue
        yield model


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def create_backup(output_dir: Path) -> Path:
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    target = output_dir / f"pakn-backup-{stamp}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.jsonl"
        # One consistent snapshot: dumpdata reads every table inside one transaction.
        with transaction.atomic():
            call_command(
                "dumpdata",
                *[f"--exclude={e}" for e in EXCLUDED],
                # Primary keys are kept as they are: the case log's hash chain covers them.
                "--natural-foreign",
                "--format=pakn-jsonl",
                f"--output={data}",
                verbosity=0,
            )
            counts = {m._meta.label_lower: m._default_manager.count() for m in _models()}
        files = {"data.jsonl": _sha256(data)}
        media = (
            sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
        )
        for path in media:
            files["media/" + path.relative_to(media_root).as_posix()] = _sha256(path)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "counts": counts,
            "files": files,
        }
        partial = target.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            raw = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
            tar.add(data, arcname="data.jsonl")
            for path in media:
                tar.add(path, arcname="media/" + path.relative_to(media_root).as_posix())
        partial.rename(target)  # never leave a half-written archive under the final name
    return target


def _database_is_empty() -> bool:
    """No submission yet (reference data such as administrative units comes with migrations)."""
    return not apps.get_model("submissions", "Submission")._default_manager.exists()


def restore_backup(archive: Path, *, force: bool = False) -> dict[str, int]:
    if not archive.exists():
        raise BackupError(f"Không tìm thấy tệp sao lưu {archive}.")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(root, filter="data")
        manifest_path = root / "manifest.json"
        if not manifest_path.exists():
            raise BackupError("Tệp sao lưu thiếu manifest.json.")
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError("Định dạng sao lưu không được hỗ trợ.")
        for name, digest in manifest["files"].items():
            member = root / name
            if not member.is_file() or _sha256(member) != digest:
                raise BackupError(f"Tệp sao lưu hỏng: {name} không khớp mã kiểm tra.")
        if not _database_is_empty() and not force:
            raise BackupError("Cơ sở dữ liệu đang có dữ liệu; dùng --force để xoá và khôi phục.")
        call_command("flush", "--no-input", verbosity=0)
        call_command("loaddata", str(root / "data.jsonl"), "--format=pakn-jsonl", verbosity=0)
        media_src = root / "media"
        media_root = Path(settings.MEDIA_ROOT)
        if media_src.exists():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media_src, media_root, dirs_exist_ok=True)
        restored = {m._meta.label_lower: m._default_manager.count() for m in _models()}
        mismatched = {k: v for k, v in manifest["counts"].items() if restored.get(k) != v}
        if mismatched:
            raise BackupError(f"Số bản ghi sau khôi phục không khớp: {mismatched}")
        return restored
