from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pakn.accounts.models import Agency, PartnerScope
from pakn.accounts.partner_keys import partner_key_issue
from pakn.core.errors import ValidationFailed


class Command(BaseCommand):
    help = (
        "Cấp khóa API cho hệ thống đối tác NAME (Open311 api_key) và in khóa ra một lần. "
        f"Phạm vi: {', '.join(PartnerScope.values)}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="tên hệ thống đối tác")
        parser.add_argument(
            "--scopes",
            nargs="+",
            default=[PartnerScope.OPEN311_WRITE],
            help="một hoặc nhiều phạm vi (mặc định open311:write)",
        )
        parser.add_argument(
            "--days", type=int, default=365, help="hết hạn sau N ngày (0: không hết hạn)"
        )
        parser.add_argument("--agency", default="", help="mã cơ quan mà đối tác thay mặt")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"Không có cơ quan mã “{options['agency']}”.")
        if options["days"] < 0:
            raise CommandError("--days phải từ 0 trở lên.")
        expires = timezone.now() + timedelta(days=options["days"]) if options["days"] else None
        scopes = [part for item in options["scopes"] for part in item.replace(",", " ").split()]
        try:
            _key, raw = partner_key_issue(
                name=options["name"], scopes=scopes, agency=agency, expires_at=expires
            )
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(raw)
