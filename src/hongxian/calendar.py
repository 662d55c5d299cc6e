"""Calendar windows: lunar festivals, statutory holiday breaks, and configured event windows.

Festival dates come from libraries, never from hand-typed tables:

- lunar festivals (春节, 端午, 中秋) from ``lunardate`` (lunar years 1900–2099);
- the statutory break of each festival (e.g. the seven days of 国庆) from ``chinese-calendar``,
  whose data only covers 2004–2026 and raises ``NotImplementedError`` for other years; then the
  window simply keeps its configured width (`official_holidays` returns ``None``).

Event windows (elections, democratic recommendations, business seasons, personal events) come
from the case's ``events`` table (events.csv).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pyarrow as pa
from lunardate import LunarDate

SHANGHAI = ZoneInfo("Asia/Shanghai")
FESTIVALS = ("春节", "端午", "中秋", "国庆")
_HOLIDAY_OF = {
    "春节": chinese_calendar.Holiday.spring_festival,
    "端午": chinese_calendar.Holiday.dragon_boat_festival,
    "中秋": chinese_calendar.Holiday.mid_autumn_festival,
    "国庆": chinese_calendar.Holiday.national_day,
}


@dataclass(frozen=True)
class CalendarWindow:
    """A closed range of local dates [start, end] with what it is and whom it concerns."""

    kind: str  # festival | election | recommendation | business | personal
    name: str
    key: str
    start: date
    end: date
    person_ids: tuple[str, ...] = ()
    group_ids: tuple[str, ...] = ()
    org_unit: str | None = None

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def padded(self, before_days: int, after_days: int) -> CalendarWindow:
        return CalendarWindow(
            self.kind,
            self.name,
            self.key,
            self.start - timedelta(days=before_days),
            self.end + timedelta(days=after_days),
            self.person_ids,
            self.group_ids,
            self.org_unit,
        )

    @property
    def start_sec(self) -> int:
        """Start of the first day, as epoch seconds (Asia/Shanghai)."""
        return int(datetime.combine(self.start, time(), SHANGHAI).timestamp())

    @property
    def end_sec(self) -> int:
        """End of the last day (exclusive), as epoch seconds (Asia/Shanghai)."""
        return int(datetime.combine(self.end + timedelta(days=1), time(), SHANGHAI).timestamp())

    def label(self) -> str:
        return f"{self.name}（{self.start.isoformat()} 至 {self.end.isoformat()}）"


@dataclass(frozen=True)
class FestivalSpec:
    """How wide each festival window is. 春节 runs from 腊月廿三 to 元宵 by default."""

    festivals: tuple[str, ...] = FESTIVALS
    before_days: int = 7
    after_days: int = 3
    spring_start: tuple[int, int] = (12, 23)  # lunar month/day of the previous lunar year
    spring_end: tuple[int, int] = (1, 15)
    cover_official_break: bool = True
    extra: dict[str, tuple[int, int]] = field(default_factory=dict)


def lunar_to_solar(year: int, month: int, day: int) -> date | None:
    """Gregorian date of a (non-leap) lunar date, or None outside lunardate's range."""
    try:
        return LunarDate(year, month, day).to_solar_date()
    except ValueError:
        return None


def official_holidays(year: int) -> dict[date, str | None] | None:
    """Statutory days off of a year with their holiday name (None for unnamed break days).

    ``None`` when chinese-calendar has no data for that year (it covers 2004–2026).
    """
    days: dict[date, str | None] = {}
    day = date(year, 1, 1)
    try:
        while day.year == year:
            on, name = chinese_calendar.get_holiday_detail(day)
            if name is not None and on:
                days[day] = name
            elif on and _inside_break(day):
                days[day] = None
            day += timedelta(days=1)
    except NotImplementedError:
        return None
    return days


def _inside_break(day: date) -> bool:
    """A weekend day belongs to a break when a named holiday is adjacent on either side."""
    for delta in (-2, -1, 1, 2):
        try:
            on, name = chinese_calendar.get_holiday_detail(day + timedelta(days=delta))
        except NotImplementedError:
            return False
        if on and name is not None:
            return True
    return False


def _official_break(
    festival: str, around: date, holidays: dict[date, str | None] | None
) -> tuple[date, date] | None:
    """The contiguous statutory break containing a day named after `festival` near `around`."""
    if not holidays:
        return None
    wanted = _HOLIDAY_OF[festival].value
    named = [d for d, n in holidays.items() if n == wanted and abs((d - around).days) <= 10]
    if not named:
        return None
    lo, hi = min(named), max(named)
    while (lo - timedelta(days=1)) in holidays:
        lo -= timedelta(days=1)
    while (hi + timedelta(days=1)) in holidays:
        hi += timedelta(days=1)
    return lo, hi


def festival_day(festival: str, year: int) -> date | None:
    """The festival's own day in a Gregorian year (春节 = 正月初一)."""
    if festival == "国庆":
        return date(year, 10, 1)
    lunar = {"春节": (1, 1), "端午": (5, 5), "中秋": (8, 15)}[festival]
    return lunar_to_solar(year, *lunar)


def festival_window(
    festival: str,
    year: int,
    spec: FestivalSpec = FestivalSpec(),
    holidays: dict[date, str | None] | None = None,
) -> CalendarWindow | None:
    day = festival_day(festival, year)
    if day is None:
        return None
    if festival == "春节":
        start = lunar_to_solar(year - 1, *spec.spring_start)
        end = lunar_to_solar(year, *spec.spring_end)
        if start is None or end is None:
            return None
    else:
        before, after = spec.extra.get(festival, (spec.before_days, spec.after_days))
        start, end = day - timedelta(days=before), day + timedelta(days=after)
    if spec.cover_official_break:
        brk = _official_break(festival, day, holidays)
        if brk is not None:
            start, end = min(start, brk[0]), max(end, brk[1])
    return CalendarWindow("festival", festival, f"{festival}{year}", start, end)


def festival_windows(years: Iterable[int], spec: FestivalSpec = FestivalSpec()) -> list[CalendarWindow]:
    """Every configured festival window of the given Gregorian years, sorted by start."""
    out: list[CalendarWindow] = []
    for year in sorted(set(years)):
        holidays = official_holidays(year) if spec.cover_official_break else None
        for festival in spec.festivals:
            if festival not in _HOLIDAY_OF:
                raise ValueError(f"未知节日：{festival}（可选：{'、'.join(FESTIVALS)}）")
            w = festival_window(festival, year, spec, holidays)
            if w is not None:
                out.append(w)
    return sorted(out, key=lambda w: w.start)


EVENT_KINDS = {
    "换届选举": "election",
    "民主推荐": "recommendation",
    "业务办理期": "business",
    "个人事项": "personal",
}


def event_windows(events: pa.Table, event_types: Iterable[str]) -> list[CalendarWindow]:
    """Windows of the events.csv rows of the given 类型 (换届选举 / 民主推荐 / 业务办理期 / 个人事项)."""
    wanted = set(event_types)
    out = []
    for row in events.to_pylist():
        if row["event_type"] not in wanted or row["start_date"] is None:
            continue
        out.append(
            CalendarWindow(
                EVENT_KINDS[row["event_type"]],
                row["name"] or row["event_type"],
                row["event_id"],
                row["start_date"],
                row["end_date"] or row["start_date"],
                tuple(row["person_ids"] or ()),
                tuple(row["group_ids"] or ()),
                row["org_unit"],
            )
        )
    return sorted(out, key=lambda w: w.start)


def windows_table(windows: Iterable[CalendarWindow]) -> pa.Table:
    """Windows as an Arrow table with epoch-second bounds [start_sec, end_sec) for SQL joins."""
    ws = list(windows)
    return pa.table(
        {
            "win_key": pa.array([w.key for w in ws], pa.string()),
            "win_name": pa.array([w.name for w in ws], pa.string()),
            "win_kind": pa.array([w.kind for w in ws], pa.string()),
            "start_sec": pa.array([w.start_sec for w in ws], pa.int64()),
            "end_sec": pa.array([w.end_sec for w in ws], pa.int64()),
        }
    )
