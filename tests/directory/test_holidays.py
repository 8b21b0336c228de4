"""The back office's holiday table, the chinese-calendar package behind it, and their cache.

The 2027 dates below are test data, not the State Council's arrangement: chinese-calendar
1.11.0 has no data for 2027, so they show how the table fills a year the package lacks.
"""

import datetime
import logging

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from caremap.directory import holidays
from caremap.directory.models import Holiday
from caremap.directory.schedule import SHANGHAI, is_open, open_periods

OFFICE = {**{d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
          "holidays": "closed"}
HOLIDAY, WORKDAY = Holiday.Kind.PUBLIC_HOLIDAY, Holiday.Kind.MAKEUP_WORKDAY


def _at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def fresh_warnings(monkeypatch):
    """Forget which years this process has already warned about."""
    monkeypatch.setattr(holidays, "_warned_years", set())


def _unknown_year_warnings(caplog, year):
    return [r for r in caplog.records
            if r.name == "caremap.directory.holidays" and f"year={year};" in r.getMessage()]


@pytest.mark.django_db
def test_table_overrides_package():
    # 2026-12-04 is an ordinary Friday for the package.
    assert holidays.holiday_state(_day("2026-12-04")) == (False, False)
    assert is_open(OFFICE, _at("2026-12-04 10:00")) is True

    Holiday.objects.create(date=_day("2026-12-04"), kind=HOLIDAY, name="测试假日")

    assert holidays.holiday_state(_day("2026-12-04")) == (True, False)
    assert is_open(OFFICE, _at("2026-12-04 10:00")) is False
    # The package still decides the dates the table does not list.
    assert holidays.holiday_state(_day("2026-10-01")) == (True, False)  # National Day
    assert holidays.holiday_state(_day("2026-09-20")) == (False, True)  # make-up Sunday
    assert holidays.holiday_state(_day("2026-12-03")) == (False, False)


@pytest.mark.django_db
def test_table_turns_package_holiday_into_workday():
    assert is_open(OFFICE, _at("2026-10-03 10:00")) is False  # a Saturday of the National Day break
    Holiday.objects.create(date=_day("2026-10-03"), kind=WORKDAY)
    assert holidays.holiday_state(_day("2026-10-03")) == (False, True)
    assert is_open(OFFICE, _at("2026-10-03 10:00")) is True


@pytest.mark.django_db
def test_makeup_day_follows_weekday_hours(caplog, fresh_warnings):
    Holiday.objects.create(date=_day("2027-03-06"), kind=WORKDAY, name="测试调休")  # a Saturday

    with caplog.at_level(logging.WARNING):
        assert is_open(OFFICE, _at("2027-03-06 10:00")) is True
        assert is_open(OFFICE, _at("2027-03-06 18:00")) is False
        assert is_open(OFFICE, _at("2027-03-07 10:00")) is False  # the Sunday after
        assert is_open(OFFICE, _at("2027-03-03 10:00")) is True  # an unlisted Wednesday

    # The table has 2027, so its unlisted dates are ordinary days and nothing is logged.
    assert _unknown_year_warnings(caplog, 2027) == []


def test_unknown_year_warns_once(caplog, fresh_warnings):
    assert not holidays.package_covers(2031)

    with caplog.at_level(logging.WARNING):
        for hour in range(24):
            assert is_open(OFFICE, _at(f"2031-03-05 {hour:02d}:00")) is (9 <= hour < 17)
        periods = open_periods(OFFICE, _day("2031-03-01"), 14)
        # A new cache (a table change or the cache's expiry) must not repeat the warning.
        holidays.use_table({})
        is_open(OFFICE, _at("2031-06-02 10:00"))
        is_open(OFFICE, _at("2032-06-02 10:00"))

    # Unknown holidays: every weekday of the two weeks has its hours.
    assert len(periods) == 10
    assert len(_unknown_year_warnings(caplog, 2031)) == 1
    assert len(_unknown_year_warnings(caplog, 2032)) == 1


@pytest.mark.django_db
def test_open_periods_skip_table_holiday():
    Holiday.objects.create(date=_day("2027-03-03"), kind=HOLIDAY, name="测试假日")  # Wednesday

    periods = open_periods(OFFICE, _day("2027-03-01"), 5)  # Monday to Friday

    opening_days = [opens.date() for opens, _ in periods]
    assert opening_days == [_day("2027-03-01"), _day("2027-03-02"), _day("2027-03-04"),
                            _day("2027-03-05")]
    assert is_open(OFFICE, _at("2027-03-03 10:00")) is False
    # A schedule that stays open on holidays is unaffected.
    assert is_open({**OFFICE, "holidays": "open"}, _at("2027-03-03 10:00")) is True


@pytest.mark.django_db
def test_save_and_delete_drop_cache():
    day = _day("2027-05-04")
    holidays.invalidate()
    assert holidays.holiday_state(day) == (False, False)  # cached from the empty table

    entry = Holiday.objects.create(date=day, kind=HOLIDAY)
    assert holidays.holiday_state(day) == (True, False)

    entry.kind = WORKDAY
    entry.save()
    assert holidays.holiday_state(day) == (False, True)

    entry.delete()
    assert holidays.holiday_state(day) == (False, False)


@pytest.mark.django_db
def test_other_process_change_seen_after_ttl(settings, monkeypatch):
    settings.CAREMAP_HOLIDAY_CACHE_SECONDS = 300
    day = _day("2027-05-05")
    holidays.invalidate()
    assert holidays.holiday_state(day) == (False, False)

    # bulk_create sends no signals, as a save in another worker process reaches this one.
    Holiday.objects.bulk_create([Holiday(date=day, kind=HOLIDAY)])
    assert holidays.holiday_state(day) == (False, False)

    later = holidays.time.monotonic() + 301
    monkeypatch.setattr(holidays.time, "monotonic", lambda: later)
    assert holidays.holiday_state(day) == (True, False)


def test_admin_labels_are_chinese():
    with translation.override("zh-hans"):
        assert str(Holiday._meta.verbose_name_plural) == "节假日安排"
        assert str(Holiday._meta.get_field("date").verbose_name) == "日期"
        assert str(Holiday._meta.get_field("kind").verbose_name) == "类型"
        assert dict(Holiday.Kind.choices)["workday"] == "调休上班日"
        assert dict(Holiday.Kind.choices)["holiday"] == "法定节假日"


@pytest.mark.django_db
def test_admin_changelist_lists_entries(client):
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("holiday-admin")
    client.force_login(admin_user)
    Holiday.objects.create(date=_day("2027-03-06"), kind=WORKDAY, name="测试调休")

    response = client.get("/admin/directory/holiday/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "节假日安排" in page
    assert "调休上班日" in page
    assert "测试调休" in page


# --- the `caremap holidays` command ---

def _csv(tmp_path, text):
    path = tmp_path / "holidays.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


@pytest.mark.django_db
def test_command_load_and_list(tmp_path, capsys):
    path = _csv(tmp_path, "date,kind,name\n2027-03-03,holiday,测试假日\n"
                          "2027-03-06,workday,测试调休\n")

    call_command("holidays", "load", str(path))

    assert dict(Holiday.objects.values_list("date", "kind")) == {
        _day("2027-03-03"): HOLIDAY, _day("2027-03-06"): WORKDAY}
    assert is_open(OFFICE, _at("2027-03-03 10:00")) is False
    assert is_open(OFFICE, _at("2027-03-06 10:00")) is True

    call_command("holidays", "list", "--year", "2027")
    output = capsys.readouterr().out
    assert "2027-03-03\tholiday\t测试假日" in output
    assert "year 2027: table\n" in output


@pytest.mark.django_db
def test_command_load_replace(tmp_path):
    Holiday.objects.create(date=_day("2027-04-01"), kind=HOLIDAY)
    Holiday.objects.create(date=_day("2028-04-01"), kind=HOLIDAY)
    path = _csv(tmp_path, "date,kind,name\n2027-03-03,holiday,\n")

    call_command("holidays", "load", str(path), "--replace")

    # Only the years in the file are replaced.
    assert sorted(Holiday.objects.values_list("date", flat=True)) == [
        _day("2027-03-03"), _day("2028-04-01")]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "message"), [
    ("date,kind,name\n2027-02-30,holiday,x\n", "line 2: invalid date '2027-02-30'"),
    ("date,kind,name\n2027-03-03,rest,x\n", "line 2: invalid kind 'rest'"),
    ("day,type\n2027-03-03,holiday\n", "missing header"),
    ("date,kind\n2027-03-03,holiday\n2027-03-03,workday\n", "more than once: 2027-03-03"),
    ("date,kind,name\n2027-03-03,holiday," + "春" * 33 + "\n", "line 2: name .* longer than 32"),
])
def test_command_load_rejects_bad_file(tmp_path, text, message):
    Holiday.objects.create(date=_day("2027-01-01"), kind=HOLIDAY)

    with pytest.raises(CommandError, match=message):
        call_command("holidays", "load", str(_csv(tmp_path, text)), "--replace")

    # Nothing was written or removed.
    assert list(Holiday.objects.values_list("date", flat=True)) == [_day("2027-01-01")]


@pytest.mark.django_db
def test_command_add_and_remove(capsys):
    call_command("holidays", "add", "2027-03-03", "holiday", "测试假日")
    call_command("holidays", "add", "2027-03-03", "workday")
    assert Holiday.objects.get(date=_day("2027-03-03")).kind == WORKDAY

    call_command("holidays", "remove", "2027-03-03")
    assert not Holiday.objects.exists()
    with pytest.raises(CommandError, match="not in the holiday table"):
        call_command("holidays", "remove", "2027-03-03")


@pytest.mark.django_db
def test_command_add_rejects_long_name():
    with pytest.raises(CommandError, match="longer than 32 characters"):
        call_command("holidays", "add", "2027-03-03", "holiday", "春" * 33)
    assert not Holiday.objects.exists()


@pytest.mark.django_db
def test_command_list_names_sources(capsys):
    call_command("holidays", "list", "--year", "2026")
    assert "year 2026: chinese-calendar\n" in capsys.readouterr().out
    call_command("holidays", "list", "--year", "2031")
    assert "year 2031: no data\n" in capsys.readouterr().out


@pytest.mark.django_db
def test_command_list_empty_table_names_coverage(capsys):
    call_command("holidays", "list")
    output = capsys.readouterr().out
    assert "table: no dates\n" in output
    # chinese-calendar 1.11.0 covers 2004 to 2026.
    assert "chinese-calendar: 2004-2026\n" in output


@pytest.mark.django_db
def test_command_list_summarises_table_years(capsys):
    Holiday.objects.create(date=_day("2027-01-01"), kind=HOLIDAY)
    Holiday.objects.create(date=_day("2028-01-01"), kind=HOLIDAY)
    Holiday.objects.create(date=_day("2030-01-01"), kind=HOLIDAY)
    call_command("holidays", "list")
    assert "table: 2027-2028, 2030\n" in capsys.readouterr().out


@pytest.mark.django_db
def test_command_add_weekday_workday_warns(capsys):
    call_command("holidays", "add", "2027-02-15", "workday")
    error = capsys.readouterr().err
    assert "2027-02-15 is a Monday" in error
    assert "Saturday or Sunday" in error
    assert Holiday.objects.get(date=_day("2027-02-15")).kind == WORKDAY


@pytest.mark.django_db
def test_command_add_weekend_workday_quiet(capsys):
    call_command("holidays", "add", "2027-02-20", "workday")
    assert capsys.readouterr().err == ""


@pytest.mark.django_db
def test_command_add_workday_over_package_holiday_quiet(capsys):
    # 2026-10-01, a Thursday, is a holiday in the package: a workday entry overrides it.
    call_command("holidays", "add", "2026-10-01", "workday")
    assert capsys.readouterr().err == ""


@pytest.mark.django_db
def test_command_add_known_holiday_warns(capsys):
    call_command("holidays", "add", "2026-10-01", "holiday", "国庆节")
    error = capsys.readouterr().err
    assert "already lists 2026-10-01 as a public holiday" in error
    assert Holiday.objects.filter(date=_day("2026-10-01")).exists()


@pytest.mark.django_db
def test_command_load_warns_like_add(tmp_path, capsys):
    path = _csv(tmp_path, "date,kind,name\n2027-02-15,workday,x\n2027-02-16,holiday,y\n")
    call_command("holidays", "load", str(path))
    error = capsys.readouterr().err
    assert "2027-02-15 is a Monday" in error
    assert "2027-02-16" not in error
