from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from pakn.cases import services as S
from pakn.core import tracking
from pakn.submissions.models import Submission

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent writers need PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_get_unique_codes_even_when_generator_collides(world, monkeypatch):
    """Eight submissions at once; every first attempt draws the same code. The unique
    constraint makes all but one retry, and each ends with its own valid code."""
    colliding = tracking.generate_tracking_code()
    drawn: dict[int, int] = {}
    real = tracking.generate_tracking_code

    def generator() -> str:
        ident = threading.get_ident()
        drawn[ident] = drawn.get(ident, 0) + 1
        return colliding if drawn[ident] == 1 else real()

    monkeypatch.setattr(S, "generate_tracking_code", generator)
    barrier = threading.Barrier(8)
    results, errors = [], []

    def submit(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(
                S.submission_intake(data=world.intake_data(title=f"Phản ánh đồng thời số {i}"))
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    codes = [r.tracking_code for r in results]
    assert len(set(codes)) == 8
    assert colliding in codes
    assert Submission.objects.count() == 8
    for code in codes:
        assert tracking.normalize_tracking_code(code) == code


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_with_one_idempotency_key_create_one_case(world):
    """Eight retries of one send at once: the unique key lets one insert win; the others wait
    for it, are refused, and answer with its code and token."""
    barrier = threading.Barrier(8)
    results, errors = [], []

    def submit() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(S.submission_intake(data=world.intake_data(idempotency_key="api:race")))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(r.created for r in results) == [False] * 7 + [True]
    assert len({(r.tracking_code, r.access_token) for r in results}) == 1
    assert Submission.objects.count() == 1
