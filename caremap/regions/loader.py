"""Load Shenzhen's divisions and district outlines from the bundled data files."""

import csv
import json
import logging
from pathlib import Path

from django.db import transaction
from pypinyin import lazy_pinyin

from .models import DAPENG_CODE, DAPENG_STREET_CODES, Division, Level, Special

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
DIVISIONS_FILE = DATA_DIR / "shenzhen_divisions.csv"
DISTRICTS_FILE = DATA_DIR / "shenzhen_districts.geojson"
LONGGANG_CODE = "440307"


def _pinyin(name: str) -> str:
    return " ".join(lazy_pinyin(name))


def _read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@transaction.atomic
def load_divisions(path: Path = DIVISIONS_FILE, outlines: Path = DISTRICTS_FILE) -> int:
    """Create or update every division, 大鹏新区 and the district outlines; return the count.

    Anchor points already set (by an administrator or the demo) are kept.
    """
    rows = _read_rows(path)
    # Parents first: the CSV lists by level but not strictly, so sort by code length.
    rows.sort(key=lambda r: (len(r["code"]), r["code"]))
    by_code: dict[str, Division] = {}
    city_code = next(r["code"] for r in rows if r["level"] == Level.CITY)

    for row in rows:
        parent = by_code.get(row["parent_code"])
        division, _ = Division.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_pinyin": _pinyin(row["name"]),
                "level": row["level"],
                "parent": parent,
                "special": row["special"] or "",
            },
        )
        by_code[division.code] = division
        if division.code == city_code:
            dapeng = _load_dapeng(division)
            by_code[DAPENG_CODE] = dapeng

    _assign_public_districts(by_code)
    _load_outlines(outlines, by_code)
    logger.info("divisions loaded count=%d", len(by_code))
    return len(by_code)


def _load_dapeng(city: Division) -> Division:
    dapeng, _ = Division.objects.update_or_create(
        code=DAPENG_CODE,
        defaults={
            "name": "大鹏新区",
            "name_pinyin": _pinyin("大鹏新区"),
            "level": Level.DISTRICT,
            "parent": city,
            "special": Special.FUNCTIONAL,
            "outline_code": LONGGANG_CODE,
        },
    )
    return dapeng


def _assign_public_districts(by_code: dict[str, Division]) -> None:
    dapeng = by_code[DAPENG_CODE]
    for division in by_code.values():
        if division.level == Level.CITY:
            continue
        if division.level == Level.DISTRICT:
            district = division
        else:
            district = by_code[division.code[:6]]
            if division.code[:9] in DAPENG_STREET_CODES:
                district = dapeng
        division.public_district = district
        division.outline_code = district.outline_code or district.code
    Division.objects.bulk_update(list(by_code.values()), ["public_district", "outline_code"])


def _load_outlines(path: Path, by_code: dict[str, Division]) -> None:
    with open(path, encoding="utf-8") as f:
        collection = json.load(f)
    updated = []
    for feature in collection["features"]:
        division = by_code.get(feature["properties"]["code"])
        if division is None:
            logger.warning("outline without division code=%s", feature["properties"]["code"])
            continue
        division.outline = feature["geometry"]
        updated.append(division)
    Division.objects.bulk_update(updated, ["outline"])
