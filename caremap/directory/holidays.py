"""China's public holidays and make-up working days (调休上班), for schedule evaluation.

Two sources, in order of precedence:
1. The Holiday table, which the back office edits (Django admin or `caremap holidays`). An entry
   overrides the package for its date.
2. The `chinese-calendar` package, which has data only for the years the State Council had
   published when its version was released (1.11.0 ends with 2026).

In a year the package lacks but the table has at least one entry for, the table is taken as the
whole arrangement and its unlisted dates are ordinary days. A date in a year that neither source
covers is also treated as an ordinary day, and a warning is logged once per year per process.

Evaluating "open now" is on the search's hot path, so each process caches the table and the
result for every date it has looked up. Saving or deleting a Holiday in this process drops the
cache at once (see signals.py). Other worker processes reload it after
CAREMAP_HOLIDAY_CACHE_SECONDS.
"""

import datetime
import logging
import math
import threading
import time
from dataclasses import dataclass, field

import chinese_calendar
from django.conf import settings

logger = logging.getLogger(__name__)

# The values of Holiday.Kind, kept here so that importing this module needs no models.
PUBLIC_HOLIDAY = "holiday"
MAKEUP_WORKDAY = "workday"

# Dates whose result is remembered before the memo is cleared. An open_periods() call looks up a
# few weeks at most, so this bound is reached only by unusual callers.
MAX_REMEMBERED_DATES = 4096


@dataclass
class _Snapshot:
    kinds: dict[datetime.date, str]  # date -> PUBLIC_HOLIDAY or MAKEUP_WORKDAY
    years: frozenset[int]  # years with at least one table entry
    expires: float  # time.monotonic() value after which the table is read again
    states: dict[datetime.date, tuple[bool, bool]] = field(default_factory=dict)


_snapshot: _Snapshot | None = None
_warned_years: set[int] = set()
_warn_lock = threading.Lock()


def _read_table() -> _Snapshot:
    from .models import Holiday

    kinds = dict(Holiday.objects.values_list("date", "kind"))
    ttl = settings.CAREMAP_HOLIDAY_CACHE_SECONDS
    return _Snapshot(kinds=kinds, years=frozenset(day.year for day in kinds),
                     expires=time.monotonic() + ttl)


def _current() -> _Snapshot:
    global _snapshot
    snapshot = _snapshot
    if snapshot is None or time.monotonic() >= snapshot.expires:
        snapshot = _snapshot = _read_table()
    return snapshot


def invalidate() -> None:
    """Drop this process's cached table, so the next evaluation reads the database."""
    global _snapshot
    _snapshot = None


def use_table(kinds: dict[datetime.date, str]) -> None:
    """Cache `kinds` as the table until the next invalidate(), without reading the database.

    For tests that run without database access.
    """
    global _snapshot
    _snapshot = _Snapshot(kinds=dict(kinds), years=frozenset(day.year for day in kinds),
                          expires=math.inf)


def _warn_unknown_year(year: int) -> None:
    with _warn_lock:
        if year in _warned_years:
            return
        _warned_years.add(year)
    logger.warning("holiday calendar has no data year=%d; public holidays and make-up working "
                   "days are ignored until entered with `caremap holidays` or the admin", year)


def _package_state(day: datetime.date) -> tuple[bool, bool] | None:
    """Return the package's (public holiday, make-up working day), or None outside its years."""
    try:
        # get_holiday_detail gives (True, None) for an ordinary weekend, a name for a holiday.
        off, holiday_name = chinese_calendar.get_holiday_detail(day)
        workday_swap = chinese_calendar.is_workday(day) and day.weekday() >= 5
    except NotImplementedError:
        return None
    return off and holiday_name is not None, workday_swap


def _compute_state(snapshot: _Snapshot, day: datetime.date) -> tuple[bool, bool]:
    kind = snapshot.kinds.get(day)
    if kind is not None:
        return kind == PUBLIC_HOLIDAY, kind == MAKEUP_WORKDAY
    state = _package_state(day)
    if state is not None:
        return state
    if day.year not in snapshot.years:
        _warn_unknown_year(day.year)
    return False, False


def holiday_state(day: datetime.date) -> tuple[bool, bool]:
    """Return (is public holiday, is make-up working day) for `day`; both False when unknown."""
    snapshot = _current()
    state = snapshot.states.get(day)
    if state is None:
        if len(snapshot.states) >= MAX_REMEMBERED_DATES:
            snapshot.states.clear()
        state = snapshot.states[day] = _compute_state(snapshot, day)
    return state


def package_covers(year: int) -> bool:
    """Return whether the installed chinese-calendar has data for `year`."""
    return _package_state(datetime.date(year, 6, 1)) is not None


def package_years() -> list[int]:
    """Return the years the installed chinese-calendar covers, up to two years from now."""
    # chinese-calendar 1.11.0 starts at 2004; earlier years are checked in case a release adds some.
    return [year for year in range(1990, datetime.date.today().year + 3) if package_covers(year)]


def package_holiday_name(day: datetime.date) -> str | None:
    """Return the package's name for `day` (for example "Spring Festival") when it lists it as a
    public holiday, else None, also for a year the package does not cover."""
    try:
        off, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return name if off else None
