"""A hand-computable data set, placed in time around Tết 2026 (16–20 February off).

Answer deadline: 20 working days from receipt. Received Monday 9 February 2026, the deadline
falls on Monday 16 March (4 working days before Tết, none during it, 16 after); counting
calendar weeks alone would give 9 March.

| case | agency | received | answered | working days | on time | rating | map point |
|------|--------|----------|----------|--------------|---------|--------|-----------|
| A    | a      | 09/02    | Fri 13/03| 19           | yes     | 5      | Lạng Sơn  |
| B    | a      | 09/02    | Tue 17/03| 21           | no      | 2      | Lạng Sơn  |
| C    | a      | 02/03    | Fri 06/03| 4            | yes     | 4      | —         |
| D    | a      | 02/03    | Tue 03/03| 1            | yes     | —      | —         |
| E    | b      | 02/03    | (open)   | —            | —       | —      | Thanh Hóa |

Handling days 1, 4, 19, 21: average 11.25, median 11.5. On time 3 of 4 = 75 %.
Ratings 5, 2, 4: mean 3.67, satisfied (4–5) 2 of 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from pakn.analytics.rollups import rollups_refresh
from pakn.cases import services as S
from pakn.cases.models import Case
from tests.world import World, drive, world  # noqa: F401 - the shared fixture

VN = ZoneInfo("Asia/Ho_Chi_Minh")
LANG_SON = (21.853, 106.761)
THANH_HOA = (19.807, 105.776)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


@dataclass
class Data:
    world: World
    a: Case
    b: Case
    c: Case
    d: Case
    e: Case


def _answered(w: World, received: datetime, answered: datetime, **intake: object) -> Case:
    with time_machine.travel(received, tick=False):
        case = w.new_case(**intake)
        drive(w, case, "answer_review")
    with time_machine.travel(answered, tick=False):
        S.case_approve_answer(case=case, actor=w.leader)
    case.refresh_from_db()
    return case


def _rate(case: Case, score: int, when: datetime) -> None:
    with time_machine.travel(when, tick=False):
        S.submission_rate(case=case, score=score)


@pytest.fixture
def data(world: World) -> Data:  # noqa: F811 - the fixture above
    w = world
    a = _answered(
        w, at(2026, 2, 9, 9), at(2026, 3, 13, 10), latitude=LANG_SON[0], longitude=LANG_SON[1]
    )
    b = _answered(
        w,
        at(2026, 2, 9, 10),
        at(2026, 3, 17, 10),
        kind="recommendation",
        channel="mobile",
        latitude=LANG_SON[0] + 0.001,
        longitude=LANG_SON[1],
    )
    c = _answered(w, at(2026, 3, 2, 9), at(2026, 3, 6, 16))
    d = _answered(w, at(2026, 3, 2, 9), at(2026, 3, 3, 9))
    _rate(a, 5, at(2026, 3, 14, 9))
    _rate(b, 2, at(2026, 3, 18, 9))
    _rate(c, 4, at(2026, 3, 7, 9))
    with time_machine.travel(at(2026, 3, 2, 11), tick=False):
        e = w.new_case(latitude=THANH_HOA[0], longitude=THANH_HOA[1])
        S.case_transfer(case=e, actor=w.intake, to_agency=w.b, reason="Thuộc thẩm quyền sở B.")
    e.refresh_from_db()
    rollups_refresh()
    return Data(w, a, b, c, d, e)
