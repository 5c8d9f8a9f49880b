from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pakn.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu và tệp đính kèm từ một tệp sao lưu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument(
            "--force", action="store_true", help="xoá dữ liệu hiện có trước khi khôi phục"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = restore_backup(Path(options["archive"]), force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        total = sum(counts.values())
        self.stdout.write(f"Đã khôi phục {total} bản ghi.")
