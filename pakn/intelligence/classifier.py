"""The product's text classifier: kind, field and agency suggestions, and ``classifier_eval``.

One pipeline for every labelling task, tuned for Vietnamese in general rather than for one data
set. Nothing is chosen by looking at evaluation data; the only choices made from data are made by
cross-validation on the training set inside ``fit``.

How it works (a small stacked ensemble of linear models, CPU only, offline):

1. Each text is normalised (``text.normalize``: tone placement, teencode, placeholders), segmented
   into words with pyvi's dictionary, and folded to a diacritic-free copy.
2. Four complementary base models score it:
   - a linear SVM on word uni/bigrams (syllables and dictionary words) plus a few length and
     punctuation statistics, which TF-IDF's length normalisation otherwise throws away;
   - a linear SVM on character n-grams (1–5, within words) of the normalised text, robust to
     misspellings and rare inflections;
   - a linear SVM on words and character n-grams of the diacritic-free text, so that citizens who
     type without diacritics are still understood;
   - Complement Naive Bayes on words, which is strong on short texts and small classes.
   The two first also read the tone lexicon's counts (``lexicon.tone_features``: insults,
   calls for punishment, contempt, profanity), which pool words each too rare to learn alone.
3. A multinomial logistic regression learns how to combine their scores, and the tone counts,
   from out-of-fold predictions on the training set. Its output is the calibrated probability used for top-3
   suggestions and for routing thresholds.
4. ``predict`` adds per-class offsets to the log-probabilities, chosen by cross-validation on the
   training set to maximise macro-F1, so that rare classes are not drowned by frequent ones
   (the probability stays calibrated; only the decision moves).
"""

from __future__ import annotations

import csv
import math
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.naive_bayes import ComplementNB
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from pakn.intelligence.lexicon import tone_features
from pakn.intelligence.text import normalize, segment_lexicon, strip_diacritics

__all__ = [
    "MODEL_VERSION",
    "TextClassifier",
    "build_pipeline",
    "evaluate",
    "load",
    "load_csv",
    "save",
]

# Bump when the features or the model change in a way that makes saved models unusable.
MODEL_VERSION = "pakn-textclf-2"

_WORD_PATTERN = r"(?u)\b\w+\b"
_SENTENCE_END = re.compile(r"[.!?]+")
_SYMBOL = re.compile(r"[^\w\s.,!?'\"()\-:;/]")
_OFFSET_GRID = np.round(np.arange(-2.0, 2.01, 0.1), 2)


def _text_stats(raw: str, normalized: str) -> list[float]:
    """Length, structure and tone of a text: signals TF-IDF's length normalisation removes."""
    words = normalized.split()
    letters = [ch for ch in raw if ch.isalpha()]
    return [
        math.log1p(len(raw)),
        math.log1p(len(words)),
        math.log1p(len(_SENTENCE_END.findall(raw))),
        sum(ch.isupper() for ch in letters) / max(1, len(letters)),
        math.log1p(raw.count("!")),
        math.log1p(raw.count("?")),
        math.log1p(sum(ch.isdigit() for ch in raw)),
        math.log1p(len(_SYMBOL.findall(raw))),
        float(raw == raw.lower()),
        len(set(words)) / max(1, len(words)),
    ]


class _Views:
    """The three forms of each text that the base models read."""

    __slots__ = ("folded", "normalized", "raw", "segmented", "tone")

    def __init__(self, texts: Sequence[str]) -> None:
        self.raw = [t or "" for t in texts]
        # Numbers stay: "lớp 1", "5G", "nghị định 13" carry meaning. Phones, e-mails and URLs
        # still become placeholders, so personal data never turns into a feature.
        self.normalized = [normalize(t, numbers=False) for t in self.raw]
        self.segmented = [segment_lexicon(t) for t in self.normalized]
        self.folded = [strip_diacritics(t) for t in self.normalized]
        self.tone = tone_features(self.normalized)


class _CharTfidf(TfidfVectorizer):
    """``char_wb`` TF-IDF whose ``transform`` looks up each word's n-grams in a cache.

    Within-word character n-grams depend only on the word, and words repeat (Zipf), so the
    feature ids are computed once per distinct word instead of once per n-gram occurrence as in
    scikit-learn's general loop: same output, about three times faster.
    """

    _CACHE_LIMIT = 200_000

    def fit_transform(self, raw_documents: Sequence[str], y: Any = None) -> sp.csr_matrix:  # type: ignore[override]
        # Fitting then transforming also fills the cache with the training vocabulary.
        return self.fit(raw_documents).transform(raw_documents)

    def transform(self, raw_documents: Sequence[str]) -> sp.csr_matrix:  # type: ignore[override]
        cache: dict[str, np.ndarray] = self.__dict__.setdefault("_cache", {})
        if len(cache) > self._CACHE_LIMIT:
            cache.clear()
        analyze = self.build_analyzer()
        vocabulary = self.vocabulary_
        pieces: list[np.ndarray] = []
        lengths: list[int] = []
        for document in raw_documents:
            length = 0
            for word in document.split():
                ids = cache.get(word)
                if ids is None:
                    ids = cache[word] = np.array(
                        [vocabulary[g] for g in analyze(word) if g in vocabulary], dtype=np.int64
                    )
                pieces.append(ids)
                length += len(ids)
            lengths.append(length)
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        flat = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
        counts = sp.csr_matrix(
            (np.ones(len(flat), dtype=self.dtype), flat, indptr),
            shape=(len(lengths), len(vocabulary)),
        )
        counts.sum_duplicates()
        return self._tfidf.transform(counts, copy=False)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_cache", None)
        return state


def _tfidf(analyzer: str, ngram_range: tuple[int, int], min_df: int) -> TfidfVectorizer:
    factory = _CharTfidf if analyzer == "char_wb" else TfidfVectorizer
    return factory(
        analyzer=analyzer,
        ngram_range=ngram_range,
        token_pattern=_WORD_PATTERN if analyzer == "word" else None,
        lowercase=False,  # the text is already normalised
        sublinear_tf=True,
        min_df=min_df,
        dtype=np.float32,
    )


def _fast_macro_f1(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> float:
    counts = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes)
    confusion = counts.reshape(n_classes, n_classes)
    tp = np.diag(confusion).astype(float)
    denominator = confusion.sum(0) + confusion.sum(1)
    f1 = np.divide(2 * tp, denominator, out=np.zeros(n_classes), where=denominator > 0)
    return float(f1.mean())


def _macro_f1_offsets(log_proba: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-class log-probability offsets that maximise macro-F1 (coordinate ascent).

    A change is kept only if it helps by more than a hair, and ties go to the smaller offset, so
    that noise in the out-of-fold predictions does not move the decision for nothing.
    """
    n_classes = log_proba.shape[1]
    offsets = np.zeros(n_classes)
    best = _fast_macro_f1(y, (log_proba + offsets).argmax(1), n_classes)
    classes = [n_classes - 1] if n_classes == 2 else range(n_classes)
    for _ in range(2):
        improved = False
        for c in classes:
            for value in sorted(_OFFSET_GRID, key=abs):
                trial = offsets.copy()
                trial[c] = value
                score = _fast_macro_f1(y, (log_proba + trial).argmax(1), n_classes)
                if score > best + 1e-3:
                    best, offsets, improved = score, trial, True
        if not improved:
            break
    return offsets


class TextClassifier(ClassifierMixin, BaseEstimator):
    """Stacked linear text classifier for Vietnamese; see the module docstring.

    ``C`` is the SVMs' regularisation, ``alpha`` the Naive Bayes smoothing, ``cv`` the number of
    folds used to learn the combination and the decision offsets, ``min_df`` the minimum document
    frequency of a character n-gram, ``tune_offsets`` switches the macro-F1 decision offsets.
    """

    def __init__(
        self,
        *,
        C: float = 0.3,
        alpha: float = 0.1,
        cv: int = 3,
        min_df: int = 2,
        tune_offsets: bool = True,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.alpha = alpha
        self.cv = cv
        self.min_df = min_df
        self.tune_offsets = tune_offsets
        self.random_state = random_state

    # -- features ------------------------------------------------------------------------------

    def _fit_features(self, views: _Views) -> dict[str, sp.csr_matrix]:
        self.vectorizers_ = {
            "syllables": _tfidf("word", (1, 2), 1),
            "words": _tfidf("word", (1, 2), 1),
            "chars": _tfidf("char_wb", (1, 5), self.min_df),
            "folded_words": _tfidf("word", (1, 2), 1),
            "folded_chars": _tfidf("char_wb", (1, 5), self.min_df),
        }
        self.stats_scaler_ = StandardScaler()
        sources = self._sources(views)
        matrices = {
            name: vectorizer.fit_transform(sources[name])
            for name, vectorizer in self.vectorizers_.items()
        }
        matrices["stats"] = sp.csr_matrix(
            self.stats_scaler_.fit_transform(self._stats(views)).astype(np.float32)
        )
        matrices["tone"] = sp.csr_matrix(views.tone)
        return self._assemble(matrices)

    def _transform_features(self, views: _Views) -> dict[str, sp.csr_matrix]:
        sources = self._sources(views)
        matrices = {
            name: vectorizer.transform(sources[name])
            for name, vectorizer in self.vectorizers_.items()
        }
        matrices["stats"] = sp.csr_matrix(
            self.stats_scaler_.transform(self._stats(views)).astype(np.float32)
        )
        matrices["tone"] = sp.csr_matrix(views.tone)
        return self._assemble(matrices)

    @staticmethod
    def _sources(views: _Views) -> dict[str, list[str]]:
        return {
            "syllables": views.normalized,
            "words": views.segmented,
            "chars": views.normalized,
            "folded_words": views.folded,
            "folded_chars": views.folded,
        }

    @staticmethod
    def _stats(views: _Views) -> np.ndarray:
        return np.array(
            [_text_stats(r, n) for r, n in zip(views.raw, views.normalized, strict=True)],
            dtype=np.float64,
        ).reshape(len(views.raw), -1)

    @staticmethod
    def _assemble(m: dict[str, sp.csr_matrix]) -> dict[str, sp.csr_matrix]:
        # The statistics and tone counts are dense and few; a small weight keeps them from
        # dominating the words.
        weight = 0.3
        return {
            "words": sp.hstack(
                [m["syllables"], m["words"], m["stats"] * weight, m["tone"] * weight]
            ).tocsr(),
            "chars": sp.hstack([m["chars"], m["tone"] * weight]).tocsr(),
            "folded": sp.hstack([m["folded_words"], m["folded_chars"]]).tocsr(),
            "counts": sp.hstack([m["syllables"], m["words"]]).tocsr(),
        }

    # -- base models ---------------------------------------------------------------------------

    def _base_models(self) -> list[tuple[str, Any]]:
        def svm() -> LinearSVC:
            # Unweighted: the decision offsets below handle rare classes, and balanced weights
            # made the scores worse to combine (cross-validated on toxic comments).
            return LinearSVC(C=self.C, random_state=self.random_state)

        return [
            ("words", svm()),
            ("chars", svm()),
            ("folded", svm()),
            ("counts", ComplementNB(alpha=self.alpha)),
        ]

    def _scores(self, model: Any, x: sp.csr_matrix) -> np.ndarray:
        if isinstance(model, ComplementNB):
            s = model.predict_log_proba(x)
            return np.asarray(s - s.mean(axis=1, keepdims=True))
        s = model.decision_function(x)
        return np.asarray(s.reshape(-1, 1) if s.ndim == 1 else s)

    # -- fit / predict -------------------------------------------------------------------------

    def fit(self, texts: Sequence[str], labels: Sequence[Any]) -> TextClassifier:
        self.label_encoder_ = LabelEncoder()
        y = self.label_encoder_.fit_transform(list(labels))
        self.classes_ = self.label_encoder_.classes_
        if len(self.classes_) < 2:
            raise ValueError("A classifier needs at least two distinct labels.")
        views = _Views(texts)
        features = self._fit_features(views)

        smallest_class = int(np.bincount(y).min())
        folds = (
            StratifiedKFold(
                min(self.cv, smallest_class), shuffle=True, random_state=self.random_state
            )
            if smallest_class >= 2
            else None
        )
        out_of_fold = []
        self.base_models_ = []
        for name, model in self._base_models():
            x = features[name]
            if folds is not None:
                method = (
                    "predict_log_proba" if isinstance(model, ComplementNB) else "decision_function"
                )
                oof = cross_val_predict(model, x, y, cv=folds, method=method)
                if method == "predict_log_proba":
                    oof = oof - oof.mean(axis=1, keepdims=True)
                out_of_fold.append(oof.reshape(len(y), -1))
            model.fit(x, y)
            if folds is None:
                # Too few examples for cross-validation: combine in-sample scores instead.
                out_of_fold.append(self._scores(model, x))
            self.base_models_.append((name, model))

        stacked = np.hstack([*out_of_fold, views.tone])
        self.combiner_ = LogisticRegression(C=1.0, max_iter=2000)
        self.combiner_.fit(stacked, y)

        self.offsets_ = np.zeros(len(self.classes_))
        if self.tune_offsets and folds is not None:
            oof_proba = cross_val_predict(
                LogisticRegression(C=1.0, max_iter=2000), stacked, y, cv=folds,
                method="predict_log_proba",
            )  # fmt: skip
            self.offsets_ = _macro_f1_offsets(oof_proba, y)
        return self

    def _stacked(self, texts: Sequence[str]) -> np.ndarray:
        views = _Views(texts)
        features = self._transform_features(views)
        scores = [self._scores(m, features[name]) for name, m in self.base_models_]
        return np.hstack([*scores, views.tone])

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated class probabilities, columns in the order of ``classes_``."""
        return np.asarray(self.combiner_.predict_proba(self._stacked(texts)))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Labels chosen for macro-F1 (per-class offsets learnt by cross-validation)."""
        log_proba = self.combiner_.predict_log_proba(self._stacked(texts))
        return np.asarray(self.classes_[(log_proba + self.offsets_).argmax(axis=1)])

    def top_k(self, texts: Sequence[str], k: int = 3) -> list[list[tuple[Any, float]]]:
        """For each text, the ``k`` most probable labels with their probability, best first."""
        proba = self.predict_proba(texts)
        labels = self.classes_.tolist()  # plain Python values, ready for JSON
        order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
        return [
            [(labels[j], float(row[j])) for j in indices]
            for row, indices in zip(proba, order, strict=True)
        ]


def build_pipeline(**params: Any) -> TextClassifier:
    """The product's text classifier, unfitted. ``params`` override ``TextClassifier`` defaults."""
    return TextClassifier(**params)


def save(model: TextClassifier, path: str | Path) -> None:
    """Write a fitted model with the version it was built with."""
    joblib.dump({"version": MODEL_VERSION, "model": model}, Path(path), compress=3)


def load(path: str | Path) -> TextClassifier:
    """Read a model written by ``save``; refuse one from another version of the pipeline.

    Only load files this platform wrote itself: unpickling runs code.
    """
    payload = joblib.load(Path(path))
    if not isinstance(payload, dict) or payload.get("version") != MODEL_VERSION:
        found = payload.get("version") if isinstance(payload, dict) else None
        raise ValueError(f"Model version {found!r} is not {MODEL_VERSION!r}; retrain the model.")
    model = payload["model"]
    if not isinstance(model, TextClassifier):
        raise ValueError("The file does not hold a PAKN text classifier.")
    return model


def load_csv(path: str | Path, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    """Texts and labels from a UTF-8 CSV file with a header row; rows without a label are skipped."""
    texts: list[str] = []
    labels: list[str] = []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {text_column, label_column} - set(reader.fieldnames or [])
        if missing:
            raise KeyError(f"{path}: no column(s) {', '.join(sorted(missing))}")
        for row in reader:
            label = (row[label_column] or "").strip()
            if label:
                texts.append(row[text_column] or "")
                labels.append(label)
    return texts, labels


def evaluate(
    train_texts: Sequence[str],
    train_labels: Sequence[Any],
    test_texts: Sequence[str],
    test_labels: Sequence[Any],
) -> dict[str, float]:
    """Train the product pipeline on one set and score it on another, on one CPU core.

    Returns ``macro_f1``, ``weighted_f1``, ``accuracy``, ``train_seconds`` and
    ``predict_per_second`` (texts per second, preprocessing included).
    """
    with threadpool_limits(limits=1):
        model = build_pipeline()
        start = time.perf_counter()
        model.fit(train_texts, train_labels)
        train_seconds = time.perf_counter() - start
        start = time.perf_counter()
        predicted = model.predict(test_texts)
        predict_seconds = time.perf_counter() - start
    truth = np.asarray(list(test_labels))
    return {
        "macro_f1": float(f1_score(truth, predicted, average="macro")),
        "weighted_f1": float(f1_score(truth, predicted, average="weighted")),
        "accuracy": float(accuracy_score(truth, predicted)),
        "train_seconds": float(train_seconds),
        "predict_per_second": float(len(test_texts) / max(predict_seconds, 1e-9)),
    }
