"""Working days of Vietnamese state agencies, and deadlines counted in them.

A working day is a Monday to Friday that is not a day off in :mod:`pakn.core.holidays_vn`, or a
Saturday or Sunday listed there as worked in exchange (làm bù). Days are local to Vietnam
(Asia/Ho_Chi_Minh): aware datetimes are converted first; naive datetimes are refused, since the
same wall-clock time is a different day in UTC.

Deadlines: something received on a non-working day counts as received on the next working day,
and a deadline of ``n`` working days ends at 23:59:59.999999 local time on the ``n``-th working
day after that day (``n = 0``: the end of that day itself).

A year with no schedule falls back to the holidays fixed in the solar calendar (and their
compensatory days) with a logged warning, so a running system keeps going on 1 January of a year
nobody has entered yet. Tết and Giỗ Tổ then count as working days, which makes deadlines come
out earlier than they should, never later. :func:`has_official_data` tells whether a year has
the Government's announced schedule.

Each year's working days are computed once into a sorted tuple of ordinals, so adding or
counting working days is a binary search, not a walk over the days.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import overload
from zoneinfo import ZoneInfo

from pakn.core.holidays_vn import (
    FIXED_HOLIDAYS,
    NGHI_BU,
    SCHEDULES,
    DayKind,
    ScheduleStatus,
    SpecialDay,
    YearSchedule,
)

logger = logging.getLogger(__name__)

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def to_local_date(value: date | datetime) -> date:
    """The calendar day in Vietnam of a date or an aware datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime")
        return value.astimezone(VN_TZ).date()
    return value


def end_of_day(day: date) -> datetime:
    """23:59:59.999999 in Vietnam on ``day``: the moment a deadline on that day ends."""
    return datetime.combine(day, time.max, tzinfo=VN_TZ)


def fallback_days(year: int) -> tuple[SpecialDay, ...]:
    """Days off of a year with no schedule: the fixed-date holidays and their compensatory days.

    A holiday on a weekend is taken on the next weekday that is not itself a holiday (30/4 on a
    Sunday with 1/5 on the Monday gives the Tuesday off).
    """
    names = {
        date(year, month, day_of_month): name
        for month, day_of_month, name, first_year in FIXED_HOLIDAYS
        if year >= first_year
    }
    taken = {d for d in names if d.weekday() < 5}
    days = [SpecialDay(d, DayKind.HOLIDAY, names[d]) for d in sorted(taken)]
    for holiday in sorted(d for d in names if d.weekday() >= 5):
        substitute = holiday + timedelta(days=1)
        while substitute.weekday() >= 5 or substitute in taken:
            substitute += timedelta(days=1)
        taken.add(substitute)
        days.append(SpecialDay(substitute, DayKind.COMPENSATORY, f"{NGHI_BU} {names[holiday]}"))
    return tuple(sorted(days, key=lambda s: s.day))


@dataclass(frozen=True, slots=True)
class _Year:
    working: tuple[int, ...]
    """Ordinals of the year's working days, ascending."""
    working_set: frozenset[int]
    specials: Mapping[date, SpecialDay]


class Calendar:
    """Working days from per-year schedules, with optional days of one's own on top.

    ``extra_days`` override the schedules for their dates: an agency's local day off
    (``DayKind.HOLIDAY``) or a weekend it works (``DayKind.MAKEUP``). Tests build a calendar
    with their own ``schedules``.
    """

    def __init__(
        self,
        schedules: Mapping[int, YearSchedule] | None = None,
        *,
        extra_days: Iterable[SpecialDay] = (),
    ) -> None:
        self._schedules = dict(SCHEDULES if schedules is None else schedules)
        self._specials_by_year: dict[int, dict[date, SpecialDay]] = {}
        for schedule in self._schedules.values():
            for special in schedule.days:
                self._specials_by_year.setdefault(special.day.year, {})[special.day] = special
        self._extra_by_year: dict[int, dict[date, SpecialDay]] = {}
        for special in extra_days:
            self._extra_by_year.setdefault(special.day.year, {})[special.day] = special
        self._years: dict[int, _Year] = {}

    def has_schedule(self, year: int) -> bool:
        """Whether ``year`` has a schedule, official or provisional (no fall-back)."""
        return year in self._schedules

    def has_official_data(self, year: int) -> bool:
        """Whether ``year`` has the schedule the Government announced, not a derived one."""
        schedule = self._schedules.get(year)
        return schedule is not None and schedule.status is ScheduleStatus.OFFICIAL

    def special_day(self, value: date | datetime) -> SpecialDay | None:
        """The holiday, compensatory, swapped or make-up day on that day, if any."""
        day = to_local_date(value)
        return self._year(day.year).specials.get(day)

    def is_working_day(self, value: date | datetime) -> bool:
        day = to_local_date(value)
        return day.toordinal() in self._year(day.year).working_set

    def working_day_on_or_after(self, value: date | datetime) -> date:
        return self._nth_working_day(to_local_date(value), 0)

    @overload
    def add_working_days(self, start: datetime, n: int) -> datetime: ...

    @overload
    def add_working_days(self, start: date, n: int) -> date: ...

    def add_working_days(self, start: date | datetime, n: int) -> date | datetime:
        """The ``n``-th working day after ``start`` (``start`` itself when ``n`` is 0).

        A ``start`` on a non-working day counts from the next working day. For a datetime the
        result is the end of that day in Vietnam (an aware datetime), for a date the date.
        """
        if n < 0:
            raise ValueError(f"n must be 0 or more, not {n}")
        day = self._nth_working_day(to_local_date(start), n)
        return end_of_day(day) if isinstance(start, datetime) else day

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """How many working days fall after ``a``'s day, up to and including ``b``'s day.

        0 when ``b`` is on or before ``a``'s day. For ``a`` on a working day,
        ``working_days_between(a, add_working_days(a, n)) == n``.
        """
        first, last = to_local_date(a), to_local_date(b)
        if last <= first:
            return 0
        year = self._year(first.year)
        if first.year == last.year:
            return bisect_right(year.working, last.toordinal()) - bisect_right(
                year.working, first.toordinal()
            )
        count = len(year.working) - bisect_right(year.working, first.toordinal())
        for middle in range(first.year + 1, last.year):
            count += len(self._year(middle).working)
        return count + bisect_right(self._year(last.year).working, last.toordinal())

    def working_days_overdue(self, due: date | datetime, now: date | datetime) -> int:
        """Working days elapsed since the due day, for "quá hạn N ngày".

        Counts the working days after ``due``'s day up to and including ``now``'s day, so it is
        0 until the first working day after the deadline; whether a deadline has passed at all
        is ``now > due``.
        """
        return self.working_days_between(due, now)

    def _nth_working_day(self, day: date, n: int) -> date:
        year_number = day.year
        year = self._year(year_number)
        position = bisect_left(year.working, day.toordinal()) + n
        while position >= len(year.working):
            position -= len(year.working)
            year_number += 1
            year = self._year(year_number)
        return date.fromordinal(year.working[position])

    def _year(self, year_number: int) -> _Year:
        year = self._years.get(year_number)
        if year is None:
            year = self._build_year(year_number)
            self._years[year_number] = year
        return year

    def _build_year(self, year_number: int) -> _Year:
        specials: dict[date, SpecialDay] = {}
        if year_number not in self._schedules:
            logger.warning(
                "No holiday schedule for %s: counting only the fixed-date holidays "
                "(no Tết, no Giỗ Tổ Hùng Vương). Add the year to pakn/core/holidays_vn.py.",
                year_number,
            )
            specials.update((s.day, s) for s in fallback_days(year_number))
        specials.update(self._specials_by_year.get(year_number, {}))
        specials.update(self._extra_by_year.get(year_number, {}))
        working: list[int] = []
        first = date(year_number, 1, 1).toordinal()
        last = date(year_number, 12, 31).toordinal()
        for ordinal in range(first, last + 1):
            day = date.fromordinal(ordinal)
            special = specials.get(day)
            is_off = special.kind.is_day_off if special else day.weekday() >= 5
            if not is_off:
                working.append(ordinal)
        return _Year(tuple(working), frozenset(working), specials)


DEFAULT_CALENDAR = Calendar()


def has_official_data(year: int) -> bool:
    return DEFAULT_CALENDAR.has_official_data(year)


def special_day(value: date | datetime) -> SpecialDay | None:
    return DEFAULT_CALENDAR.special_day(value)


def is_working_day(value: date | datetime) -> bool:
    return DEFAULT_CALENDAR.is_working_day(value)


def working_day_on_or_after(value: date | datetime) -> date:
    return DEFAULT_CALENDAR.working_day_on_or_after(value)


@overload
def add_working_days(start: datetime, n: int) -> datetime: ...


@overload
def add_working_days(start: date, n: int) -> date: ...


def add_working_days(start: date | datetime, n: int) -> date | datetime:
    """See :meth:`Calendar.add_working_days`."""
    return DEFAULT_CALENDAR.add_working_days(start, n)


def working_days_between(a: date | datetime, b: date | datetime) -> int:
    """See :meth:`Calendar.working_days_between`."""
    return DEFAULT_CALENDAR.working_days_between(a, b)


def working_days_overdue(due: date | datetime, now: date | datetime) -> int:
    """See :meth:`Calendar.working_days_overdue`."""
    return DEFAULT_CALENDAR.working_days_overdue(due, now)
