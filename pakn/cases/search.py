"""Ranked search over published cases, in SQL on SQLite and PostgreSQL alike.

The stored keys (``Case.public_search`` over title and body, ``Case.public_title_search`` over
the title) are folded words separated by single spaces, with a space at both ends, so
``LIKE '% den %'`` matches the syllable "đèn"/"đến" but not "đênh", and a phrase such as
"o ga" matches only those syllables side by side. On PostgreSQL the trigram index on
``public_search`` serves these patterns; SQLite scans, which is fine at its sizes.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Q, Value, When

from pakn.core.text import fold, nfc
from pakn.core.tracking import InvalidTrackingCode, normalize_tracking_code

_WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8

# Syllables too common in submissions to tell two issues apart (already folded). A result must
# still hold them when typed (matching whole syllables, they narrow rather than widen), but the
# fallback search never matches on them alone, nor on one-letter words.
STOPWORDS = frozenset(
    [
        "anh",
        "bi",
        "cac",
        "cho",
        "chua",
        "co",
        "cua",
        "da",
        "dang",
        "de",
        "den",
        "duoc",
        "gi",
        "hay",
        "khi",
        "khong",
        "la",
        "lai",
        "lam",
        "len",
        "mot",
        "nay",
        "nen",
        "nguoi",
        "nhieu",
        "nhu",
        "nhung",
        "o",
        "ra",
        "rat",
        "roi",
        "sau",
        "se",
        "tai",
        "thi",
        "toi",
        "trong",
        "tren",
        "tu",
        "va",
        "ve",
        "voi",
        "xin",
        "kien",
        "nghi",
        "phan",
    ]
)

# Tiers of relevance, doubled: within a tier, a title holding one of the words (as typed, when
# typed with marks) comes first. A fallback (OR) search adds PER_WORD per matched word
# (IN_TITLE more when in the title), more than any sum of the rest, so more words rank higher.
PHRASE_IN_TITLE, WORDS_IN_TITLE, PHRASE_IN_BODY, SPREAD = 6, 4, 2, 0
WORD_IN_TITLE = 1
IN_TITLE = 2
PER_WORD = 32
# Results are the best of the newest RANK_WINDOW matches: at a million answers a common word
# matches hundreds of thousands, more than anyone pages through, and ranking them all is what
# would make the search slow (see ``_newest``).
RANK_WINDOW = 1000


def search_words(text: str) -> list[str]:
    """Folded words of ``text``: "Ổ gà, đường Lê Lợi!" → ["o", "ga", "duong", "le", "loi"]."""
    return _WORD.findall(fold(text))


def search_key(text: str) -> str:
    """The stored key of ``text``: its folded words between single spaces, padded at both ends."""
    return f" {' '.join(search_words(text))} "


def query_terms(q: str) -> tuple[str, list[str], list[str]]:
    """The phrase (the folded words typed, in order), the words every result must hold, and
    the words a fallback search may match on (no stop-words, no one-letter words)."""
    words = search_words(q)[: MAX_WORDS * 2]
    required = list(dict.fromkeys(words))[:MAX_WORDS]
    content = [w for w in required if len(w) > 1 and w not in STOPWORDS]
    return " ".join(words), required, content


def _has(column: str, words: str) -> Q:
    return Q(**{f"{column}__contains": f" {words} "})


def _typed(q: str) -> dict[str, str]:
    """Each folded word of ``q`` → the word as typed when it was typed with marks."""
    typed: dict[str, str] = {}
    for word in _WORD.findall(nfc(q).lower()):
        if fold(word) != word:
            typed.setdefault(fold(word), word)
    return typed


def _as_typed(word: str, columns: tuple[str, ...]) -> Q:
    """One of ``columns`` holds ``word`` with its marks, or without any (a text typed without
    marks is no false friend): "đèn" and "đến" fold alike, and a text saying "đến … Đường"
    must not rank as one about "đèn đường". SQLite's LIKE ignores case only in ASCII and
    PostgreSQL's never, hence both usual casings."""
    found = Q()
    for column in columns:
        for form in (word, fold(word)):
            for cased in (form, form[:1].upper() + form[1:]):
                found |= Q(**{f"{column}__contains": cased})
    return found


def _tier(phrase: str, required: list[str], q: str) -> Any:
    typed = _typed(q)
    in_title = Q()
    in_text = Q()
    for marked in typed.values():
        in_title &= _as_typed(marked, ("public_title",))
        in_text &= _as_typed(marked, ("public_title", "public_body"))
    all_in_title = in_title
    any_in_title = Q()
    for word in required:
        all_in_title &= _has("public_title_search", word)
        word_in_title = _has("public_title_search", word)
        if word in typed:
            word_in_title &= _as_typed(typed[word], ("public_title",))
        any_in_title |= word_in_title
    whens = [When(_has("public_title_search", phrase) & in_title, then=Value(PHRASE_IN_TITLE))]
    if len(required) > 1:
        whens.append(When(all_in_title, then=Value(WORDS_IN_TITLE)))
    if " " in phrase:  # a single word is always "in the body": every result holds it
        whens.append(When(_has("public_search", phrase) & in_text, then=Value(PHRASE_IN_BODY)))
    tier = SqlCase(*whens, default=Value(SPREAD), output_field=IntegerField())
    if len(required) == 1:  # the title tiers already say whether the title holds it
        return tier
    bonus = SqlCase(
        When(any_in_title, then=Value(WORD_IN_TITLE)), default=Value(0), output_field=IntegerField()
    )
    return tier + bonus


def rank_search(cases: Any, *, q: str) -> tuple[Any, bool]:
    """``cases`` matching ``q``, best first, annotated with ``search_rank``; and whether no case
    held every word, so that cases holding some of them are returned instead (most words
    first). A tracking code (with or without its dash) finds that case. The order is
    (``search_rank``, ``published_at``, ``pk``), all descending."""
    code = _tracking_code(q)
    if code and cases.filter(submission__tracking_code=code).exists():
        found = cases.filter(submission__tracking_code=code)
        return found.annotate(search_rank=Value(PHRASE_IN_TITLE)).order_by("-pk"), False
    phrase, required, content = query_terms(q)
    if not required:  # only punctuation: every case, newest first, still pageable by rank
        return cases.annotate(search_rank=Value(SPREAD)).order_by("-published_at", "-pk"), False
    every = Q()
    for word in required:
        every &= _has("public_search", word)
    tier = _tier(phrase, required, q)
    fallback = len(required) > 1 and bool(content) and not cases.filter(every).exists()
    if fallback:
        some = Q()
        matched: Any = Value(0)
        for word in content:
            some |= _has("public_search", word)
            matched += SqlCase(
                When(_has("public_title_search", word), then=Value(PER_WORD + IN_TITLE)),
                When(_has("public_search", word), then=Value(PER_WORD)),
                default=Value(0),
                output_field=IntegerField(),
            )
        cases = _newest(cases, some).annotate(search_rank=matched + tier)
    else:
        cases = _newest(cases, every).annotate(search_rank=tier)
    return cases.order_by("-search_rank", "-published_at", "-pk"), fallback


def _newest(cases: Any, condition: Q) -> Any:
    """The ``RANK_WINDOW`` most recently published of ``cases`` matching ``condition``.

    Ranking sorts every row it is given by an expression no index holds; for a common word
    ("đường" is in half of all submissions) that is most of the table. Taking the newest
    matches first is one walk down the publication index that stops after ``RANK_WINDOW``
    rows, whatever the size of the table (a rare word is found through the trigram index)."""
    newest = cases.filter(condition).order_by("-published_at", "-pk").values("pk")
    return cases.filter(pk__in=newest[:RANK_WINDOW])


def _tracking_code(q: str) -> str:
    try:
        return normalize_tracking_code(q)
    except InvalidTrackingCode:
        return ""
