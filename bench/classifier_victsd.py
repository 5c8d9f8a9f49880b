"""Text classifier on UIT-ViCTSD: train on train.csv, score on test.csv, for each label column.

Uses the product's own pipeline through ``pakn.intelligence.classifier.evaluate`` (one CPU core),
the same code as ``manage.py classifier_eval``. The data set is research-only and lives outside
the repository (default ``../shared/data/victsd``; ``--data-dir`` or ``PAKN_VICTSD_DIR`` to move it).

Prints one JSON line per task, then one flat JSON line with every figure, for bench/run.py.
``--quick`` trains on the first 3,000 training rows only.

    python bench/classifier_victsd.py
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _victsd import TASKS, add_data_dir_argument  # noqa: E402

from pakn.intelligence.classifier import evaluate, load_csv  # noqa: E402

QUICK_TRAIN_ROWS = 3000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_dir_argument(parser)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    train_path, test_path = args.data_dir / "train.csv", args.data_dir / "test.csv"
    if not (train_path.exists() and test_path.exists()):
        sys.exit(f"UIT-ViCTSD not found in {args.data_dir} (train.csv and test.csv)")

    summary: dict[str, float | int | str] = {"dataset": "UIT-ViCTSD"}
    for task in TASKS:
        train_texts, train_labels = load_csv(train_path, "text", task)
        test_texts, test_labels = load_csv(test_path, "text", task)
        if args.quick:
            train_texts, train_labels = (
                train_texts[:QUICK_TRAIN_ROWS],
                train_labels[:QUICK_TRAIN_ROWS],
            )
        figures = evaluate(train_texts, train_labels, test_texts, test_labels)
        rounded = {key: round(value, 4) for key, value in figures.items()}
        print(
            json.dumps(
                {"task": task, "train": len(train_texts), "test": len(test_texts), **rounded}
            )
        )
        summary.update({f"{task}_{key}": value for key, value in rounded.items()})
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
