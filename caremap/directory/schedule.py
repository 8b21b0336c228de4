"""Compute "open now?" from a structured weekly schedule, in Asia/Shanghai time.

A schedule is {"mon": [["09:00", "12:00"], ...], ..., "holidays": "closed" | "open" | None}.
"24:00" ends a day; an interval whose end is before its start runs past midnight into the next
day. On China's public holidays a schedule with "holidays": "closed" is closed, and on a
make-up working day (调休上班) the Monday-to-Friday pattern applies whatever the weekday.
Which days those are comes from holidays.py: the back office's table, then chinese-calendar.
"""

import datetime
from zoneinfo import ZoneInfo

from .holidays import holiday_state

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _intervals_for(schedule: dict, day: datetime.date) -> list[tuple[int, int]]:
    """Return the day's open intervals in minutes since midnight (end may exceed 1440)."""
    holiday, workday_swap = holiday_state(day)
    if holiday and schedule.get("holidays") == "closed":
        return []
    key = "mon" if workday_swap else DAYS[day.weekday()]
    intervals = []
    for start, end in schedule.get(key) or []:
        s, e = _minutes(start), _minutes(end)
        if e <= s:
            e += 24 * 60  # past midnight (次日)
        intervals.append((s, e))
    return intervals


def is_open(schedule: dict | None, now: datetime.datetime | None = None) -> bool | None:
    """Return True/False, or None when the schedule is unknown."""
    if not schedule:
        return None
    now = (now or datetime.datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    today = now.date()
    minute = now.hour * 60 + now.minute
    if any(s <= minute < e for s, e in _intervals_for(schedule, today)):
        return True
    # An interval of yesterday that ran past midnight.
    yesterday = today - datetime.timedelta(days=1)
    return any(s <= minute + 1440 < e for s, e in _intervals_for(schedule, yesterday))


def open_periods(schedule: dict | None, start: datetime.date, days: int) -> list[tuple]:
    """Return the open periods of `days` days from `start` as (opens, closes) datetimes.

    Times are aware, in Asia/Shanghai; a period running past midnight ends on the next day.
    Periods that touch or overlap (a 24-hour place, or 09:00-12:00 with 12:00-18:00) are
    merged into one. An unknown schedule has no periods.
    """
    if not schedule:
        return []
    periods = []
    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        midnight = datetime.datetime.combine(day, datetime.time(), SHANGHAI)
        for s, e in _intervals_for(schedule, day):
            periods.append((midnight + datetime.timedelta(minutes=s),
                            midnight + datetime.timedelta(minutes=e)))
    periods.sort()
    merged: list[tuple] = []
    for opens, closes in periods:
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged
