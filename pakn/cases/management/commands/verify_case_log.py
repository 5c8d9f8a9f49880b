from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pakn.cases.log import verify_chain
from pakn.cases.models import CaseEvent


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký hồ sơ; báo liên kết hỏng đầu tiên và thoát mã khác 0."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"Nhật ký hồ sơ #{broken.case_id} hỏng tại dòng {broken.seq}: {broken.problem}."
            )
        count = CaseEvent.objects.count()
        self.stdout.write(f"Nhật ký toàn vẹn: {count} dòng đã kiểm tra.")
