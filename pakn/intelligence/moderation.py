"""Flags for content the national rules forbid: offensive, inciting, spam, off-topic, personal data.

Two sources, both suggestions for a moderator:

- a Vietnamese lexicon written for PAKN, matched word by word so that a word typed without
  diacritics matches its accented entry ("lua dao" → "lừa đảo") while an accented word only
  matches itself ("ngủ" is not "ngu"); teencode and vulgar abbreviations are entries of their own;
- a small model (character n-grams + logistic regression) trained from moderators' decisions
  (:class:`~pakn.intelligence.models.ModerationLabel`) once there are enough of them, versioned,
  measured and activated like the text classifier (``ClassifierVersion``, task ``moderation``).
  Until then the lexicon works alone.
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pakn.core.redaction import find_personal_data
from pakn.core.text import strip_diacritics
from pakn.intelligence.lexicon import Entry, PhraseIndex
from pakn.intelligence.text import normalize_tones

__all__ = [
    "FLAG_THRESHOLD",
    "LABELS",
    "LEXICON",
    "Flag",
    "ModerationModel",
    "current_model",
    "load_bytes",
    "moderate",
    "moderation_label_record",
    "save_bytes",
    "train_model",
]

OFFENSIVE = "offensive"
INCITING = "inciting"
SPAM = "spam"
OFF_TOPIC = "off_topic"
PERSONAL_DATA = "personal_data"
OK = "ok"
LABELS = (OFFENSIVE, INCITING, SPAM, OFF_TOPIC, PERSONAL_DATA)
FLAG_THRESHOLD = 0.5
MIN_TRAINING_LABELS = 20
# Bump when ModerationModel changes so that stored versions are retrained, not unpickled.
MODEL_VERSION = "pakn-moderation-1"

# Written for PAKN. Weights are how sure one occurrence makes us; several terms add up
# (1 - ∏(1 - w)). Entries are lower case with diacritics where the word has them; the
# no-diacritics spelling is matched automatically, teencode spellings are listed.
LEXICON: dict[str, dict[str, float]] = {
    OFFENSIVE: {
        "địt": 1.0, "đụ": 0.9, "đéo": 0.9, "đếch": 0.6, "lồn": 1.0, "buồi": 1.0, "cặc": 1.0,
        "đĩ": 0.9, "đĩ điếm": 1.0, "chó đẻ": 1.0, "chó má": 0.9, "đồ chó": 0.9, "con chó": 0.5,
        "súc vật": 0.8, "súc sinh": 0.9, "mất dạy": 0.8, "vô học": 0.6, "khốn nạn": 0.8,
        "khốn kiếp": 0.8, "mẹ kiếp": 0.8, "bố láo": 0.7, "láo toét": 0.7, "ngu": 0.6,
        "ngu si": 0.8, "ngu dốt": 0.8, "ngu như bò": 1.0, "ngu như chó": 1.0, "thằng ngu": 1.0,
        "óc chó": 1.0, "óc lợn": 0.9, "não tàn": 0.8, "đần": 0.5, "đần độn": 0.8,
        "ăn hại": 0.6, "ăn bám": 0.5, "lũ quan tham": 0.7, "bọn quan tham": 0.7,
        "bọn ăn hại": 0.9, "lũ ăn hại": 0.9, "lừa đảo": 0.4, "bọn lừa đảo": 0.8,
        "cút": 0.4, "biến đi": 0.4, "chết đi": 0.6, "chết mẹ": 0.8, "chết tiệt": 0.6,
        "vãi": 0.4, "vãi lồn": 1.0, "vãi chưởng": 0.4, "cứt": 0.7, "thằng chó": 1.0,
        # teencode and abbreviations, as written
        "đm": 0.9, "dm": 0.9, "đmm": 1.0, "dmm": 1.0, "đcm": 1.0, "dcm": 1.0, "đkm": 0.9,
        "dkm": 0.9, "vl": 0.7, "vcl": 0.9, "vkl": 0.9, "vln": 0.9, "cc": 0.6, "clgt": 0.9,
        "cmm": 0.9, "cmn": 0.7, "đmcs": 1.0, "dmcs": 1.0, "clm": 0.9, "loz": 0.9,
        "lol": 0.3, "dit": 1.0, "djt": 1.0, "đjt": 1.0, "du ma": 1.0, "đù": 0.4,
        "oc cho": 1.0, "cho chet": 0.8,
    },
    INCITING: {
        "biểu tình": 0.7, "lật đổ": 1.0, "bạo loạn": 1.0, "bạo động": 0.9, "đả đảo": 1.0,
        "xuống đường": 0.6, "chống phá": 0.8, "phản động": 0.6, "khủng bố": 0.4,
        "ly khai": 0.8, "tự trị": 0.2, "vũ trang": 0.2, "đốt trụ sở": 1.0, "đập phá": 0.6,
        "đánh chết": 0.9, "giết hết": 1.0, "giết": 0.3, "tụ tập đông người": 0.6,
        "kêu gọi": 0.3, "tẩy chay": 0.5, "chống đối": 0.5, "lật chế độ": 1.0,
        "đa đảng": 0.7, "việt tân": 1.0, "xuống đường biểu tình": 1.0, "vây trụ sở": 0.9,
        "chiếm trụ sở": 1.0, "bao vây": 0.5,
    },
    SPAM: {
        "kiếm tiền online": 1.0, "kiếm tiền tại nhà": 0.9, "kiếm tiền nhanh": 0.8,
        "việc nhẹ lương cao": 1.0, "thu nhập khủng": 0.8, "vay tiền nhanh": 0.9,
        "vay online": 0.8, "cho vay": 0.4, "giải ngân nhanh": 0.9, "lãi suất thấp": 0.5,
        "khuyến mãi": 0.5, "giảm giá": 0.5, "mua ngay": 0.7, "đặt hàng": 0.4, "click": 0.5,
        "bấm vào link": 0.8, "nhấn vào link": 0.8, "inbox": 0.5, "ib": 0.4, "zalo": 0.3,
        "liên hệ ngay": 0.5, "casino": 0.9, "cá cược": 0.8, "nhà cái": 0.9, "lô đề": 0.8,
        "soi cầu": 0.9, "nổ hũ": 0.9, "trúng thưởng": 0.6, "tặng quà": 0.4,
        "miễn phí": 0.3, "đầu tư sinh lời": 0.7, "sinh lời": 0.4, "tiền ảo": 0.5,
        "follow": 0.4, "like và share": 0.7, "sale": 0.4, "shop": 0.4, "freeship": 0.8,
        "hoa hồng cao": 0.8, "cộng tác viên": 0.4, "ctv": 0.4, "tuyển dụng": 0.3,
    },
    OFF_TOPIC: {
        "bóng đá": 0.5, "tỷ số": 0.4, "ca sĩ": 0.5, "diễn viên": 0.4, "xem phim": 0.6,
        "chơi game": 0.6, "game": 0.4, "crush": 0.7, "người yêu": 0.5, "tỏ tình": 0.8,
        "thất tình": 0.8, "tử vi": 0.8, "xem bói": 0.8, "cung hoàng đạo": 0.9,
        "kết bạn": 0.6, "làm quen": 0.6, "xin chào admin": 0.7, "chào admin": 0.6,
        "admin ơi": 0.5, "test": 0.4, "thử nghiệm gửi": 0.6, "hello": 0.4, "alo": 0.3,
        "chúc mừng năm mới": 0.5, "happy": 0.4, "haha": 0.3, "hihi": 0.3,
    },
}  # fmt: skip

_WORD = re.compile(r"[^\W_]+")
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|info|xyz|top|vip|io|me)\b", re.I
)
_MIN_CONTENT_WORDS = 4


@dataclass(frozen=True)
class Flag:
    label: str
    score: float
    terms: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": round(self.score, 3), "terms": self.terms}


_INDEX = PhraseIndex(LEXICON)


def lexicon_hits(text: str) -> dict[str, list[Entry]]:
    """The distinct lexicon terms found in ``text``, by label (see :mod:`.lexicon` for how)."""
    return _INDEX.hits(text)


def _combine(weights: Iterable[float]) -> float:
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - min(max(weight, 0.0), 1.0)
    return 1.0 - remaining


def _structural_spam(text: str) -> tuple[float, list[str]]:
    urls = _URL.findall(text)
    weights: list[float] = []
    terms: list[str] = []
    if len(urls) >= 2:
        weights.append(0.6 if len(urls) == 2 else 0.9)
        terms.append(f"{len(urls)} liên kết")
    if urls and len(set(urls)) < len(urls):
        weights.append(0.5)
        terms.append("liên kết lặp lại")
    words = _WORD.findall(text.lower())
    if len(words) >= 20:
        top_count = Counter(words).most_common(1)[0][1]
        if len(set(words)) / len(words) < 0.3 or top_count / len(words) > 0.3:
            weights.append(0.6)
            terms.append("nội dung lặp lại")
    return _combine(weights), terms


def _lexicon_flags(text: str) -> dict[str, Flag]:
    flags: dict[str, Flag] = {}
    for label, entries in lexicon_hits(text).items():
        flags[label] = Flag(
            label, _combine(e.weight for e in entries), sorted(e.term for e in entries)
        )
    spam_score, spam_terms = _structural_spam(text)
    if spam_score:
        previous = flags.get(SPAM)
        weights = [spam_score] + ([previous.score] if previous else [])
        terms = (previous.terms if previous else []) + spam_terms
        flags[SPAM] = Flag(SPAM, _combine(weights), terms)
    if len(_WORD.findall(text)) < _MIN_CONTENT_WORDS:
        previous = flags.get(OFF_TOPIC)
        weights = [0.5] + ([previous.score] if previous else [])
        flags[OFF_TOPIC] = Flag(
            OFF_TOPIC, _combine(weights), (previous.terms if previous else []) + ["quá ngắn"]
        )
    spans = find_personal_data(text)
    if spans:
        kinds = sorted({s.kind for s in spans})
        flags[PERSONAL_DATA] = Flag(PERSONAL_DATA, _combine(0.7 for _ in kinds), kinds)
    return flags


# --------------------------------------------------------------------------------------------
# The learned part


def _model_text(text: str) -> str:
    return strip_diacritics(normalize_tones(unicodedata.normalize("NFC", text).lower()))


class ModerationModel:
    """Character n-grams of the folded text + logistic regression over moderators' labels."""

    def __init__(self, texts: list[str], labels: list[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self.pipeline = make_pipeline(
            TfidfVectorizer(
                preprocessor=_model_text,
                analyzer="char_wb",
                ngram_range=(2, 4),
                min_df=1,
                sublinear_tf=True,
                max_features=50000,
            ),
            LogisticRegression(max_iter=1000, class_weight="balanced", C=4.0),
        )
        self.pipeline.fit(texts, labels)
        self.classes: list[str] = [str(c) for c in self.pipeline.classes_]
        self.n_labels = len(texts)

    def predict(self, text: str) -> dict[str, float]:
        probabilities = self.pipeline.predict_proba([text])[0]
        return {label: float(p) for label, p in zip(self.classes, probabilities, strict=True)}


def train_model(texts: list[str], labels: list[str]) -> ModerationModel | None:
    """A model when there is something to learn (enough labels, two classes at least)."""
    if len(texts) < MIN_TRAINING_LABELS or len(set(labels)) < 2:
        return None
    return ModerationModel(texts, labels)


def save_bytes(model: ModerationModel) -> bytes:
    import joblib

    buffer = io.BytesIO()
    joblib.dump({"version": MODEL_VERSION, "model": model}, buffer, compress=3)
    return buffer.getvalue()


def load_bytes(data: bytes | memoryview) -> ModerationModel:
    """A model written by ``save_bytes``. Only bytes this platform wrote: unpickling runs code."""
    import joblib

    payload = joblib.load(io.BytesIO(bytes(data)))
    if not isinstance(payload, dict) or payload.get("version") != MODEL_VERSION:
        raise ValueError(f"Moderation model is not {MODEL_VERSION!r}; retrain it.")
    model = payload["model"]
    if not isinstance(model, ModerationModel):
        raise ValueError("The data does not hold a PAKN moderation model.")
    return model


_cache_lock = threading.Lock()
_cache: dict[str, Any] = {"key": None, "model": None}


def current_model(*, force: bool = False) -> ModerationModel | None:
    """The active moderation version (``ClassifierVersion`` with task ``moderation``), loaded
    once per process and reloaded when another version becomes active; None at cold start.

    Versions are trained from the stored decisions by the scheduled jobs (see ``hooks``);
    ``force`` trains and activates one now.
    """
    from .models import ClassifierTask, ClassifierVersion, VersionStatus
    from .services import NotEnoughData, classifier_train

    if force:
        with contextlib.suppress(NotEnoughData):  # too few decisions: stay with what is active
            classifier_train(
                task=ClassifierTask.MODERATION, triggered_by="kiểm duyệt", force_activate=True
            )
    # The checksum with the id: a version is recognised even where ids are reused (tests).
    active = ClassifierVersion.objects.filter(
        task=ClassifierTask.MODERATION, status=VersionStatus.ACTIVE
    ).values_list("pk", "artifact_sha256")
    key = next(iter(active), None)
    with _cache_lock:
        if key is None:
            return None
        if _cache["key"] == key:
            return _cache["model"]  # type: ignore[no-any-return]
        data = ClassifierVersion.objects.filter(pk=key[0]).values_list("artifact", flat=True)
        found = next(iter(data), None)
        try:
            model = load_bytes(found) if found is not None else None
        except ValueError:
            model = None  # an older model: the lexicon works alone until it is retrained
        _cache.update(key=key, model=model)
        return model


def moderation_label_record(
    *, text: str, label: str, decided_by: Any = None, case: Any = None
) -> Any:
    """Store a moderator's decision (``"ok"`` or one of ``LABELS``): the model learns from it
    at its next training. Call it when an officer confirms or dismisses a flag, or rejects a
    case for violating content."""
    from .models import ModerationLabel

    if label not in {OK, *LABELS}:
        raise ValueError(f"unknown moderation label {label!r}")
    return ModerationLabel.objects.create(text=text, label=label, decided_by=decided_by, case=case)


def moderate(
    text: str, *, model: ModerationModel | None = None, use_model: bool = True
) -> list[Flag]:
    """Flags at or above ``FLAG_THRESHOLD``, most certain first.

    ``model`` defaults to the one trained from moderators' decisions (none at cold start).
    """
    flags = _lexicon_flags(text)
    if model is None and use_model:
        model = current_model()
    if model is not None:
        for label, probability in model.predict(text).items():
            if label not in LABELS:
                continue
            previous = flags.get(label)
            if previous is None or probability > previous.score:
                flags[label] = Flag(label, probability, previous.terms if previous else [])
    chosen = [flag for flag in flags.values() if flag.score >= FLAG_THRESHOLD]
    return sorted(chosen, key=lambda f: (-f.score, f.label))
