"""Festival and event windows come from the calendar libraries and the events register."""

from __future__ import annotations

from datetime import date

import chinese_calendar
from lunardate import LunarDate

from hongxian.calendar import (
    FestivalSpec,
    event_windows,
    festival_window,
    festival_windows,
    official_holidays,
    windows_table,
)
from hongxian.canonical import table_from_rows


def test_spring_festival_runs_from_laba_23_to_lantern():
    w = festival_window("春节", 2016)
    assert (w.start, w.end) == (
        LunarDate(2015, 12, 23).to_solar_date(),
        LunarDate(2016, 1, 15).to_solar_date(),
    )
    assert (w.start, w.end) == (date(2016, 2, 1), date(2016, 2, 22))
    assert w.contains(date(2016, 2, 8))  # 正月初一
    assert not w.contains(date(2016, 2, 23))


def test_lunar_festivals_and_national_day_cover_the_official_break():
    wins = {w.name: w for w in festival_windows([2016])}
    assert wins["端午"].contains(LunarDate(2016, 5, 5).to_solar_date())
    mid = LunarDate(2016, 8, 15).to_solar_date()
    assert mid == date(2016, 9, 15) and wins["中秋"].start == date(2016, 9, 8) and wins["中秋"].contains(mid)
    # 国庆 2016: −7 days … and the statutory break to 10-07 (chinese-calendar), not only +3 days
    assert wins["国庆"].start == date(2016, 9, 24) and wins["国庆"].end == date(2016, 10, 7)
    assert chinese_calendar.is_holiday(date(2016, 10, 7))


def test_years_without_official_data_degrade_gracefully():
    assert official_holidays(2031) is None  # chinese-calendar raises NotImplementedError; we do not
    wins = {w.name: w for w in festival_windows([2031])}
    assert wins["国庆"].end == date(2031, 10, 4)  # configured width only
    assert wins["中秋"].contains(LunarDate(2031, 8, 15).to_solar_date())


def test_configurable_festivals_and_width():
    spec = FestivalSpec(festivals=("中秋",), before_days=1, after_days=1, cover_official_break=False)
    [w] = festival_windows([2023], spec)
    mid = LunarDate(2023, 8, 15).to_solar_date()
    assert (w.start, w.end) == (date(2023, 9, 28), date(2023, 9, 30)) and mid == date(2023, 9, 29)


def test_event_windows_and_epoch_bounds():
    events = table_from_rows(
        "events",
        [
            {
                "event_id": "E1",
                "name": "换届",
                "event_type": "换届选举",
                "start_date": date(2017, 3, 10),
                "end_date": date(2017, 3, 10),
                "person_ids": ["C1"],
                "group_ids": ["g@chatroom"],
            },
            {
                "event_id": "S1",
                "name": "夏粮收购",
                "event_type": "业务办理期",
                "start_date": date(2016, 6, 2),
                "end_date": date(2016, 7, 18),
                "person_ids": ["O1"],
                "group_ids": [],
            },
        ],
    )
    [e] = event_windows(events, ["换届选举"])
    assert (e.kind, e.person_ids, e.group_ids) == ("election", ("C1",), ("g@chatroom",))
    padded = e.padded(45, 3)
    assert padded.start == date(2017, 1, 24) and padded.end == date(2017, 3, 13)
    t = windows_table([e]).to_pylist()[0]
    assert t["end_sec"] - t["start_sec"] == 86400  # one local day, half-open
    assert t["start_sec"] == 1489075200  # 2017-03-10 00:00 Asia/Shanghai
