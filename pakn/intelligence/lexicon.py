"""Phrase lexicons matched word by word, with or without diacritics.

One matcher for every Vietnamese word list of the platform: the moderation lexicon
(:mod:`pakn.intelligence.moderation`) and the tone lexicon below, read by the text classifier.

Matching rules: an accented word matches only itself ("ngủ" is not "ngu"); a word typed without
diacritics matches any accented spelling ("lua dao" → "lừa đảo"); and in a text typed *with*
diacritics a short unmarked word is taken for the everyday word it is, not for a term whose
marks were left off ("đi" is not "đĩ").

The tone lexicon is written for PAKN from general Vietnamese usage, not extracted from any data
set: words that insult or dehumanise, that call for punishment, that mark contempt for a person
or group, and profanity. A comment is usually toxic through such words, and each one alone is
rare; counted per group, they let a classifier trained on a few hundred examples recognise an
insult it has never seen.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pakn.core.text import strip_diacritics
from pakn.intelligence.text import normalize_tones

__all__ = [
    "TONE_GROUPS",
    "TONE_LEXICON",
    "Entry",
    "PhraseIndex",
    "tone_features",
]

WORD = re.compile(r"[^\W_]+")
# Below this share of words with diacritics a text counts as typed without them.
MARKED_TEXT_SHARE = 0.2
# Folded, these short words are everyday Vietnamese ("di động", "Nguyễn Du", "đi"): in a text
# typed with diacritics an unmarked one is that other word, not a term without its marks.
SHORT_TERM = 3


@dataclass(frozen=True)
class Entry:
    label: str
    term: str
    words: tuple[str, ...]
    folded: tuple[str, ...]
    weight: float


@lru_cache(maxsize=200_000)
def _fold(word: str) -> str:
    # Words repeat (Zipf): folding each distinct word once makes matching several times faster.
    return strip_diacritics(word)


def _has_marks(word: str) -> bool:
    return _fold(word) != word


def _word_matches(text_word: str, folded_text_word: str, term_word: str, folded_term: str) -> bool:
    """An accented word matches only itself; a word typed without marks matches any accent."""
    if text_word == term_word:
        return True
    return not _has_marks(text_word) and folded_text_word == folded_term


class PhraseIndex:
    """Terms grouped by label, looked up by their first word without diacritics."""

    def __init__(self, lexicon: Mapping[str, Mapping[str, float] | Iterable[str]]) -> None:
        self.labels = tuple(lexicon)
        self._by_first: dict[str, list[Entry]] = {}
        for label, terms in lexicon.items():
            weighted = terms if isinstance(terms, Mapping) else dict.fromkeys(terms, 1.0)
            for term, weight in weighted.items():
                words = tuple(WORD.findall(normalize_tones(term.lower())))
                if not words:
                    continue
                folded = tuple(strip_diacritics(w) for w in words)
                entry = Entry(label, term, words, folded, float(weight))
                self._by_first.setdefault(folded[0], []).append(entry)

    def matches(self, text: str) -> list[Entry]:
        """Every occurrence of every term in ``text`` (a term found twice is listed twice)."""
        words = WORD.findall(normalize_tones(unicodedata.normalize("NFC", text).lower()))
        folded = [_fold(w) for w in words]
        marked = sum(1 for w, f in zip(words, folded, strict=True) if w != f)
        typed_with_marks = bool(words) and marked / len(words) >= MARKED_TEXT_SHARE
        found: list[Entry] = []
        for i, key in enumerate(folded):
            for entry in self._by_first.get(key, ()):
                n = len(entry.words)
                if i + n > len(words):
                    continue
                if (
                    n == 1
                    and typed_with_marks
                    and len(entry.folded[0]) <= SHORT_TERM
                    and words[i] != entry.words[0]
                ):
                    continue
                if all(
                    _word_matches(words[i + j], folded[i + j], entry.words[j], entry.folded[j])
                    for j in range(n)
                ):
                    found.append(entry)
        return found

    def hits(self, text: str) -> dict[str, list[Entry]]:
        """The distinct terms found in ``text``, by label."""
        by_label: dict[str, dict[str, Entry]] = {}
        for entry in self.matches(text):
            by_label.setdefault(entry.label, {})[entry.term] = entry
        return {label: list(entries.values()) for label, entries in by_label.items()}


INSULT = "insult"
CONDEMNATION = "condemnation"
CONTEMPT = "contempt"
PROFANITY = "profanity"
TONE_GROUPS = (PROFANITY, INSULT, CONDEMNATION, CONTEMPT)

TONE_LEXICON: dict[str, tuple[str, ...]] = {
    PROFANITY: (
        "địt", "đụ", "đéo", "đếch", "lồn", "buồi", "cặc", "đĩ", "điếm", "cứt", "đm", "dm", "đmm",
        "dmm", "đcm", "dcm", "đkm", "dkm", "vl", "vcl", "vkl", "vãi", "cc", "clgt", "cmm", "cmn",
        "loz", "đù", "má nó", "mẹ nó", "con mẹ nó", "bố nó", "cha nó", "mẹ kiếp",
    ),
    INSULT: (
        "ngu", "ngu si", "ngu dốt", "ngu ngốc", "dốt", "dốt nát", "đần", "đần độn", "óc chó",
        "óc lợn", "não tàn", "não cá vàng", "thiểu năng", "khốn nạn", "khốn kiếp", "mất dạy",
        "vô học", "vô giáo dục", "mất nết", "láo", "láo toét", "bố láo", "hỗn", "hỗn láo",
        "ăn hại", "ăn bám", "đồ", "hèn", "hèn hạ", "đê tiện", "bỉ ổi", "đểu", "đểu cáng",
        "lưu manh", "côn đồ", "du côn", "mất nhân tính", "vô nhân tính", "vô lương tâm",
        "vô liêm sỉ", "trơ trẽn", "trơ tráo", "mặt dày", "nhục", "nhục nhã", "đáng xấu hổ",
        "xấu hổ", "tởm", "kinh tởm", "ghê tởm", "thối", "thối nát", "rác", "rác rưởi", "cặn bã",
        "sâu mọt", "ký sinh", "điên", "khùng", "hâm", "dở hơi", "thần kinh", "tâm thần",
        "bệnh hoạn", "biến thái", "ảo tưởng", "hề", "trò hề", "lố bịch", "nực cười",
        "buồn cười", "chém gió", "nổ", "xạo", "bốc phét", "láo lếu", "điêu", "lừa đảo", "lừa",
        "bịp", "bịp bợm", "gian", "gian manh", "gian xảo", "tham", "tham lam", "tham nhũng",
        "quan tham", "ác", "ác ôn", "ác độc", "độc ác", "tàn nhẫn", "dã man", "man rợ",
        "tàn bạo", "mất não", "hãm", "hãm tài", "dơ", "dơ bẩn", "bẩn", "bẩn thỉu", "tồi",
        "tồi tệ", "tệ hại", "kém cỏi", "vô dụng", "bất tài", "bất lương", "vô cảm", "ích kỷ",
        "đạo đức giả", "giả tạo", "giả dối", "xảo trá", "ngạo mạn", "kiêu ngạo", "vô văn hóa",
        "thô lỗ", "trẻ trâu", "bò", "lợn", "chó", "khỉ", "thú", "cầm thú", "súc vật",
        "súc sinh", "mặt người dạ thú", "yêu râu xanh", "quỷ", "ác quỷ", "ma quỷ", "quái vật",
        "ôn dịch", "khốn", "chết tiệt", "đáng ghét", "ghét", "căm", "căm phẫn", "phẫn nộ",
        "bức xúc", "cạn lời", "hết nói", "chán", "chán đời", "nhảm", "nhảm nhí", "vớ vẩn",
        "tào lao", "xàm", "vô duyên", "vô lý", "quái gở", "ngớ ngẩn", "ngáo", "ngáo đá",
        "phản động", "bán nước", "việt gian", "tay sai",
    ),
    CONDEMNATION: (
        "tử hình", "xử nặng", "xử thật nặng", "án nặng", "mức án cao nhất", "kịch khung",
        "tù chung thân", "chung thân", "bắn bỏ", "xử bắn", "treo cổ", "đền tội", "quả báo",
        "nghiệp", "đáng đời", "đáng kiếp", "chết đi", "chết", "giết", "đánh chết", "trừng trị",
        "nghiêm trị", "cách ly khỏi xã hội", "thiến", "nhẹ quá", "còn nhẹ", "tù mọt gông",
        "mọt gông", "bóc lịch", "đi tù",
    ),
    CONTEMPT: (
        "thằng", "con mụ", "mụ", "bọn", "lũ", "tụi", "chúng mày", "bọn mày", "mày", "tao", "hắn",
        "thằng cha", "con nhỏ", "ả", "lão", "bọn này", "lũ này", "loại người", "loại",
        "cái loại", "hạng người", "cỡ", "đám", "phường", "quân", "fan cuồng", "anti",
    ),
}  # fmt: skip

_TONE_INDEX = PhraseIndex(TONE_LEXICON)


def tone_features(texts: Sequence[str]) -> np.ndarray:
    """Per text and tone group: log(1 + occurrences), then whether the group occurs at all."""
    rows = np.zeros((len(texts), 2 * len(TONE_GROUPS)), dtype=np.float32)
    column = {group: i for i, group in enumerate(TONE_GROUPS)}
    for r, text in enumerate(texts):
        counts = [0] * len(TONE_GROUPS)
        for entry in _TONE_INDEX.matches(text):
            counts[column[entry.label]] += 1
        for i, n in enumerate(counts):
            rows[r, i] = math.log1p(n)
            rows[r, len(TONE_GROUPS) + i] = float(n > 0)
    return rows
