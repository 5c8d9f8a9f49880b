"""The ceiling diagnostic's oracle threshold really is the best one on the given labels."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import classifier_ceiling


def test_oracle_finds_the_best_threshold_and_its_share() -> None:
    rng = np.random.default_rng(3)
    truth = rng.random(200) < 0.15
    score = truth * 0.8 + rng.random(200)  # a noisy ranking: no threshold is perfect
    best, share = classifier_ceiling.oracle(truth, score)
    every = {t: f1_score(truth, score >= t, average="macro") for t in np.unique(score)}
    chosen = max(every, key=every.__getitem__)
    assert best == max(every.values()) < 1.0
    assert share == (score >= chosen).mean()
    # The product decision is scored as given, the oracle on the ranking alone.
    figures = classifier_ceiling.figures(truth, score, score >= 0.9)
    assert figures["macro_f1"] <= figures["oracle_macro_f1"] == round(best, 4)


def test_oracle_is_perfect_for_a_perfect_ranking() -> None:
    truth = np.array([0, 1, 0, 1, 1, 0, 0, 0], dtype=bool)
    best, share = classifier_ceiling.oracle(truth, truth * 2.0 + 0.5)
    assert (best, share) == (1.0, 3 / 8)
