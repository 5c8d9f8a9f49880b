from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest

from pakn.core import workdays
from pakn.core.holidays_vn import (
    GIO_TO_HUNG_VUONG,
    NGHI_BU,
    SCHEDULES,
    TET_NGUYEN_DAN,
    DayKind,
    ScheduleStatus,
    SpecialDay,
    YearSchedule,
)
from pakn.core.workdays import (
    VN_TZ,
    Calendar,
    add_working_days,
    has_official_data,
    is_working_day,
    special_day,
    working_days_between,
    working_days_overdue,
)


def local(y: int, m: int, d: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=VN_TZ)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=VN_TZ)


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def special(day: date, calendar: Calendar = workdays.DEFAULT_CALENDAR) -> SpecialDay:
    found = calendar.special_day(day)
    assert found is not None, day
    return found


def weekdays_off(year: int) -> set[date]:
    return {d for d in days_of(year) if d.weekday() < 5 and not is_working_day(d)}


def weekend_days_worked(year: int) -> set[date]:
    return {d for d in days_of(year) if d.weekday() >= 5 and is_working_day(d)}


# --- Vietnamese lunar calendar, to check the lunar dates in the data ------------------------
# Hồ Ngọc Đức's algorithm: new moons and solar longitude after Meeus, days cut at UTC+7 (which is
# what makes the Vietnamese calendar differ from the Chinese one in some years).

_TZ_HOURS = 7
_JD_OFFSET = 1721425  # Julian day number of date.fromordinal(0)


def _new_moon(k: int) -> float:
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    dr = math.pi / 180
    jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 += -0.4068 * math.sin(mpr * dr) + 0.0161 * math.sin(dr * 2 * mpr)
    c1 += -0.0004 * math.sin(dr * 3 * mpr)
    c1 += 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr))
    c1 += -0.0074 * math.sin(dr * (m - mpr)) + 0.0004 * math.sin(dr * (2 * f + m))
    c1 += -0.0004 * math.sin(dr * (2 * f - m)) - 0.0006 * math.sin(dr * (2 * f + mpr))
    c1 += 0.0010 * math.sin(dr * (2 * f - mpr)) + 0.0005 * math.sin(dr * (2 * mpr + m))
    delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd + c1 - delta_t


def _sun_longitude_sector(jdn: int) -> int:
    """Which twelfth of the ecliptic the sun is in at the start of local day ``jdn``."""
    t = (jdn - 0.5 - _TZ_HOURS / 24 - 2451545.0) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    longitude = (l0 + dl) * dr
    longitude -= 2 * math.pi * math.floor(longitude / (2 * math.pi))
    return math.floor(longitude / math.pi * 6)


def _new_moon_day(k: int) -> int:
    return math.floor(_new_moon(k) + 0.5 + _TZ_HOURS / 24)


def _lunar_month_11(year: int) -> int:
    k = math.floor((date(year, 12, 31).toordinal() + _JD_OFFSET - 2415021) / 29.530588853)
    new_moon = _new_moon_day(k)
    return _new_moon_day(k - 1) if _sun_longitude_sector(new_moon) >= 9 else new_moon


def _leap_month_offset(a11: int) -> int:
    k = math.floor((a11 - 2415021.076998695) / 29.530588853 + 0.5)
    i = 1
    arc = _sun_longitude_sector(_new_moon_day(k + i))
    while True:
        last = arc
        i += 1
        arc = _sun_longitude_sector(_new_moon_day(k + i))
        if arc == last or i >= 14:
            return i - 1


def lunar_to_solar(day: int, month: int, year: int) -> date:
    """Solar date of ``day``/``month`` (not a leap month) of lunar ``year``."""
    if month < 11:
        a11, b11 = _lunar_month_11(year - 1), _lunar_month_11(year)
    else:
        a11, b11 = _lunar_month_11(year), _lunar_month_11(year + 1)
    k = math.floor(0.5 + (a11 - 2415021.076998695) / 29.530588853)
    offset = (month - 11) % 12
    if b11 - a11 > 365 and offset >= _leap_month_offset(a11):
        offset += 1
    return date.fromordinal(_new_moon_day(k + offset) + day - 1 - _JD_OFFSET)


@pytest.mark.parametrize(
    ("lunar", "solar"),
    [
        ((1, 1, 2024), date(2024, 2, 10)),
        ((10, 3, 2024), date(2024, 4, 18)),
        ((1, 1, 2025), date(2025, 1, 29)),
        ((10, 3, 2025), date(2025, 4, 7)),
        ((27, 12, 2025), date(2026, 2, 14)),
        ((1, 1, 2026), date(2026, 2, 17)),
        ((6, 1, 2026), date(2026, 2, 22)),
        ((10, 3, 2026), date(2026, 4, 26)),
        ((1, 1, 2027), date(2027, 2, 6)),
        ((10, 3, 2027), date(2027, 4, 16)),
    ],
)
def test_lunar_computation_matches_known_dates(lunar: tuple[int, int, int], solar: date) -> None:
    assert lunar_to_solar(*lunar) == solar


@pytest.mark.parametrize("year", sorted(SCHEDULES))
def test_hung_kings_day_in_data_is_10th_of_third_lunar_month(year: int) -> None:
    hung = lunar_to_solar(10, 3, year)
    if hung.weekday() < 5:
        assert special_day(hung) == SpecialDay(hung, DayKind.HOLIDAY, GIO_TO_HUNG_VUONG)
    else:
        monday = hung + timedelta(days=7 - hung.weekday())
        assert special_day(monday) == SpecialDay(
            monday, DayKind.COMPENSATORY, f"{NGHI_BU} {GIO_TO_HUNG_VUONG}"
        )


_TET_LABEL = re.compile(r"\((\d+) tháng Chạp\)|\(mùng (\d+) Tết\)")


@pytest.mark.parametrize("year", sorted(SCHEDULES))
def test_tet_day_labels_match_the_lunar_calendar(year: int) -> None:
    tet = lunar_to_solar(1, 1, year)
    last_month_length = (tet - lunar_to_solar(1, 12, year - 1)).days
    tet_days = [
        s
        for s in SCHEDULES[year].days
        if s.kind is DayKind.HOLIDAY and s.name.startswith(TET_NGUYEN_DAN)
    ]
    assert tet_days
    for special in tet_days:
        match = _TET_LABEL.search(special.name)
        assert match, special.name
        chap, mung = match.groups()
        if chap:
            expected = tet - timedelta(days=last_month_length - int(chap) + 1)
        else:
            expected = tet + timedelta(days=int(mung) - 1)
        assert special.day == expected, special.name


# --- The data, day by day -------------------------------------------------------------------


def test_2026_weekdays_off_are_exactly_the_announced_ones() -> None:
    assert weekdays_off(2026) == {
        date(2026, 1, 1),  # Tết Dương lịch
        date(2026, 1, 2),  # hoán đổi, làm bù 10/1
        date(2026, 2, 16),  # Tết: 29 tháng Chạp ...
        date(2026, 2, 17),
        date(2026, 2, 18),
        date(2026, 2, 19),
        date(2026, 2, 20),  # ... mùng 4
        date(2026, 4, 27),  # nghỉ bù Giỗ Tổ (Chủ nhật 26/4)
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),  # hoán đổi, làm bù 22/8
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2026, 11, 24),  # Ngày Văn hóa Việt Nam
    }


def test_2026_makeup_working_days_are_saturday_10_january_and_22_august() -> None:
    assert weekend_days_worked(2026) == {date(2026, 1, 10), date(2026, 8, 22)}
    assert special(date(2026, 1, 10)).kind is DayKind.MAKEUP
    assert special(date(2026, 8, 22)).name.startswith("Làm bù")


def test_new_year_2026_break_runs_thursday_to_sunday() -> None:
    assert not any(is_working_day(date(2026, 1, d)) for d in range(1, 5))
    assert is_working_day(date(2025, 12, 31))
    assert is_working_day(date(2026, 1, 5))


def test_tet_2026_break_runs_nine_days_from_14_to_22_february() -> None:
    assert not any(is_working_day(date(2026, 2, d)) for d in range(14, 23))
    assert is_working_day(date(2026, 2, 13))
    assert is_working_day(date(2026, 2, 23))
    assert special(date(2026, 2, 17)).name == "Tết Nguyên đán (mùng 1 Tết)"


def test_hung_kings_2026_falls_on_sunday_and_monday_27_april_is_off() -> None:
    assert not is_working_day(date(2026, 4, 26))
    assert special_day(date(2026, 4, 27)) == SpecialDay(
        date(2026, 4, 27), DayKind.COMPENSATORY, "Nghỉ bù Giỗ Tổ Hùng Vương"
    )
    assert is_working_day(date(2026, 4, 24))
    assert is_working_day(date(2026, 4, 28))


def test_30_april_and_1_may_2026_are_thursday_and_friday_off() -> None:
    assert special(date(2026, 4, 30)).name == "Ngày Chiến thắng"
    assert special(date(2026, 5, 1)).name == "Ngày Quốc tế Lao động"
    assert is_working_day(date(2026, 4, 29))
    assert is_working_day(date(2026, 5, 4))


def test_national_day_2026_pair_and_swap_give_29_august_to_2_september() -> None:
    assert not any(is_working_day(date(2026, 8, d)) for d in range(29, 32))
    assert not is_working_day(date(2026, 9, 1))
    assert not is_working_day(date(2026, 9, 2))
    assert special(date(2026, 9, 1)).name == "Quốc khánh (ngày liền kề)"
    assert special(date(2026, 8, 31)).kind is DayKind.SWAPPED
    assert is_working_day(date(2026, 8, 28))
    assert is_working_day(date(2026, 9, 3))


def test_2025_weekdays_off_are_exactly_the_announced_ones() -> None:
    assert weekdays_off(2025) == {
        date(2025, 1, 1),
        *(date(2025, 1, d) for d in range(27, 32)),  # Tết 28 tháng Chạp - mùng 3
        date(2025, 4, 7),  # Giỗ Tổ
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 5, 2),  # hoán đổi, làm bù 26/4
        date(2025, 9, 1),
        date(2025, 9, 2),
    }


def test_2025_makeup_saturday_26_april_is_a_working_day() -> None:
    assert weekend_days_worked(2025) == {date(2025, 4, 26)}
    assert add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)


def test_culture_day_is_a_day_off_from_2026_only() -> None:
    assert is_working_day(date(2025, 11, 24))
    assert special(date(2026, 11, 24)).name == "Ngày Văn hóa Việt Nam"


def test_2027_is_provisional_derived_from_the_labour_code() -> None:
    assert has_official_data(2025)
    assert has_official_data(2026)
    assert not has_official_data(2027)
    assert workdays.DEFAULT_CALENDAR.has_schedule(2027)
    assert not workdays.DEFAULT_CALENDAR.has_schedule(2028)
    assert SCHEDULES[2027].status is ScheduleStatus.PROVISIONAL
    assert weekdays_off(2027) == {
        date(2027, 1, 1),
        date(2027, 2, 4),  # 28 tháng Chạp
        date(2027, 2, 5),  # 29 tháng Chạp
        date(2027, 2, 8),  # mùng 3
        date(2027, 2, 9),  # nghỉ bù mùng 1 (thứ Bảy)
        date(2027, 2, 10),  # nghỉ bù mùng 2 (Chủ nhật)
        date(2027, 4, 16),  # Giỗ Tổ
        date(2027, 4, 30),
        date(2027, 5, 3),  # nghỉ bù 1/5 (thứ Bảy)
        date(2027, 9, 2),
        date(2027, 9, 3),
        date(2027, 11, 24),
    }
    assert weekend_days_worked(2027) == set()


def test_schedule_refuses_a_day_off_on_a_weekend() -> None:
    with pytest.raises(ValueError, match="weekend"):
        YearSchedule(
            year=2026,
            status=ScheduleStatus.OFFICIAL,
            days=(SpecialDay(date(2026, 4, 26), DayKind.HOLIDAY, GIO_TO_HUNG_VUONG),),
        )


def test_schedule_refuses_a_makeup_day_on_a_weekday_and_a_date_listed_twice() -> None:
    with pytest.raises(ValueError, match="make-up"):
        YearSchedule(
            year=2026,
            status=ScheduleStatus.OFFICIAL,
            days=(SpecialDay(date(2026, 1, 9), DayKind.MAKEUP, "Làm bù"),),
        )
    twice = SpecialDay(date(2026, 1, 1), DayKind.HOLIDAY, "Tết Dương lịch")
    with pytest.raises(ValueError, match="twice"):
        YearSchedule(year=2026, status=ScheduleStatus.OFFICIAL, days=(twice, twice))


# --- Deadlines ------------------------------------------------------------------------------


def test_screening_deadline_of_submission_received_friday_before_tet_2026_skips_tet() -> None:
    received = local(2026, 2, 13, 16, 45)
    assert add_working_days(received, 3) == end_of(2026, 2, 25)


def test_add_working_days_on_a_date_returns_a_date() -> None:
    assert add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 25)
    assert add_working_days(date(2026, 2, 13), 0) == date(2026, 2, 13)


def test_deadline_result_is_the_end_of_the_day_in_vietnam() -> None:
    deadline = add_working_days(local(2026, 3, 4, 9), 1)
    assert deadline.tzinfo is not None
    assert deadline.utcoffset() == timedelta(hours=7)
    assert deadline == end_of(2026, 3, 5)


def test_deadline_crosses_a_weekend() -> None:
    assert add_working_days(local(2026, 3, 5, 10), 2) == end_of(2026, 3, 9)


def test_submission_received_on_saturday_counts_from_monday() -> None:
    saturday = local(2026, 3, 7, 14)
    assert add_working_days(saturday, 0) == end_of(2026, 3, 9)
    assert add_working_days(saturday, 1) == end_of(2026, 3, 10)
    assert add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 10)


def test_submission_received_during_tet_counts_from_first_day_back() -> None:
    assert add_working_days(local(2026, 2, 18, 8), 0) == end_of(2026, 2, 23)


def test_working_day_on_or_after_is_the_day_a_weekend_submission_counts_as_received() -> None:
    assert workdays.working_day_on_or_after(date(2026, 2, 14)) == date(2026, 2, 23)
    assert workdays.working_day_on_or_after(date(2026, 2, 23)) == date(2026, 2, 23)


def test_makeup_saturday_counts_as_a_working_day() -> None:
    assert add_working_days(local(2026, 1, 9, 11), 1) == end_of(2026, 1, 10)
    assert add_working_days(local(2026, 1, 10, 9), 0) == end_of(2026, 1, 10)
    assert add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)


def test_deadline_skips_national_day_2026_break() -> None:
    assert add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_deadline_crosses_into_the_next_year() -> None:
    # 1/1/2027 is a Friday holiday, then a weekend.
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert add_working_days(date(2026, 12, 1), 60) == date(2027, 3, 3)


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 2), -1)


def test_datetime_at_2330_utc_falls_on_the_next_local_day() -> None:
    thursday_utc = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)  # Friday 06:30 in Hà Nội
    assert workdays.to_local_date(thursday_utc) == date(2026, 3, 6)
    assert add_working_days(thursday_utc, 0) == end_of(2026, 3, 6)
    friday_utc = datetime(2026, 3, 6, 23, 30, tzinfo=UTC)  # Saturday in Hà Nội
    assert not is_working_day(friday_utc)
    assert add_working_days(friday_utc, 0) == end_of(2026, 3, 9)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        add_working_days(datetime(2026, 3, 5, 10), 1)


# --- Counting -------------------------------------------------------------------------------


def test_working_days_between_counts_days_after_a_up_to_b() -> None:
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 25)) == 3
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert working_days_between(date(2026, 3, 7), date(2026, 3, 8)) == 0


def test_working_days_between_is_zero_when_b_is_not_after_a() -> None:
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert working_days_between(date(2026, 3, 20), date(2026, 3, 2)) == 0
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 20)) == 14


def test_working_days_between_undoes_add_working_days() -> None:
    for start in days_of(2025) + days_of(2026) + days_of(2027):
        if not is_working_day(start):
            continue
        for n in (0, 1, 3, 10, 60):
            assert working_days_between(start, add_working_days(start, n)) == n, (start, n)


def test_working_days_between_adds_up_across_years() -> None:
    a, b, c = date(2025, 6, 15), date(2026, 2, 20), date(2027, 12, 31)
    assert working_days_between(a, c) == working_days_between(a, b) + working_days_between(b, c)
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == sum(
        is_working_day(d) for d in days_of(2026)
    )


def test_working_days_between_uses_local_days_of_aware_datetimes() -> None:
    a = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)  # Friday 6/3 in Vietnam
    b = local(2026, 3, 9, 8)
    assert working_days_between(a, b) == 1


def test_overdue_counts_working_days_after_the_deadline_day() -> None:
    due = add_working_days(local(2026, 2, 13, 16, 45), 3)  # end of Wednesday 25/2
    assert working_days_overdue(due, local(2026, 2, 25, 20)) == 0
    assert working_days_overdue(due, local(2026, 2, 26, 9)) == 1
    assert working_days_overdue(due, local(2026, 2, 28, 9)) == 2  # Saturday adds nothing
    assert working_days_overdue(due, local(2026, 3, 2, 9)) == 3
    assert working_days_overdue(due, local(2026, 2, 20, 9)) == 0


# --- Years without data, injected days ------------------------------------------------------


def test_year_without_data_falls_back_to_fixed_holidays_and_warns_once() -> None:
    calendar = Calendar()
    with mock.patch.object(workdays.logger, "warning") as warning:
        assert not calendar.has_official_data(2028)
        # 1/1/2028 is a Saturday: nghỉ bù on Monday 3/1.
        assert calendar.add_working_days(local(2028, 1, 1, 9), 0) == end_of(2028, 1, 4)
        assert not calendar.is_working_day(date(2028, 1, 3))
        assert special(date(2028, 1, 3), calendar).kind is DayKind.COMPENSATORY
        # 30/4/2028 is a Sunday and 1/5 a Monday holiday: nghỉ bù on Tuesday 2/5.
        assert not calendar.is_working_day(date(2028, 5, 2))
        assert not calendar.is_working_day(date(2028, 11, 24))
        assert calendar.is_working_day(date(2028, 1, 26))  # Tết is unknown without data
    warning.assert_called_once()
    assert 2028 in warning.call_args.args


def test_injected_day_off_moves_deadlines_of_that_calendar_only() -> None:
    local_holiday = SpecialDay(date(2026, 3, 10), DayKind.HOLIDAY, "Ngày lễ địa phương")
    calendar = Calendar(extra_days=[local_holiday])
    assert calendar.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 11)
    assert calendar.special_day(date(2026, 3, 10)) == local_holiday
    assert add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 10)


def test_injected_schedules_replace_the_default_data() -> None:
    calendar = Calendar(schedules={})
    with mock.patch.object(workdays.logger, "warning"):
        assert calendar.is_working_day(date(2026, 2, 17))
        assert not calendar.has_official_data(2026)
