from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from pakn.cases import services as S
from pakn.cases.models import Case
from pakn.intelligence import topics as T
from pakn.intelligence.models import Topic, TopicSnapshot
from tests.factories import AgencyFactory

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PLACES = ["Đông Kinh", "Tam Thanh", "Hoàng Văn Thụ", "Chi Lăng", "Thất Khê", "Hàm Rồng", "Bỉm Sơn"]

WATER = [
    "Mất nước sinh hoạt {n} ngày liền ở {p}, nước máy không chảy, dân phải đi xin nước.",
    "Nước máy ở {p} mất liên tục, công ty cấp nước không thông báo lịch cắt nước.",
    "Khu dân cư {p} mất nước sinh hoạt, bể chứa cạn, đề nghị cấp nước bằng xe bồn.",
]
LANDSLIDE = [
    "Sạt lở đất taluy dương trên tỉnh lộ qua {p}, đá lăn xuống mặt đường nguy hiểm.",
    "Taluy sạt lở ở {p} sau mưa, đất đá tràn mặt đường, cần cắm biển cảnh báo.",
]
LIGHTS = [
    "Đèn chiếu sáng công cộng ở {p} hỏng {n} bóng, buổi tối tối om.",
    "Hệ thống đèn đường khu {p} không sáng, đề nghị thay bóng đèn chiếu sáng.",
]


def _rows(rng: random.Random) -> list[T.CaseRow]:
    rows = []
    next_id = 1

    def add(templates: list[str], weeks_ago: float, agency: int, area: int) -> None:
        nonlocal next_id
        text = rng.choice(templates).format(p=rng.choice(PLACES), n=rng.randint(2, 9))
        when = NOW - timedelta(days=weeks_ago * 7 + rng.random())
        rows.append(T.CaseRow(next_id, text, when, agency, area))
        next_id += 1

    for week in range(8):
        for _ in range(3):  # steady
            add(LANDSLIDE, week + 0.2, agency=1, area=10)
        for _ in range(4 if week >= 4 else 1):  # fading
            add(LIGHTS, week + 0.2, agency=2, area=20)
    for i in range(14):  # emerging this week, across agencies and communes
        add(WATER, 0.2, agency=3 + i % 4, area=30 + i % 5)
    add(WATER, 5.2, agency=3, area=30)
    return rows


def test_the_growing_topic_across_agencies_ranks_first():
    results = T.cluster_topics(_rows(random.Random(7)), now=NOW, n_clusters=3)
    assert len(results) == 3
    top = results[0]
    assert "mất nước" in top.key_terms
    assert top.recent_count >= 14 and top.growth > 5
    assert top.agency_count >= 4 and top.area_count >= 5
    by_term = {("sạt lở" in r.key_terms or "taluy" in r.label): r for r in results}
    steady = by_term[True]
    assert steady.growth == pytest.approx((3 + 1) / (3 + 1), abs=0.35)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert top.weekly_counts[-1] >= 14 and len(top.weekly_counts) == 8


def test_too_few_cases_give_no_topics():
    assert T.cluster_topics(_rows(random.Random(1))[:4], now=NOW) == []


@pytest.mark.django_db
def test_refresh_stores_a_ranked_snapshot_and_the_command_prints_it(root_agency):
    agencies = [root_agency] + [AgencyFactory(parent=root_agency) for _ in range(6)]
    for row in _rows(random.Random(3)):
        case = S.submission_intake(
            data=S.IntakeData(
                kind="report",
                title=row.text[:60],
                body=row.text,
                submitter_name="Nguyễn Văn An",
                phone="0912345678",
                consent=True,
            )
        ).case
        Case.objects.filter(pk=case.pk).update(
            received_at=row.received_at, agency=agencies[(row.agency_id or 0) % len(agencies)]
        )
    snapshot = T.refresh_topics(now=NOW, n_clusters=3)
    topics = list(snapshot.topics.order_by("rank"))
    assert [t.rank for t in topics] == list(range(1, len(topics) + 1))
    assert "nước" in topics[0].label
    assert topics[0].agency_count >= 3
    assert T.latest_topics()[0]["label"] == topics[0].label

    out = StringIO()
    call_command("topics_refresh", "--clusters", "3", stdout=out)
    assert TopicSnapshot.objects.count() == 2
    assert Topic.objects.filter(snapshot=TopicSnapshot.objects.first()).exists()
    assert "chủ đề" in out.getvalue()


def test_topics_work_with_the_network_disabled(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    assert T.cluster_topics(_rows(random.Random(5)), now=NOW, n_clusters=3)
