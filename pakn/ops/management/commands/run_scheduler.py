from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pakn.ops.scheduler import registered_jobs, run_forever


class Command(BaseCommand):
    help = "Chạy bộ lập lịch tác vụ định kỳ (nhắc hạn, chuyển cấp, quét tác vụ nền)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=5.0)
        parser.add_argument("--iterations", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        names = ", ".join(sorted(registered_jobs()))
        self.stdout.write(f"Bộ lập lịch đang chạy: {names}")
        run_forever(options["interval"], options["iterations"])
