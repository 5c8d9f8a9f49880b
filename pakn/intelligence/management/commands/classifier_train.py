from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pakn.intelligence.models import ClassifierTask
from pakn.intelligence.services import NotEnoughData, classifier_train


class Command(BaseCommand):
    help = (
        "Huấn luyện phiên bản mới của bộ phân loại (loại, lĩnh vực, cơ quan) từ nhãn của cán bộ "
        "(và bộ mẫu khởi đầu khi còn ít nhãn). Phiên bản mới chỉ được kích hoạt khi tốt ít nhất "
        "bằng phiên bản đang dùng trên cùng tập kiểm tra, hoặc khi có --activate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--task", choices=[*ClassifierTask.values, "all"], default="all", help="mặc định: all"
        )
        parser.add_argument(
            "--activate",
            action="store_true",
            help="kích hoạt phiên bản mới kể cả khi kém hơn phiên bản đang dùng",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tasks = ClassifierTask.values if options["task"] == "all" else [options["task"]]
        trained = 0
        for task in tasks:
            try:
                version = classifier_train(
                    task=task,
                    triggered_by="lệnh classifier_train",
                    force_activate=options["activate"],
                )
            except NotEnoughData as exc:
                self.stderr.write(str(exc))
                continue
            trained += 1
            self.stdout.write(
                json.dumps(
                    {
                        "task": task,
                        "version": version.number,
                        "status": version.status,
                        "examples": version.n_examples,
                        "holdout": version.n_holdout,
                        "labels": version.n_labels,
                        "starter": version.used_starter,
                        "macro_f1": version.macro_f1,
                        "accuracy": version.accuracy,
                        "active_macro_f1": version.active_macro_f1,
                        "train_seconds": version.training_seconds,
                        "decision": version.decision,
                    },
                    ensure_ascii=False,
                )
            )
        if not trained:
            raise CommandError("Không huấn luyện được nhiệm vụ nào (chưa đủ dữ liệu).")
