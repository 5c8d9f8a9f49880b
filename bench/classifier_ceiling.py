"""How far the decision rule can take the text classifier on UIT-ViCTSD's binary labels.

A diagnostic, not a score: for ``toxic`` and ``constructive`` it trains the product pipeline on
train.csv, ranks test.csv by the predicted probability and prints

- ``macro_f1``: at the product's own decision (what ``classifier_eval`` reports);
- ``roc_auc`` and ``average_precision``: how well the probability ranks the comments;
- ``oracle_macro_f1`` and ``oracle_share``: the best macro-F1 over every threshold *chosen on
  the test labels themselves*, and the share of comments it calls positive. No decision rule
  learnt without the test labels can do better with this ranking, so a target above it needs a
  better ranking, not a better threshold.

The same figures follow for the plain baseline the data set's README quotes (TF-IDF word and
character n-grams, one linear SVM with balanced class weights: 0.700 on toxic), for comparison.

    python bench/classifier_ceiling.py [--tasks toxic]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _victsd import add_data_dir_argument  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from pakn.intelligence.classifier import build_pipeline, load_csv  # noqa: E402

BINARY_TASKS = ("toxic", "constructive")


def oracle(truth: np.ndarray, score: np.ndarray) -> tuple[float, float]:
    """Best macro-F1 over all thresholds on ``score``, and the share it calls positive."""
    best, share = 0.0, 0.0
    for threshold in np.unique(score):
        predicted = score >= threshold
        value = float(f1_score(truth, predicted, average="macro"))
        if value > best:
            best, share = value, float(predicted.mean())
    return best, share


def figures(truth: np.ndarray, score: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    best, share = oracle(truth, score)
    return {
        "macro_f1": round(float(f1_score(truth, predicted, average="macro")), 4),
        "roc_auc": round(float(roc_auc_score(truth, score)), 4),
        "average_precision": round(float(average_precision_score(truth, score)), 4),
        "oracle_macro_f1": round(best, 4),
        "oracle_share": round(share, 4),
    }


def baseline_scores(train: list[str], labels: np.ndarray, test: list[str]) -> np.ndarray:
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
    x_train = sp.hstack([words.fit_transform(train), chars.fit_transform(train)]).tocsr()
    x_test = sp.hstack([words.transform(test), chars.transform(test)]).tocsr()
    return np.asarray(
        LinearSVC(C=0.5, class_weight="balanced").fit(x_train, labels).decision_function(x_test)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_dir_argument(parser)
    parser.add_argument("--tasks", nargs="+", choices=BINARY_TASKS, default=list(BINARY_TASKS))
    args = parser.parse_args()
    train_path, test_path = args.data_dir / "train.csv", args.data_dir / "test.csv"
    if not (train_path.exists() and test_path.exists()):
        sys.exit(f"UIT-ViCTSD not found in {args.data_dir} (train.csv and test.csv)")

    for task in args.tasks:
        train_texts, train_labels = load_csv(train_path, "text", task)
        test_texts, test_labels = load_csv(test_path, "text", task)
        truth = np.asarray(test_labels) == "1"
        with threadpool_limits(limits=1):
            model = build_pipeline().fit(train_texts, train_labels)
            positive = list(model.classes_).index("1")
            score = model.predict_proba(test_texts)[:, positive]
            predicted = model.predict(test_texts) == "1"
            base = baseline_scores(train_texts, np.asarray(train_labels) == "1", test_texts)
        print(
            json.dumps(
                {
                    "task": task,
                    "positives": int(truth.sum()),
                    "test": len(truth),
                    "pipeline": figures(truth, score, predicted),
                    "baseline": figures(truth, base, base > 0),
                }
            )
        )


if __name__ == "__main__":
    main()
