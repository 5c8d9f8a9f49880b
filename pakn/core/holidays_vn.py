"""Public holidays and swapped working days of Vietnamese civil servants, as data per year.

Only what changes a working day is listed: days off that fall on Monday to Friday (holidays,
Tết days, compensatory days "nghỉ bù", days swapped off "nghỉ hoán đổi") and the Saturdays or
Sundays worked in exchange ("làm bù"). A holiday that falls on a weekend is not listed itself;
its compensatory weekday is.

The legal frame is Bộ luật Lao động 2019, Điều 112: Tết Dương lịch 1 ngày (1/1), Tết Âm lịch
5 ngày, Giỗ Tổ Hùng Vương 1 ngày (10/3 âm lịch), Ngày Chiến thắng 1 ngày (30/4), Ngày Quốc tế
Lao động 1 ngày (1/5), Quốc khánh 2 ngày (2/9 and the day before or after); a holiday on a weekly
day off is taken on the next working day. Nghị quyết 28/2026/QH16 adds Ngày Văn hóa Việt Nam
(24/11) from 2026. Each year the Government (through the Ministry of Home Affairs, before March
2025 the Ministry of Labour) fixes which Tết days, which day next to 2/9, and any swaps.

To add a year: copy a block of ``SCHEDULES``, list every weekday off and every weekend day
worked from the official notice, set ``status`` and ``sources``. ``YearSchedule`` refuses a
day off on a weekend, a make-up day on a weekday and a date listed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class DayKind(StrEnum):
    HOLIDAY = "holiday"
    """A statutory holiday or Tết day (ngày lễ, Tết)."""
    COMPENSATORY = "compensatory"
    """Nghỉ bù: a holiday fell on a weekend, so the next working day is off."""
    SWAPPED = "swapped"
    """Nghỉ hoán đổi: a working day moved to a weekend day, to make a longer break."""
    MAKEUP = "makeup"
    """Làm bù: a Saturday or Sunday worked in exchange for a swapped day."""

    @property
    def is_day_off(self) -> bool:
        return self is not DayKind.MAKEUP


class ScheduleStatus(StrEnum):
    OFFICIAL = "official"
    """Taken from the Government's announcements for that year."""
    PROVISIONAL = "provisional"
    """Derived from the Labour Code and the lunar calendar before any announcement."""


@dataclass(frozen=True, slots=True)
class SpecialDay:
    day: date
    kind: DayKind
    name: str
    """Vietnamese name, as shown to people."""


@dataclass(frozen=True, slots=True)
class YearSchedule:
    year: int
    status: ScheduleStatus
    days: tuple[SpecialDay, ...]
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        seen: set[date] = set()
        for special in self.days:
            if special.day in seen:
                raise ValueError(f"{special.day} is listed twice in the {self.year} schedule")
            seen.add(special.day)
            on_weekend = special.day.weekday() >= 5
            if special.kind.is_day_off and on_weekend:
                raise ValueError(
                    f"{special.day} ({special.name}) is a weekend day: list its compensatory "
                    "weekday instead"
                )
            if not special.kind.is_day_off and not on_weekend:
                raise ValueError(f"{special.day} ({special.name}) is a make-up day on a weekday")

    @property
    def days_off(self) -> tuple[SpecialDay, ...]:
        return tuple(s for s in self.days if s.kind.is_day_off)

    @property
    def makeup_days(self) -> tuple[SpecialDay, ...]:
        return tuple(s for s in self.days if s.kind is DayKind.MAKEUP)


TET_DUONG_LICH = "Tết Dương lịch"
TET_NGUYEN_DAN = "Tết Nguyên đán"
GIO_TO_HUNG_VUONG = "Giỗ Tổ Hùng Vương"
NGAY_CHIEN_THANG = "Ngày Chiến thắng"
QUOC_TE_LAO_DONG = "Ngày Quốc tế Lao động"
QUOC_KHANH = "Quốc khánh"
NGAY_VAN_HOA = "Ngày Văn hóa Việt Nam"
NGHI_BU = "Nghỉ bù"
NGHI_HOAN_DOI = "Nghỉ hoán đổi"
LAM_BU = "Làm bù"

VAN_HOA_FIRST_YEAR = 2026

# Dates fixed in the solar calendar: what the fall-back uses for a year with no schedule.
FIXED_HOLIDAYS: tuple[tuple[int, int, str, int], ...] = (
    # (month, day, name, first year)
    (1, 1, TET_DUONG_LICH, 1),
    (4, 30, NGAY_CHIEN_THANG, 1),
    (5, 1, QUOC_TE_LAO_DONG, 1),
    (9, 2, QUOC_KHANH, 1),
    (11, 24, NGAY_VAN_HOA, VAN_HOA_FIRST_YEAR),
)


def _holiday(y: int, m: int, d: int, name: str) -> SpecialDay:
    return SpecialDay(date(y, m, d), DayKind.HOLIDAY, name)


def _compensatory(y: int, m: int, d: int, holiday: str) -> SpecialDay:
    return SpecialDay(date(y, m, d), DayKind.COMPENSATORY, f"{NGHI_BU} {holiday}")


def _swapped(y: int, m: int, d: int, occasion: str) -> SpecialDay:
    return SpecialDay(date(y, m, d), DayKind.SWAPPED, f"{NGHI_HOAN_DOI} dịp {occasion}")


def _makeup(y: int, m: int, d: int, occasion: str, swapped_for: str) -> SpecialDay:
    return SpecialDay(
        date(y, m, d), DayKind.MAKEUP, f"{LAM_BU} dịp {occasion} (cho ngày {swapped_for})"
    )


SCHEDULES: dict[int, YearSchedule] = {
    2025: YearSchedule(
        year=2025,
        status=ScheduleStatus.OFFICIAL,
        sources=(
            "Thủ tướng đồng ý phương án nghỉ Tết Ất Tỵ (Văn phòng Chính phủ, 26/11/2024)",
            "Thông báo lịch nghỉ lễ, Tết năm 2025 của Bộ Lao động - Thương binh và Xã hội "
            "(03/12/2024): Tết 25/1-2/2, 30/4-4/5 làm bù thứ Bảy 26/4, Quốc khánh 30/8-2/9",
        ),
        days=(
            _holiday(2025, 1, 1, TET_DUONG_LICH),
            # Nghỉ từ thứ Bảy 25/1 đến hết Chủ nhật 2/2 (26 tháng Chạp - mùng 5 Tết).
            _holiday(2025, 1, 27, f"{TET_NGUYEN_DAN} (28 tháng Chạp)"),
            _holiday(2025, 1, 28, f"{TET_NGUYEN_DAN} (29 tháng Chạp)"),
            _holiday(2025, 1, 29, f"{TET_NGUYEN_DAN} (mùng 1 Tết)"),
            _holiday(2025, 1, 30, f"{TET_NGUYEN_DAN} (mùng 2 Tết)"),
            _holiday(2025, 1, 31, f"{TET_NGUYEN_DAN} (mùng 3 Tết)"),
            _holiday(2025, 4, 7, GIO_TO_HUNG_VUONG),
            _makeup(2025, 4, 26, "30/4 - 1/5", "thứ Sáu 02/5/2025"),
            _holiday(2025, 4, 30, NGAY_CHIEN_THANG),
            _holiday(2025, 5, 1, QUOC_TE_LAO_DONG),
            _swapped(2025, 5, 2, "30/4 - 1/5"),
            _holiday(2025, 9, 1, f"{QUOC_KHANH} (ngày liền kề)"),
            _holiday(2025, 9, 2, QUOC_KHANH),
        ),
    ),
    2026: YearSchedule(
        year=2026,
        status=ScheduleStatus.OFFICIAL,
        sources=(
            "Công văn 12729/VPCP-KGVX ngày 25/12/2025: Tết Dương lịch 1/1-4/1, làm bù thứ Bảy 10/1",
            "Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ: Tết 14/2-22/2, "
            "Quốc khánh 29/8-2/9, làm bù thứ Bảy 22/8",
            "Bộ luật Lao động 2019, Điều 111-112: Giỗ Tổ (Chủ nhật 26/4) nghỉ bù thứ Hai 27/4",
            "Nghị quyết 28/2026/QH16: Ngày Văn hóa Việt Nam 24/11, hiệu lực 01/7/2026",
        ),
        days=(
            _holiday(2026, 1, 1, TET_DUONG_LICH),
            _swapped(2026, 1, 2, TET_DUONG_LICH),
            _makeup(2026, 1, 10, TET_DUONG_LICH, "thứ Sáu 02/01/2026"),
            # Nghỉ từ thứ Bảy 14/2 đến hết Chủ nhật 22/2 (27 tháng Chạp - mùng 6 Tết).
            _holiday(2026, 2, 16, f"{TET_NGUYEN_DAN} (29 tháng Chạp)"),
            _holiday(2026, 2, 17, f"{TET_NGUYEN_DAN} (mùng 1 Tết)"),
            _holiday(2026, 2, 18, f"{TET_NGUYEN_DAN} (mùng 2 Tết)"),
            _holiday(2026, 2, 19, f"{TET_NGUYEN_DAN} (mùng 3 Tết)"),
            _holiday(2026, 2, 20, f"{TET_NGUYEN_DAN} (mùng 4 Tết)"),
            _compensatory(2026, 4, 27, GIO_TO_HUNG_VUONG),
            _holiday(2026, 4, 30, NGAY_CHIEN_THANG),
            _holiday(2026, 5, 1, QUOC_TE_LAO_DONG),
            _makeup(2026, 8, 22, QUOC_KHANH, "thứ Hai 31/8/2026"),
            _swapped(2026, 8, 31, QUOC_KHANH),
            _holiday(2026, 9, 1, f"{QUOC_KHANH} (ngày liền kề)"),
            _holiday(2026, 9, 2, QUOC_KHANH),
            # A swap (thứ Hai 23/11 off, thứ Bảy 28/11 worked) was only proposed when this
            # was written; add it here if the Government approves it.
            _holiday(2026, 11, 24, NGAY_VAN_HOA),
        ),
    ),
    # Not announced yet: derived from the Labour Code. Tết (mùng 1 = thứ Bảy 6/2) follows the
    # 2024 precedent for a Saturday Tết: two days before, three after, and the two that fall on
    # the weekend taken on the following weekdays. 2/9 is a Thursday, so the day next to it is
    # the Friday (as in 2021). Replace with the official notice when it is published.
    2027: YearSchedule(
        year=2027,
        status=ScheduleStatus.PROVISIONAL,
        sources=("Bộ luật Lao động 2019, Điều 111-112; Nghị quyết 28/2026/QH16 (dự kiến)",),
        days=(
            _holiday(2027, 1, 1, TET_DUONG_LICH),
            _holiday(2027, 2, 4, f"{TET_NGUYEN_DAN} (28 tháng Chạp)"),
            _holiday(2027, 2, 5, f"{TET_NGUYEN_DAN} (29 tháng Chạp)"),
            _holiday(2027, 2, 8, f"{TET_NGUYEN_DAN} (mùng 3 Tết)"),
            _compensatory(2027, 2, 9, f"{TET_NGUYEN_DAN} (mùng 1 Tết)"),
            _compensatory(2027, 2, 10, f"{TET_NGUYEN_DAN} (mùng 2 Tết)"),
            _holiday(2027, 4, 16, GIO_TO_HUNG_VUONG),
            _holiday(2027, 4, 30, NGAY_CHIEN_THANG),
            _compensatory(2027, 5, 3, QUOC_TE_LAO_DONG),
            _holiday(2027, 9, 2, QUOC_KHANH),
            _holiday(2027, 9, 3, f"{QUOC_KHANH} (ngày liền kề)"),
            _holiday(2027, 11, 24, NGAY_VAN_HOA),
        ),
    ),
}
