"""Near-duplicate detection: the same issue sent again, reworded, from the same place or person.

How it scales without a linear scan:

1. Text → content words: :func:`pakn.intelligence.text.fold` (NFC, one tone placement, teencode,
   no diacritics, placeholders for numbers, phones, e-mails), minus Vietnamese function words and
   the boilerplate every submission has ("kính gửi", "đề nghị").
2. Content words → a MinHash signature of ``NUM_PERM`` values → ``BANDS`` band hashes of
   ``ROWS`` values each (locality-sensitive hashing: two texts whose word sets have Jaccard
   similarity *s* share at least one band with probability 1 − (1 − s⁴)³⁰: 0.54 at s = 0.4,
   0.86 at s = 0.5, 0.98 at s = 0.6, but 0.3 % at s = 0.1 and 0.02 % at s = 0.05, the overlap
   of unrelated submissions, so a few hundred rows of a million answer a query).
3. The band hashes live in :class:`~pakn.intelligence.models.DuplicateSignature`, one indexed
   column per band, so every web process asks the same database with one indexed
   ``b00 = ? OR b01 = ? OR …`` query (SQLite: multi-index OR; PostgreSQL: bitmap OR), which
   also brings the same person's cases and the same commune's cases of the same weeks. A row is
   written by the post-intake hook, so the index is fresh as soon as that step ran, and a
   periodic job catches anything missed.
4. The same query ranks at most ``CANDIDATE_LIMIT`` matching rows by the number of bands they
   share (same person and same place count too) and returns the best ``RERANK_LIMIT``, which
   are re-ranked in Python by :func:`token_similarity` plus bonuses for the same commune within
   ``NEAR_DAYS`` days and the same phone number or e-mail.

:func:`text_similarity` is the product's similarity; ``duplicates_eval`` scores exactly it,
against :func:`threshold`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from pakn.cases.models import OPEN_STATUSES, Case, Status
from pakn.core.phones import normalize_phone
from pakn.core.tracking import format_tracking_code
from pakn.intelligence.text import fold

from .models import BANDS, DuplicateSignature, SignatureScope

__all__ = [
    "BANDS",
    "NUM_PERM",
    "Signature",
    "band_hashes",
    "content_tokens",
    "find_duplicates",
    "find_duplicates_for_text",
    "index_case",
    "index_pending",
    "index_public",
    "minhash",
    "similar_published",
    "text_similarity",
    "threshold",
    "token_similarity",
]

ROWS = 4
NUM_PERM = BANDS * ROWS
CANDIDATE_LIMIT = 400  # bounds the worst query; measured on 1M rows, see bench/duplicates_1m.py
RERANK_LIMIT = 60
MAX_TOKENS = 400
DEFAULT_THRESHOLD = 0.45
PUBLISHED_MIN_SIMILARITY = 0.2
NEAR_DAYS = 14
PHONE_DAYS = 180
PLACE_TIME_BONUS = 0.15
PLACE_BONUS = 0.05
PERSON_BONUS = 0.15
BONUS_FLOOR = 0.15  # metadata alone never makes a duplicate: the texts must share something
DUPLICATE_STATUSES = (*OPEN_STATUSES, Status.PUBLISHED)
PUBLIC_STATUSES = (Status.PUBLISHED, Status.CLOSED)
BAND_FIELDS = tuple(f"b{i:02d}" for i in range(BANDS))

# Function words and submission boilerplate, folded. Written for PAKN.
STOPWORDS = frozenset(
    """
    va voi cua la co khong duoc bi da dang se cac nhung mot hai nay do kia cho trong tai o thi
    ma den tu ra vao len nhu cung rat qua nhieu it lai con khi neu vi nen de theo ve tren duoi
    sau truoc hay hoac nhung ca moi tung nao gi ai dau sao the vay roi chua van luon chi moi
    toi chung ta minh ho ong ba anh chi em ban chau co chu bac nguoi dan gia dinh
    kinh gui xin de nghi phan anh kien nghi mong muon cac cap co quan chuc nang xem xet giai
    quyet som can thiet hien nay tinh trang viec su nhan thay cam on tran trong ly do noi dung
    dia ban khu vuc thuoc xa phuong tinh huyen thanh pho quan so
    xxnum xxphone xxemail xxurl haha
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_TOKEN = re.compile(r"[a-z0-9]+")
_MASK63 = np.uint64(0x7FFFFFFFFFFFFFFF)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """A fast 64-bit mixer (wrap-around arithmetic on uint64 arrays)."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


# Fixed seeds: signatures must be identical in every process and across releases.
_SEEDS = _splitmix64(np.arange(1, NUM_PERM + 1, dtype=np.uint64) * np.uint64(0x5DEECE66D))
_BAND_SALTS: dict[str, np.ndarray] = {
    scope: _splitmix64(
        np.arange(BANDS, dtype=np.uint64) + np.uint64(1000 if scope == SignatureScope.PUBLIC else 0)
    )
    for scope in (SignatureScope.SUBMISSION, SignatureScope.PUBLIC)
}


@lru_cache(maxsize=262144)
def _token_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")


def token_hashes(tokens: Sequence[str]) -> np.ndarray:
    return np.fromiter((_token_hash(t) for t in set(tokens)), dtype=np.uint64)


def minhash(hashes: np.ndarray) -> np.ndarray:
    """MinHash signatures. ``hashes``: (n,) token hashes of one text, or (docs, n) for a batch
    (pad a row by repeating one of its hashes). Returns (NUM_PERM,) or (docs, NUM_PERM)."""
    mixed = _splitmix64(hashes[..., None] ^ _SEEDS)
    return mixed.min(axis=-2)  # type: ignore[no-any-return]


def band_hashes(signatures: np.ndarray, scope: str = SignatureScope.SUBMISSION) -> np.ndarray:
    """Band hashes as non-negative int64, (BANDS,) or (docs, BANDS)."""
    rows = signatures.reshape(*signatures.shape[:-1], BANDS, ROWS)
    combined = np.broadcast_to(_BAND_SALTS[scope], rows.shape[:-1])
    for j in range(ROWS):
        combined = _splitmix64(combined ^ rows[..., j])
    return (combined & _MASK63).astype(np.int64)


def content_tokens(text: str) -> list[str]:
    """Folded content words of ``text`` in order (function words and placeholders removed)."""
    return [
        t for t in _TOKEN.findall(fold(text)) if t not in STOPWORDS and (len(t) > 1 or t.isdigit())
    ][:MAX_TOKENS]


def _bigrams(tokens: Sequence[str]) -> set[str]:
    return {f"{a} {b}" for a, b in pairwise(tokens)}


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


class _Shingles:
    """A text's word set and word-pair set, built once per comparison side."""

    __slots__ = ("pairs", "words")

    def __init__(self, tokens: Sequence[str]) -> None:
        self.words = set(tokens)
        self.pairs = _bigrams(tokens)

    def similarity(self, other: _Shingles) -> float:
        return (
            0.4 * _jaccard(self.words, other.words)
            + 0.3 * _overlap(self.words, other.words)
            + 0.3 * _jaccard(self.pairs, other.pairs)
        )


def token_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Similarity of two content-word sequences in [0, 1].

    Words (Jaccard and overlap, so that a short restatement of a long text still scores) and
    word pairs (which keep compounds like "ngập úng" and street names together)."""
    return _Shingles(a).similarity(_Shingles(b))


def text_similarity(a: str, b: str) -> float:
    """The product's similarity of two texts, as used for duplicates and by ``duplicates_eval``."""
    return token_similarity(content_tokens(a), content_tokens(b))


def threshold() -> float:
    """Similarity at or above which a case is flagged as a likely duplicate."""
    return float(getattr(settings, "PAKN_DUPLICATE_THRESHOLD", DEFAULT_THRESHOLD))


@dataclass(frozen=True)
class Signature:
    tokens: list[str]
    bands: list[int]

    @classmethod
    def of(cls, text: str, scope: str = SignatureScope.SUBMISSION) -> Signature:
        tokens = content_tokens(text)
        if not tokens:
            return cls(tokens, [])
        return cls(tokens, [int(b) for b in band_hashes(minhash(token_hashes(tokens)), scope)])


def phone_key(contact: str) -> str:
    """A keyed digest of the submitter's phone number (or e-mail when there is no phone): the
    index never holds the contact itself."""
    contact = (contact or "").strip()
    value = contact.lower() if "@" in contact else (normalize_phone(contact) if contact else "")
    if not value:
        return ""
    return hashlib.blake2b(
        value.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=8
    ).hexdigest()


# --------------------------------------------------------------------------------------------
# Writing the index


def _save_signature(
    *,
    case_id: int,
    scope: str,
    text: str,
    commune_id: int | None,
    phone: str,
    received_at: datetime,
) -> DuplicateSignature:
    signature = Signature.of(text, scope)
    bands = signature.bands or [-(case_id * BANDS + i) - 1 for i in range(BANDS)]  # never match
    values: dict[str, Any] = {
        "tokens": " ".join(signature.tokens),
        "commune_id": commune_id,
        "phone_key": phone_key(phone),
        "received_at": received_at,
        **dict(zip(BAND_FIELDS, bands, strict=True)),
    }
    # One INSERT … ON CONFLICT DO UPDATE (SQLite and PostgreSQL) instead of a read, a savepoint
    # and a write: the index is written for every new case.
    (row,) = DuplicateSignature.objects.bulk_create(
        [DuplicateSignature(case_id=case_id, scope=scope, **values)],
        update_conflicts=True,
        unique_fields=["case", "scope"],
        update_fields=list(values),
    )
    return row


def index_case(case: Case) -> DuplicateSignature:
    """Index the text as sent (for officers' duplicate checks)."""
    submission = case.submission
    return _save_signature(
        case_id=case.pk,
        scope=SignatureScope.SUBMISSION,
        text=f"{submission.title}\n{submission.body}",
        commune_id=submission.commune_id,
        phone=submission.submitter_phone or submission.submitter_email,
        received_at=case.received_at,
    )


def index_public(case: Case) -> DuplicateSignature:
    """Index the published, redacted text (for the portal); nothing private goes in."""
    return _save_signature(
        case_id=case.pk,
        scope=SignatureScope.PUBLIC,
        text=f"{case.public_title}\n{case.public_body}",
        commune_id=None,
        phone="",
        received_at=case.published_at or case.received_at,
    )


def index_pending(*, batch: int = 1000, now: datetime | None = None) -> int:
    """Index what the intake hook missed, recent publications, and a batch of the backlog."""
    now = now or timezone.now()
    recent = now - timedelta(days=2)
    done = 0
    submission_rows = DuplicateSignature.objects.filter(
        scope=SignatureScope.SUBMISSION, case_id=OuterRef("pk")
    )
    public_rows = DuplicateSignature.objects.filter(
        scope=SignatureScope.PUBLIC, case_id=OuterRef("pk")
    )
    lowest = DuplicateSignature.objects.filter(scope=SignatureScope.SUBMISSION).aggregate(
        m=Min("case_id")
    )["m"]
    missing = Case.objects.filter(~Exists(submission_rows)).select_related("submission")
    backlog = missing if lowest is None else missing.filter(pk__lt=lowest)
    # Submission.created_at is indexed; Case.created_at is not.
    for queryset in (missing.filter(submission__created_at__gte=recent), backlog):
        for case in queryset.order_by("-pk")[:batch]:
            index_case(case)
            done += 1
    published = Case.objects.filter(status__in=PUBLIC_STATUSES, published_at__isnull=False).filter(
        ~Exists(public_rows)
    )
    lowest_public = DuplicateSignature.objects.filter(scope=SignatureScope.PUBLIC).aggregate(
        m=Min("case_id")
    )["m"]
    public_backlog = published if lowest_public is None else published.filter(pk__lt=lowest_public)
    for queryset in (published.filter(published_at__gte=recent), public_backlog):
        for case in queryset.order_by("-pk")[:batch]:
            index_public(case)
            done += 1
    return done


# --------------------------------------------------------------------------------------------
# Querying


@dataclass(frozen=True)
class Candidate:
    case_id: int
    similarity: float
    text_similarity: float
    reasons: list[str]


def _ranked_rows(
    bands: Sequence[int],
    *,
    scope: str,
    key: str,
    since: datetime,
    commune_id: int | None,
    when: datetime,
    exclude_case_id: int | None,
    limit: int,
) -> list[tuple[int, str, int | None, str, datetime]]:
    """One indexed SQL query (hand-written: building 30 conditional expressions with the ORM
    costs more than running them). The inner select collects rows sharing a band, or the same
    phone number, through the band indexes (SQLite: multi-index OR, PostgreSQL: bitmap OR),
    bounded by ``limit``; the outer one ranks them by the number of shared bands, an estimate
    of word-set similarity, with the same person first, and returns the best ``RERANK_LIMIT``."""
    table = connection.ops.quote_name(DuplicateSignature._meta.db_table)
    q = connection.ops.quote_name
    matches = [f"{q(name)} = %s" for name in BAND_FIELDS[: len(bands)]]
    params: list[Any] = [scope, *bands]
    if key:
        matches.append(f"({q('phone_key')} = %s AND {q('received_at')} >= %s)")
        params += [key, connection.ops.adapt_datetimefield_value(since)]
    near = (when - timedelta(days=NEAR_DAYS), when + timedelta(days=NEAR_DAYS))
    if commune_id is not None:
        matches.append(
            f"({q('commune_id')} = %s AND {q('received_at')} >= %s AND {q('received_at')} <= %s)"
        )
        params += [commune_id, *map(connection.ops.adapt_datetimefield_value, near)]
    where = f"{q('scope')} = %s AND ({' OR '.join(matches)})"
    if exclude_case_id is not None:
        where += f" AND {q('case_id')} <> %s"
        params.append(exclude_case_id)
    params.append(limit)
    score = [f"CASE WHEN {q(name)} = %s THEN 1 ELSE 0 END" for name in BAND_FIELDS[: len(bands)]]
    order_params: list[Any] = list(bands)
    if key:
        score.append(f"CASE WHEN {q('phone_key')} = %s THEN {BANDS} ELSE 0 END")
        order_params.append(key)
    if commune_id is not None:
        # Same place and weeks: worth two shared bands, not more (a busy commune has many).
        score.append(
            f"CASE WHEN {q('commune_id')} = %s AND {q('received_at')} >= %s "
            f"AND {q('received_at')} <= %s THEN 2 ELSE 0 END"
        )
        order_params += [commune_id, *map(connection.ops.adapt_datetimefield_value, near)]
    # Only quoted constant names are interpolated; every value is a parameter.
    sql = (
        f"SELECT {q('case_id')}, {q('tokens')}, {q('commune_id')}, {q('phone_key')}, "  # noqa: S608  # nosec B608
        f"{q('received_at')} FROM {table} WHERE {q('id')} IN "
        f"(SELECT {q('id')} FROM {table} WHERE {where} LIMIT %s) "
        f"ORDER BY {' + '.join(score) or '0'} DESC, {q('case_id')} DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *order_params, RERANK_LIMIT])
        rows = cursor.fetchall()
    return [(int(r[0]), r[1], r[2], r[3], _as_datetime(r[4])) for r in rows]


def _as_datetime(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def candidates(
    signature: Signature,
    *,
    scope: str,
    phone: str = "",
    commune_id: int | None = None,
    received_at: datetime | None = None,
    exclude_case_id: int | None = None,
    limit: int = CANDIDATE_LIMIT,
) -> list[Candidate]:
    """Rows sharing a band, the phone number, or the commune within ``NEAR_DAYS`` days,
    found with one indexed query and re-ranked by :class:`_Shingles` similarity plus bonuses."""
    key = phone_key(phone)
    when = received_at or timezone.now()
    if not signature.bands and not key and commune_id is None:
        return []
    chosen = _ranked_rows(
        signature.bands,
        scope=scope,
        key=key,
        since=when - timedelta(days=PHONE_DAYS),
        commune_id=commune_id,
        when=when,
        exclude_case_id=exclude_case_id,
        limit=limit,
    )
    query = _Shingles(signature.tokens)
    found = []
    for case_id, tokens, row_commune, row_phone, row_received in chosen:
        text_score = query.similarity(_Shingles(tokens.split()))
        score = text_score
        reasons = [f"nội dung giống {round(text_score * 100)}%"]
        if text_score >= BONUS_FLOOR:
            if commune_id is not None and row_commune == commune_id:
                if abs((row_received - when).days) <= NEAR_DAYS:
                    score += PLACE_TIME_BONUS
                    reasons.append(f"cùng xã/phường, gửi trong vòng {NEAR_DAYS} ngày")
                else:
                    score += PLACE_BONUS
                    reasons.append("cùng xã/phường")
            if key and row_phone == key:
                score += PERSON_BONUS
                reasons.append("cùng người gửi")
        found.append(Candidate(case_id, min(score, 1.0), text_score, reasons))
    found.sort(key=lambda c: (-c.similarity, -c.case_id))
    return found


def _with_codes(
    found: list[Candidate], *, statuses: Sequence[str], minimum: float, limit: int
) -> list[tuple[Candidate, dict[str, Any]]]:
    shortlist = [c for c in found if c.similarity >= minimum][: limit * 4]
    if not shortlist:
        return []
    cases: dict[int, dict[str, Any]] = {
        row["pk"]: dict(row)
        for row in Case.objects.filter(
            pk__in=[c.case_id for c in shortlist], status__in=statuses
        ).values("pk", "status", "public_title", "submission__tracking_code")
    }
    return [(c, cases[c.case_id]) for c in shortlist if c.case_id in cases][:limit]


def find_duplicates_for_text(
    text: str,
    *,
    phone: str = "",
    commune_id: int | None = None,
    received_at: datetime | None = None,
    exclude_case_id: int | None = None,
    limit: int = 5,
    minimum: float | None = None,
) -> list[dict[str, Any]]:
    """Open or published cases that are likely the same issue, best first:
    ``[{"case_id", "code", "similarity", "reason"}]``."""
    found = candidates(
        Signature.of(text),
        scope=SignatureScope.SUBMISSION,
        phone=phone,
        commune_id=commune_id,
        received_at=received_at,
        exclude_case_id=exclude_case_id,
    )
    pairs = _with_codes(
        found,
        statuses=DUPLICATE_STATUSES,
        minimum=threshold() if minimum is None else minimum,
        limit=limit,
    )
    return [
        {
            "case_id": c.case_id,
            "code": format_tracking_code(row["submission__tracking_code"]),
            "similarity": round(c.similarity, 3),
            "reason": "; ".join(c.reasons),
        }
        for c, row in pairs
    ]


def find_duplicates(case: Case, *, limit: int = 5) -> list[dict[str, Any]]:
    """Likely duplicates of ``case`` among the other open and published cases."""
    submission = case.submission
    return find_duplicates_for_text(
        f"{submission.title}\n{submission.body}",
        phone=submission.submitter_phone or submission.submitter_email,
        commune_id=submission.commune_id,
        received_at=case.received_at,
        exclude_case_id=case.pk,
        limit=limit,
    )


def similar_published(text: str, limit: int = 5) -> list[dict[str, Any]]:
    """Published answers similar to what a citizen is typing, from public text only:
    ``[{"case_id", "code", "title", "similarity"}]``."""
    found = candidates(Signature.of(text, SignatureScope.PUBLIC), scope=SignatureScope.PUBLIC)
    pairs = _with_codes(
        found, statuses=PUBLIC_STATUSES, minimum=PUBLISHED_MIN_SIMILARITY, limit=limit
    )
    return [
        {
            "case_id": c.case_id,
            "code": format_tracking_code(row["submission__tracking_code"]),
            "title": row["public_title"],
            "similarity": round(c.text_similarity, 3),
        }
        for c, row in pairs
    ]
