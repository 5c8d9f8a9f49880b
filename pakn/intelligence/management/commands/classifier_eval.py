from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Huấn luyện bộ phân loại của sản phẩm trên tệp --train, chấm điểm trên --test, "
        "in một dòng JSON (macro_f1, weighted_f1, accuracy, train_seconds, predict_per_second)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True)
        parser.add_argument("--test", required=True)
        parser.add_argument("--text-column", default="text")
        parser.add_argument("--label-column", default="label")

    def handle(self, *args: Any, **options: Any) -> None:
        from pakn.intelligence.classifier import evaluate, load_csv

        try:
            train = load_csv(options["train"], options["text_column"], options["label_column"])
            test = load_csv(options["test"], options["text_column"], options["label_column"])
        except (OSError, KeyError) as exc:
            raise CommandError(f"Không đọc được dữ liệu: {exc}") from None
        if len(set(train[1])) < 2:
            raise CommandError("Tệp huấn luyện cần ít nhất hai nhãn khác nhau.")
        figures = evaluate(train[0], train[1], test[0], test[1])
        self.stdout.write(json.dumps({k: round(v, 4) for k, v in figures.items()}))
