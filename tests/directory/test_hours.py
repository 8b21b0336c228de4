import datetime

import pytest

from caremap.directory.hours import UnparseableHours, parse_hours
from caremap.directory.schedule import SHANGHAI, is_open

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
LUNCH = [["09:00", "12:00"], ["14:00", "17:30"]]


def _days(days, intervals, holidays=None):
    return {**{d: intervals for d in days}, "holidays": holidays}


@pytest.mark.parametrize(("text", "expected"), [
    ("周一至周五 9:00-12:00，14:00-17:30", _days(WEEKDAYS, LUNCH)),
    ("周一至周五 上午9:00-12:00 下午2:00-5:30", _days(WEEKDAYS, LUNCH)),
    ("工作日 9点-12点，14点-17点半", _days(WEEKDAYS, LUNCH)),
    ("周二至周日 9:00-17:00", _days(("tue", "wed", "thu", "fri", "sat", "sun"),
                                   [["09:00", "17:00"]])),
    ("周一、三、五 9:00-11:00", _days(("mon", "wed", "fri"), [["09:00", "11:00"]])),
    ("每天 8:30-20:30", _days(("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
                              [["08:30", "20:30"]])),
    ("每天 18:00-次日2:00", _days(("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
                                  [["18:00", "02:00"]])),
    ("24小时", _days(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), [["00:00", "24:00"]])),
    ("周一至周五９：００－１７：００；节假日休息", _days(WEEKDAYS, [["09:00", "17:00"]], "closed")),
    ("工作日9:00-17:00，周末及节假日休息", _days(WEEKDAYS, [["09:00", "17:00"]], "closed")),
    ("周一闭馆，其余时间9:00-17:00", _days(("tue", "wed", "thu", "fri", "sat", "sun"),
                                         [["09:00", "17:00"]])),
    ("周一至周日 9:00-17:00，节假日照常开放", _days(
        ("mon", "tue", "wed", "thu", "fri", "sat", "sun"), [["09:00", "17:00"]], "open")),
])
def test_hours_table(text, expected):
    assert parse_hours(text) == expected


@pytest.mark.parametrize("text", [
    "请提前电话预约", "22:00-02:00", "周一至周五", "9:00-25:00", "节假日休息", "", "看情况",
])
def test_unparseable_hours_raise(text):
    with pytest.raises(UnparseableHours):
        parse_hours(text)


def _at(year, month, day, hour):
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def test_parsed_holidays_and_makeup_days():
    schedule = parse_hours("周一至周五 9:00-17:00；节假日休息")
    assert is_open(schedule, _at(2025, 10, 1, 10)) is False  # National Day, a Wednesday
    assert is_open(schedule, _at(2025, 10, 11, 10)) is True  # Saturday worked as a make-up day
    assert is_open(schedule, _at(2025, 10, 15, 10)) is True
    assert is_open(schedule, _at(2025, 10, 18, 10)) is False  # an ordinary Saturday


def test_past_midnight_open_next_morning():
    schedule = parse_hours("每天 18:00-次日2:00")
    assert is_open(schedule, _at(2025, 11, 5, 1)) is True
    assert is_open(schedule, _at(2025, 11, 5, 3)) is False
