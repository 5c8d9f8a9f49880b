"""Emerging topics: clusters of recent cases that grow week over week and span agencies and areas.

The cases of the last ``weeks`` weeks are clustered on their folded content words and word
pairs (TF-IDF, L2-normalised, k-means, which on unit vectors groups by cosine; the mini-batch
variant above 10,000 cases). Each
cluster is labelled by the terms nearest its centre and ranked by

    score = log(1 + recent) × growth × reach

where *recent* is the number of its cases in the last ``recent_weeks`` weeks, *growth* is
(recent per week + 1) / (earlier per week + 1) and *reach* rewards topics spread over several
agencies and communes: the systemic issues the national system wants to see early.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from pakn.cases.models import Case
from pakn.core.text import strip_diacritics
from pakn.intelligence.text import normalize_tones

from .duplicates import content_tokens
from .models import Topic, TopicSnapshot

__all__ = ["CaseRow", "TopicResult", "cluster_topics", "latest_topics", "refresh_topics"]

DEFAULT_WEEKS = 8
DEFAULT_RECENT_WEEKS = 1
MIN_CLUSTER_SIZE = 3
MAX_CASES = 50000
MAX_TOPICS = 30
KEY_TERMS = 5


@dataclass
class CaseRow:
    case_id: int
    text: str
    received_at: datetime
    agency_id: int | None = None
    area_id: int | None = None


@dataclass
class TopicResult:
    label: str
    key_terms: list[str]
    case_ids: list[int]
    recent_count: int
    baseline_per_week: float
    growth: float
    agency_count: int
    area_count: int
    score: float
    weekly_counts: list[int] = field(default_factory=list)


def _analyzer(text: str) -> list[str]:
    tokens = content_tokens(text)
    return tokens + [f"{a} {b}" for a, b in pairwise(tokens)]


def _cluster_count(n: int) -> int:
    return max(2, min(MAX_TOPICS * 2, round(math.sqrt(n / 2))))


def cluster_topics(
    rows: list[CaseRow],
    *,
    now: datetime,
    weeks: int = DEFAULT_WEEKS,
    recent_weeks: int = DEFAULT_RECENT_WEEKS,
    n_clusters: int | None = None,
    seed: int = 0,
) -> list[TopicResult]:
    """Cluster ``rows`` and rank the clusters; pure computation, no database."""
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(rows) < MIN_CLUSTER_SIZE * 2:
        return []
    vectorizer = TfidfVectorizer(
        analyzer=_analyzer, min_df=2, max_df=0.5, sublinear_tf=True, max_features=50000
    )
    try:
        matrix = vectorizer.fit_transform([r.text for r in rows])
    except ValueError:  # no term occurs twice: nothing in common
        return []
    k = min(n_clusters or _cluster_count(len(rows)), len(rows) // MIN_CLUSTER_SIZE)
    model: KMeans | MiniBatchKMeans
    if len(rows) <= 10000:
        model = KMeans(n_clusters=max(k, 2), random_state=seed, n_init=5)
    else:
        model = MiniBatchKMeans(
            n_clusters=max(k, 2), random_state=seed, n_init=3, batch_size=1024, max_iter=100
        )
    assignments = model.fit_predict(matrix)
    terms = np.asarray(vectorizer.get_feature_names_out())
    recent_start = now - timedelta(weeks=recent_weeks)
    earlier_weeks = max(weeks - recent_weeks, 1)
    results = []
    for cluster in range(model.n_clusters):
        members = [rows[i] for i in np.flatnonzero(assignments == cluster)]
        if len(members) < MIN_CLUSTER_SIZE:
            continue
        centre = np.asarray(model.cluster_centers_[cluster]).ravel()
        key_terms = _display_terms(_key_terms(terms, centre), [m.text for m in members])
        if not key_terms:
            continue
        recent = sum(1 for m in members if m.received_at >= recent_start)
        baseline = (len(members) - recent) / earlier_weeks
        growth = (recent / recent_weeks + 1.0) / (baseline + 1.0)
        agencies = len({m.agency_id for m in members if m.agency_id is not None})
        areas = len({m.area_id for m in members if m.area_id is not None})
        reach = 1.0 + 0.5 * math.log1p(max(agencies - 1, 0)) + 0.5 * math.log1p(max(areas - 1, 0))
        weekly = Counter(min(int((now - m.received_at).days // 7), weeks - 1) for m in members)
        results.append(
            TopicResult(
                label=", ".join(key_terms[:3]),
                key_terms=key_terms,
                case_ids=[m.case_id for m in members],
                recent_count=recent,
                baseline_per_week=round(baseline, 3),
                growth=round(growth, 3),
                agency_count=agencies,
                area_count=areas,
                score=round(math.log1p(recent) * growth * reach, 4),
                weekly_counts=[weekly.get(w, 0) for w in reversed(range(weeks))],
            )
        )
    results.sort(key=lambda r: (-r.score, -r.recent_count, r.label))
    return results[:MAX_TOPICS]


def _key_terms(terms: np.ndarray, centre: np.ndarray) -> list[str]:
    """The heaviest terms of the centre; a word pair replaces the single words it contains
    ("sinh hoat" rather than "sinh", "hoat")."""
    chosen: list[str] = []
    for index in np.argsort(-centre)[: KEY_TERMS * 6]:
        if centre[index] <= 0:
            break
        term = str(terms[index])
        words = term.split()
        if any(term in c.split() for c in chosen):
            continue  # a word already inside a chosen pair
        inside = [c for c in chosen if c in words]
        if inside:
            chosen = [term if c == inside[0] else c for c in chosen if c not in inside[1:]]
        elif len(chosen) < KEY_TERMS:
            chosen.append(term)
    return chosen


_WORD = re.compile(r"[^\W_]+")


def _display_terms(folded_terms: list[str], texts: list[str]) -> list[str]:
    """Give each folded key term the accented spelling its cluster uses most ("mat nuoc" →
    "mất nước"), so that dashboards show Vietnamese, not search keys."""
    wanted = set(folded_terms)
    spellings: dict[str, Counter[str]] = {term: Counter() for term in wanted}
    for text in texts:
        words = _WORD.findall(normalize_tones(text.lower()))
        folded = [strip_diacritics(w) for w in words]
        for n in (1, 2):
            for i in range(len(words) - n + 1):
                key = " ".join(folded[i : i + n])
                if key in wanted:
                    spellings[key][" ".join(words[i : i + n])] += 1
    return [spellings[t].most_common(1)[0][0] if spellings[t] else t for t in folded_terms]


def _load_rows(start: datetime, end: datetime) -> list[CaseRow]:
    cases = (
        Case.objects.filter(received_at__gte=start, received_at__lt=end)
        .order_by("-received_at")
        .values_list(
            "pk",
            "submission__title",
            "submission__body",
            "received_at",
            "agency_id",
            "submission__commune_id",
            "submission__province_id",
        )[:MAX_CASES]
    )
    return [
        CaseRow(pk, f"{title}\n{body}", received, agency, commune or province)
        for pk, title, body, received, agency, commune, province in cases
    ]


def refresh_topics(
    *,
    now: datetime | None = None,
    weeks: int = DEFAULT_WEEKS,
    recent_weeks: int = DEFAULT_RECENT_WEEKS,
    n_clusters: int | None = None,
) -> TopicSnapshot:
    """Cluster the recent cases and store the ranked topics as a new snapshot."""
    started = time.monotonic()
    now = now or timezone.now()
    start = now - timedelta(weeks=weeks)
    rows = _load_rows(start, now)
    results = cluster_topics(
        rows, now=now, weeks=weeks, recent_weeks=recent_weeks, n_clusters=n_clusters
    )
    with transaction.atomic():
        snapshot = TopicSnapshot.objects.create(
            created_at=now,
            window_start=start,
            window_end=now,
            weeks=weeks,
            recent_weeks=recent_weeks,
            case_count=len(rows),
            seconds=round(time.monotonic() - started, 3),
        )
        Topic.objects.bulk_create(
            Topic(
                snapshot=snapshot,
                rank=rank,
                label=r.label[:200],
                key_terms=r.key_terms,
                size=len(r.case_ids),
                recent_count=r.recent_count,
                baseline_per_week=r.baseline_per_week,
                growth=r.growth,
                agency_count=r.agency_count,
                area_count=r.area_count,
                score=r.score,
                weekly_counts=r.weekly_counts,
                case_ids=r.case_ids[:500],
            )
            for rank, r in enumerate(results, start=1)
        )
    return snapshot


def latest_topics() -> list[dict[str, Any]]:
    """The latest snapshot's topics for the dashboards, best first."""
    snapshot = TopicSnapshot.objects.first()
    if snapshot is None:
        return []
    return [
        dict(row)
        for row in snapshot.topics.values(
            "rank",
            "label",
            "key_terms",
            "size",
            "recent_count",
            "growth",
            "agency_count",
            "area_count",
            "score",
            "weekly_counts",
        )
    ]
