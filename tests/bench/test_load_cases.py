"""The benchmark loader writes consistent data: every case has its submission and a valid case
log, statuses and dates agree, search keys and duplicate index match the product's own code,
and the rebuilt rollups match a recount."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from pakn.analytics import selectors as analytics
from pakn.cases.log import verify_chain
from pakn.cases.models import Answer, Case, CaseEvent, Rating, Status
from pakn.core.text import fold
from pakn.core.tracking import normalize_tracking_code
from pakn.intelligence import duplicates
from pakn.intelligence.models import DuplicateSignature, SignatureScope
from pakn.submissions.models import Submission

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import load_cases

pytestmark = pytest.mark.django_db
N = 150


@pytest.fixture
def loaded() -> load_cases.Loaded:
    return load_cases.load(n=N, seed=7)


def test_every_case_has_its_submission_and_a_valid_chained_log(loaded) -> None:
    assert Case.objects.count() == Submission.objects.count() == N
    assert set(Case.objects.values_list("submission_id", flat=True)) == set(
        Submission.objects.values_list("pk", flat=True)
    )
    assert verify_chain() is None
    seqs = Counter(CaseEvent.objects.values_list("case_id", flat=True))
    for case_id, log_seq in Case.objects.values_list("pk", "log_seq"):
        assert seqs[case_id] == log_seq >= 1
    for code in Submission.objects.values_list("tracking_code", flat=True)[:50]:
        assert normalize_tracking_code(code) == code


def test_statuses_dates_answers_and_ratings_agree(loaded) -> None:
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses <= set(Status.values) and len(statuses) >= 6
    for case in Case.objects.all():
        assert case.due_at and case.screening_due_at and case.received_at < case.due_at
        answered = case.status in (Status.ANSWERED, Status.PUBLISHED, Status.CLOSED)
        assert (case.answered_at is not None) == answered
        if case.status == Status.PUBLISHED:
            assert case.published_at and case.public_search
        last = CaseEvent.objects.filter(case=case).order_by("-seq").first()
        assert last is not None and last.to_status == case.status
    in_answer = Case.objects.filter(
        status__in=[Status.ANSWER_REVIEW, Status.ANSWERED, Status.PUBLISHED, Status.CLOSED]
    )
    assert Answer.objects.count() == in_answer.count()
    assert not Rating.objects.exclude(case__answered_at__isnull=False).exists()


def test_search_keys_and_duplicate_index_match_the_product(loaded) -> None:
    for s in Submission.objects.all()[:60]:
        assert s.search_text == fold(f"{s.title} {s.body}")
    assert DuplicateSignature.objects.filter(scope=SignatureScope.SUBMISSION).count() == N
    case = Case.objects.select_related("submission").first()
    assert case is not None
    text = f"{case.submission.title}\n{case.submission.body}"
    row = DuplicateSignature.objects.get(case_id=case.pk, scope=SignatureScope.SUBMISSION)
    signature = duplicates.Signature.of(text)
    assert [getattr(row, name) for name in duplicates.BAND_FIELDS] == signature.bands
    found = duplicates.candidates(signature, scope=SignatureScope.SUBMISSION)
    assert case.pk in [c.case_id for c in found]


def test_rollups_match_a_recount(loaded) -> None:
    root = loaded.tree.root
    figures = analytics.figures_of(
        [root.pk], analytics.Period.last_months(13), analytics.FIGURE_DIMS
    )
    total = figures[root.pk]
    assert total.received == N
    assert total.answered == Case.objects.filter(answered_at__isnull=False).count()
    by_status = Counter(Case.objects.values_list("status", flat=True))
    assert {k: v for k, v in total.counters["status"].items() if v} == dict(by_status)
