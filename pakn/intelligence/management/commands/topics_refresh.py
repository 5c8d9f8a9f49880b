from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pakn.intelligence.topics import DEFAULT_RECENT_WEEKS, DEFAULT_WEEKS, refresh_topics


class Command(BaseCommand):
    help = "Phân cụm hồ sơ gần đây thành các chủ đề nổi lên, xếp hạng theo tăng trưởng và phạm vi."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--weeks", type=int, default=DEFAULT_WEEKS)
        parser.add_argument("--recent-weeks", type=int, default=DEFAULT_RECENT_WEEKS)
        parser.add_argument("--clusters", type=int, default=None)
        parser.add_argument("--top", type=int, default=10, help="số chủ đề in ra")

    def handle(self, *args: Any, **options: Any) -> None:
        snapshot = refresh_topics(
            weeks=options["weeks"],
            recent_weeks=options["recent_weeks"],
            n_clusters=options["clusters"],
        )
        self.stdout.write(
            f"{snapshot.case_count} hồ sơ, {snapshot.topics.count()} chủ đề, "
            f"{snapshot.seconds:.2f} giây."
        )
        for topic in snapshot.topics.all()[: options["top"]]:
            self.stdout.write(
                json.dumps(
                    {
                        "rank": topic.rank,
                        "label": topic.label,
                        "size": topic.size,
                        "recent": topic.recent_count,
                        "growth": topic.growth,
                        "agencies": topic.agency_count,
                        "areas": topic.area_count,
                        "score": topic.score,
                    },
                    ensure_ascii=False,
                )
            )
