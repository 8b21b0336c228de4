"""Open now / opens at, in Asia/Shanghai time, from the structured weekly schedule."""

import datetime

import pytest
from django.utils import translation

from caremap.directory.schedule import SHANGHAI
from caremap.web.opening import OpeningState, describe, opening_state

WEEKDAYS_SPLIT = {d: [["09:00", "12:00"], ["14:00", "17:30"]] for d in ("mon", "tue", "wed", "thu", "fri")}
OFFICE = {**WEEKDAYS_SPLIT, "holidays": "closed"}
NIGHT = {d: [["20:00", "02:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
ALWAYS = {**{d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
          "holidays": "open"}


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


CASES = [
    # (schedule, now, is_open, closes_at, opens_at)
    (OFFICE, "2026-12-04 10:00", True, "2026-12-04 12:00", None),  # Friday morning
    (OFFICE, "2026-12-04 12:30", False, None, "2026-12-04 14:00"),  # lunch break
    (OFFICE, "2026-12-04 18:00", False, None, "2026-12-07 09:00"),  # Friday evening → Monday
    (OFFICE, "2026-12-05 10:00", False, None, "2026-12-07 09:00"),  # Saturday
    (OFFICE, "2026-10-01 10:00", False, None, "2026-10-08 09:00"),  # National Day holiday
    (NIGHT, "2026-12-05 01:00", True, "2026-12-05 02:00", None),  # past midnight
    (NIGHT, "2026-12-05 03:00", False, None, "2026-12-05 20:00"),
    (ALWAYS, "2026-10-01 03:00", True, None, None),
    (None, "2026-12-04 10:00", None, None, None),
]


@pytest.mark.parametrize(("schedule", "now", "is_open", "closes_at", "opens_at"), CASES)
def test_opening_state(schedule, now, is_open, closes_at, opens_at):
    state = opening_state(schedule, at(now))
    assert state.is_open is is_open
    assert state.closes_at == (at(closes_at) if closes_at else None)
    assert state.opens_at == (at(opens_at) if opens_at else None)


def test_make_up_working_day_follows_weekday_hours():
    # 2026-09-20 is a Sunday worked in exchange for the National Day break.
    import chinese_calendar

    day = datetime.date(2026, 9, 20)
    if not (chinese_calendar.is_workday(day) and day.weekday() == 6):
        pytest.fail("the holiday calendar no longer lists 2026-09-20 as a make-up working day")
    assert opening_state(OFFICE, at("2026-09-20 10:00")).is_open is True


def test_time_is_read_in_shanghai():
    utc_now = datetime.datetime(2026, 12, 4, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai
    assert opening_state(OFFICE, utc_now).is_open is True


@pytest.mark.parametrize(("language", "now", "expected"), [
    ("en", "2026-12-04 10:00", "Open now, closes at 12:00"),
    ("en", "2026-12-03 18:00", "Closed now, opens tomorrow at 09:00"),
    ("en", "2026-12-04 18:00", "Closed now, opens Monday at 09:00"),
    ("zh-hans", "2026-12-04 10:00", "正在开放，12:00 关门"),
    ("zh-hans", "2026-12-03 18:00", "现在未开放，明天 09:00 开门"),
    ("zh-hans", "2026-12-04 18:00", "现在未开放，星期一 09:00 开门"),
])
def test_describe(language, now, expected):
    with translation.override(language):
        assert describe(opening_state(OFFICE, at(now)), at(now)) == expected


def test_describe_always_open_and_unknown():
    with translation.override("en"):
        assert describe(opening_state(ALWAYS, at("2026-12-04 10:00"))) == "Open now, around the clock"
        assert describe(OpeningState(is_open=None)) == ""


@pytest.mark.django_db
@pytest.mark.parametrize("wanted", ["true", "false"])
def test_api_open_now_filter_and_times(client, wanted):
    data = client.get("/api/v1/points", {"open_now": wanted, "page_size": 100}).json()
    for point in data["results"]:
        assert point["open_now"] is (wanted == "true")
        if wanted == "true":
            assert point["opens_at"] is None
        else:
            assert point["closes_at"] is None
            assert point["opens_at"] is None or point["opens_at"].endswith("+08:00")


@pytest.mark.django_db
def test_api_open_now_splits_all_points(client):
    total = client.get("/api/v1/points").json()["count"]
    open_count = client.get("/api/v1/points", {"open_now": "true"}).json()["count"]
    closed_count = client.get("/api/v1/points", {"open_now": "false"}).json()["count"]
    assert open_count > 0  # the demo has places open around the clock
    # Points without a known schedule match neither filter.
    assert open_count + closed_count <= total
