"""`caremap holidays`: list and enter the State Council's holiday arrangement.

The arrangement for a year is published towards the end of the year before
(国务院办公厅关于某年部分节假日安排的通知).
Until the installed chinese-calendar covers that year, enter its dates here or in the Django
admin; see docs/deployment.md.
"""

import csv
import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from caremap.directory import holidays
from caremap.directory.models import Holiday

KINDS = Holiday.Kind.values


def _parse_date(text: str, where: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"{where}: invalid date {text!r}; expected YYYY-MM-DD") from None


def _check_kind(text: str, where: str) -> str:
    kind = text.strip()
    if kind not in KINDS:
        raise CommandError(f"{where}: invalid kind {text!r}; expected one of {', '.join(KINDS)}")
    return kind


NAME_MAX_LENGTH = Holiday._meta.get_field("name").max_length


def _check_name(text: str, where: str) -> str:
    name = text.strip()
    if len(name) > NAME_MAX_LENGTH:
        raise CommandError(f"{where}: name {name!r} is longer than {NAME_MAX_LENGTH} characters")
    return name


def read_csv(path: Path) -> list[tuple[datetime.date, str, str]]:
    """Read and check a CSV file with the header date,kind,name (UTF-8, with or without BOM)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"date", "kind"} <= set(reader.fieldnames):
                raise CommandError(f"{path}: missing header; expected the columns date,kind,name")
            rows = []
            for number, row in enumerate(reader, start=2):
                where = f"{path} line {number}"
                rows.append((_parse_date(row["date"] or "", where),
                             _check_kind(row["kind"] or "", where),
                             _check_name(row.get("name") or "", where)))
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"failed to read {path}: {error}") from None
    dates = [row[0] for row in rows]
    repeated = sorted({d.isoformat() for d in dates if dates.count(d) > 1})
    if repeated:
        raise CommandError(f"{path}: dates listed more than once: {', '.join(repeated)}")
    return rows


def _year_ranges(years: list[int]) -> str:
    """Format sorted years as ranges: [2004, 2005, 2006, 2027] -> "2004-2006, 2027"."""
    ranges = []
    for year in years:
        if ranges and ranges[-1][1] == year - 1:
            ranges[-1][1] = year
        else:
            ranges.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


class Command(BaseCommand):
    help = ("List or enter public holidays and make-up working days (调休上班), which override the "
            "chinese-calendar package for their dates.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)

        listing = actions.add_parser("list", help="print the table's dates and which years "
                                                  "the table or the package covers")
        listing.add_argument("--year", type=int, help="only this year")

        add = actions.add_parser("add", help="enter or change one date")
        add.add_argument("date", help="YYYY-MM-DD")
        add.add_argument("kind", choices=KINDS,
                         help="holiday: public holiday; workday: make-up working day")
        add.add_argument("name", nargs="?", default="", help="the holiday, for example 春节")

        remove = actions.add_parser("remove", help="delete one date from the table")
        remove.add_argument("date", help="YYYY-MM-DD")

        load = actions.add_parser("load", help="enter every date of a CSV file with the header "
                                               "date,kind,name")
        load.add_argument("file", type=Path)
        load.add_argument("--replace", action="store_true",
                          help="first delete the table's dates in the years the file covers")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_list(self, year=None, **options):
        entries = Holiday.objects.all()
        if year is not None:
            entries = entries.filter(date__year=year)
        for entry in entries:
            self.stdout.write(f"{entry.date.isoformat()}\t{entry.kind}\t{entry.name}")
        table_years = sorted({d.year for d in Holiday.objects.values_list("date", flat=True)})
        years = [year] if year is not None else table_years
        if year is None:
            package_years = _year_ranges(holidays.package_years())
            self.stdout.write(f"table: {_year_ranges(table_years) or 'no dates'}")
            self.stdout.write(f"chinese-calendar: {package_years or 'no years'}")
        for listed_year in years:
            sources = []
            if listed_year in table_years:
                sources.append("table")
            if holidays.package_covers(listed_year):
                sources.append("chinese-calendar")
            self.stdout.write(f"year {listed_year}: {' and '.join(sources) or 'no data'}")

    def handle_add(self, date, kind, name="", **options):
        day = _parse_date(date, "date")
        name = _check_name(name, "name")
        self._warn_if_unusual(day, kind)
        entry, created = Holiday.objects.update_or_create(date=day,
                                                          defaults={"kind": kind, "name": name})
        self.stdout.write(f"{'added' if created else 'changed'} {entry}")

    def _warn_if_unusual(self, day: datetime.date, kind: str) -> None:
        """Warn about an entry that is probably a typing mistake. The entry is saved all the same.

        A make-up working day on a weekday is allowed because it overrides a public holiday
        that the package lists but the State Council has moved.
        """
        package_holiday = holidays.package_holiday_name(day)
        if kind == holidays.MAKEUP_WORKDAY and day.weekday() < 5 and package_holiday is None:
            self.stderr.write(f"warning: {day.isoformat()} is a {day:%A}, a working day already; "
                              "make-up working days (调休上班) are usually a Saturday or Sunday")
        if kind == holidays.PUBLIC_HOLIDAY and package_holiday is not None:
            self.stderr.write(f"warning: chinese-calendar already lists {day.isoformat()} as a "
                              f"public holiday ({package_holiday}); the entry changes nothing")

    def handle_remove(self, date, **options):
        day = _parse_date(date, "date")
        deleted, _ = Holiday.objects.filter(date=day).delete()
        if not deleted:
            raise CommandError(f"{day.isoformat()} is not in the holiday table")
        self.stdout.write(f"removed {day.isoformat()}")

    def handle_load(self, file, replace=False, **options):
        rows = read_csv(file)
        years = sorted({day.year for day, _, _ in rows})
        with transaction.atomic():
            removed = 0
            if replace:
                removed, _ = Holiday.objects.filter(date__year__in=years).delete()
            for day, kind, name in rows:
                self._warn_if_unusual(day, kind)
                Holiday.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})
        self.stdout.write(f"loaded {len(rows)} dates for {', '.join(map(str, years)) or 'no year'}"
                          f"; removed {removed} earlier dates")
