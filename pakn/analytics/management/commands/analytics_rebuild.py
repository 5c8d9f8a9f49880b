from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from pakn.analytics.rollups import rollups_rebuild, rollups_refresh


class Command(BaseCommand):
    help = (
        "Tính lại toàn bộ số liệu tổng hợp từ hồ sơ (lần đầu, hoặc sau khi đổi cây cơ quan); "
        "với --incremental chỉ cập nhật theo nhật ký hồ sơ mới."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--incremental", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["incremental"]:
            changed = rollups_refresh()
            self.stdout.write(f"Đã cập nhật {changed} hồ sơ.")
        else:
            count = rollups_rebuild()
            self.stdout.write(f"Đã tính lại {count} hồ sơ.")
        self.stdout.write(f"{time.perf_counter() - started:.1f} s")
