"""Text classifier by cross-validation on UIT-ViCTSD: the figure to decide pipeline changes by.

``bench/classifier_victsd.py`` scores one train → test split; with about 100 toxic comments in
test.csv its macro-F1 moves by ±0.02 between equally good pipelines, so it cannot tell a real
improvement from luck, and choosing by it tunes the pipeline to that file. This script trains the
product pipeline (``pakn.intelligence.classifier.evaluate``, one CPU core, the decision offsets
tuned inside ``fit`` as in production) on k-1 folds of train.csv + valid.csv and scores it on the
remaining fold, for every fold and several shuffles, and prints the mean macro-F1 with its
standard error. test.csv is never read.

Prints one JSON line per task. ``--quick`` uses the first 3,000 texts and one shuffle.

    python bench/classifier_cv.py --tasks toxic
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _victsd import TASKS, add_data_dir_argument  # noqa: E402

from pakn.intelligence.classifier import evaluate, load_csv  # noqa: E402

QUICK_ROWS = 3000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_dir_argument(parser)
    parser.add_argument("--tasks", nargs="+", choices=TASKS, default=list(TASKS))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--shuffles", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    paths = [args.data_dir / "train.csv", args.data_dir / "valid.csv"]
    if not all(path.exists() for path in paths):
        sys.exit(f"UIT-ViCTSD not found in {args.data_dir} (train.csv and valid.csv)")

    for task in args.tasks:
        texts: list[str] = []
        labels: list[str] = []
        for path in paths:
            part_texts, part_labels = load_csv(path, "text", task)
            texts += part_texts
            labels += part_labels
        shuffles = args.shuffles
        if args.quick:
            texts, labels, shuffles = texts[:QUICK_ROWS], labels[:QUICK_ROWS], 1
        y = np.asarray(labels)
        scores: list[float] = []
        for shuffle in range(shuffles):
            folds = StratifiedKFold(args.folds, shuffle=True, random_state=100 + shuffle)
            for train, test in folds.split(np.zeros(len(y)), y):
                figures = evaluate(
                    [texts[i] for i in train], y[train], [texts[i] for i in test], y[test]
                )
                scores.append(figures["macro_f1"])
        print(
            json.dumps(
                {
                    "task": task,
                    "texts": len(texts),
                    "folds": args.folds,
                    "shuffles": shuffles,
                    "macro_f1_mean": round(float(np.mean(scores)), 4),
                    "macro_f1_stderr": round(float(np.std(scores) / np.sqrt(len(scores))), 4),
                    "macro_f1_folds": [round(s, 4) for s in scores],
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
