"""Opening state for display: "open now, closes at …" or "closed, opens at …", in Shanghai time."""

import datetime
from dataclasses import dataclass

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from caremap.directory.schedule import SHANGHAI, open_periods

# How far ahead to look for the next opening. A week covers every weekly schedule, and the extra
# days cover a week-long public holiday such as the National Day break.
LOOKAHEAD_DAYS = 15


@dataclass(frozen=True)
class OpeningState:
    is_open: bool | None  # None when the schedule is unknown
    closes_at: datetime.datetime | None = None  # open: when it closes; None if not within reach
    opens_at: datetime.datetime | None = None  # closed: when it next opens; None if never


def opening_state(schedule: dict | None, now: datetime.datetime | None = None) -> OpeningState:
    if not schedule:
        return OpeningState(is_open=None)
    now = (now or datetime.datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    yesterday = now.date() - datetime.timedelta(days=1)
    periods = open_periods(schedule, yesterday, LOOKAHEAD_DAYS + 1)
    horizon = datetime.datetime.combine(yesterday, datetime.time(), SHANGHAI) + \
        datetime.timedelta(days=LOOKAHEAD_DAYS + 1)
    for opens, closes in periods:
        if opens <= now < closes:
            # A period that reaches the end of the look-ahead window is treated as "always open".
            return OpeningState(is_open=True, closes_at=closes if closes < horizon else None)
        if opens > now:
            return OpeningState(is_open=False, opens_at=opens)
    return OpeningState(is_open=False)


def _when(moment: datetime.datetime, now: datetime.datetime) -> str:
    time_text = moment.strftime("%H:%M")
    days_ahead = (moment.date() - now.date()).days
    if days_ahead == 0:
        return _("at %(time)s") % {"time": time_text}
    if days_ahead == 1:
        return _("tomorrow at %(time)s") % {"time": time_text}
    return _("%(weekday)s at %(time)s") % {"weekday": WEEKDAYS[moment.weekday()], "time": time_text}


def describe(state: OpeningState, now: datetime.datetime | None = None) -> str:
    """Return the state as a short sentence in the active language, or "" when unknown."""
    now = (now or datetime.datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    if state.is_open is None:
        return ""
    if state.is_open and state.closes_at is None:
        return _("Open now, around the clock")
    if state.is_open:
        return _("Open now, closes %(when)s") % {"when": _when(state.closes_at, now)}
    if state.opens_at is None:
        return _("Closed")
    return _("Closed now, opens %(when)s") % {"when": _when(state.opens_at, now)}
