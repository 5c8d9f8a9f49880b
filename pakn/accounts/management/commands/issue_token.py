from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pakn.accounts.models import User
from pakn.accounts.tokens import api_token_issue


class Command(BaseCommand):
    help = "In ra mã truy cập API cá nhân (Bearer) cho người dùng USERNAME."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="CLI")
        parser.add_argument(
            "--days", type=int, default=90, help="hết hạn sau N ngày (0: không hết hạn)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng đang hoạt động tên “{options['username']}”.")
        expires = timezone.now() + timedelta(days=options["days"]) if options["days"] > 0 else None
        _, raw = api_token_issue(user=user, name=options["name"], expires_at=expires)
        self.stdout.write(raw)
