from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pakn.intelligence.duplicates import text_similarity, threshold
from pakn.intelligence.selectors import duplicate_label_pairs


class Command(BaseCommand):
    help = (
        "Đánh giá phát hiện trùng lặp trên các cặp văn bản (cột text_a, text_b, label; 1 = cùng "
        "một vụ việc) bằng chính độ tương đồng và ngưỡng của sản phẩm; in một dòng JSON. "
        "--from-labels dùng các cặp cán bộ đã gộp hoặc đánh giá “không trùng”."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--pairs", help="tệp CSV UTF-8")
        source.add_argument(
            "--from-labels", action="store_true", help="các cặp cán bộ đã đánh giá trong hệ thống"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

        if options["from_labels"]:
            rows = [(a, b, str(label)) for a, b, label in duplicate_label_pairs()]
        else:
            rows = _read_pairs(Path(options["pairs"]))
        try:
            labels = [int(float(label)) for _, _, label in rows]
        except ValueError as exc:
            raise CommandError(f"Cột label phải là 0 hoặc 1: {exc}") from exc
        if not rows:
            raise CommandError("Không có cặp nào để đánh giá.")
        started = time.perf_counter()
        scores = [text_similarity(a, b) for a, b, _ in rows]
        seconds = time.perf_counter() - started
        cut = threshold()
        predicted = [int(score >= cut) for score in scores]
        auc = roc_auc_score(labels, scores) if len(set(labels)) == 2 else None
        result = {
            "f1": round(float(f1_score(labels, predicted, zero_division=0)), 4),
            "precision": round(float(precision_score(labels, predicted, zero_division=0)), 4),
            "recall": round(float(recall_score(labels, predicted, zero_division=0)), 4),
            "auc": None if auc is None else round(float(auc), 4),
            "threshold": cut,
            "pairs": len(rows),
            "pairs_per_second": round(len(rows) / seconds, 1) if seconds else None,
        }
        self.stdout.write(json.dumps(result))


def _read_pairs(path: Path) -> list[tuple[str, str, str]]:
    if not path.is_file():
        raise CommandError(f"Không tìm thấy tệp {path}.")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"text_a", "text_b", "label"} - set(reader.fieldnames or ())
        if missing:
            raise CommandError(f"Thiếu cột: {', '.join(sorted(missing))}.")
        return [(r["text_a"] or "", r["text_b"] or "", r["label"]) for r in reader]
