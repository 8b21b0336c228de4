"""Build the deterministic national data set: N service points over China's real divisions.

    .venv/bin/python bench/national.py --points 1000000 --database sqlite:///var/bench/national.sqlite3
    .venv/bin/python bench/national.py --points 1000000 --database postgres://postgres@127.0.0.1:5432/caremap_bench

Every community and village (620,573 of them) gets a 儿童之家; every third a 妇女儿童之家 and
every seventh a 党群服务中心; every street-level unit four stations; every district eight
district-level services. N of those slots are kept (a seeded random choice), each placed
uniformly at random inside its real district outline (bench/data, see docs/data-sources.md).
The same seed and N always give the same points. The database must be new or empty: the
script migrates it, loads the divisions and vocabularies, writes the records and builds the
search index (entries, text and spatial indexes, cluster cells, planner counts) in bulk.

The index is built with the same `index.text_fields` as `caremap reindex`, except that pinyin
is read character by character (cached) instead of pypinyin's phrase-aware reading, which
would take about 4 minutes alone for a million names; about 2 % of names differ in a
polyphonic character's pinyin.
"""

import argparse
import csv
import datetime
import gzip
import io
import json
import logging
import os
import sys
import time
import uuid
from functools import cache
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
DATA = HERE / "data"
SEED = 20261204

logger = logging.getLogger("bench.national")

# (suffix, category, department, target groups)
COMMUNITY_TYPES = [
    ("儿童之家", "children-home", "civil-affairs", ["community-children", "left-behind"]),
    ("妇女儿童之家", "women-station", "womens-federation", ["parent-child-families"]),
    ("党群服务中心", "party-mass-centre", "civil-affairs", ["community-children", "migrant-children"]),
]
STREET_TYPES = [
    ("社工站", "social-work-site", "civil-affairs", ["children-in-difficulty", "left-behind"]),
    ("未成年人保护工作站", "minor-protection-centre", "civil-affairs",
     ["children-in-difficulty", "de-facto-unsupported"]),
    ("青少年服务站", "youth-station", "youth-league", ["pupils"]),
    ("社区卫生服务中心儿童保健门诊", "hospital", "health", ["sick-children"]),
]
DISTRICT_TYPES = [
    ("未成年人救助保护中心", "minor-protection-centre", "civil-affairs", ["children-in-difficulty"]),
    ("特殊教育学校", "special-education-school", "education", ["orphaned-disabled", "pupils"]),
    ("儿童福利院", "welfare-centre", "civil-affairs", ["orphans", "orphaned-disabled"]),
    ("救助管理站", "rescue-station", "civil-affairs", ["children-in-difficulty"]),
    ("妇幼保健院", "hospital", "health", ["sick-children", "parent-child-families"]),
    ("人民医院儿童心理门诊", "hospital", "health", ["sick-children"]),
    ("青少年心理健康服务站", "youth-station", "youth-league", ["pupils"]),
    ("残疾儿童康复中心", "rehabilitation", "disabled-federation", ["orphaned-disabled"]),
]
COMMUNITY_SUFFIXES = ("社区居民委员会", "居民委员会", "村民委员会", "社区居委会", "居委会", "村委会",
                      "委员会")


def setup_django(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremap.settings")
    os.environ.setdefault("CAREMAP_DEBUG", "0")
    import django

    django.setup()


def read_divisions() -> list[dict]:
    with gzip.open(DATA / "china_divisions.csv.gz", "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_outlines() -> dict:
    import shapely

    with gzip.open(DATA / "china_districts.geojson.gz", "rt", encoding="utf-8") as f:
        features = json.load(f)["features"]
    out = {}
    for feature in features:
        code = feature["properties"]["gb"][3:]
        geometry = shapely.geometry.shape(feature["geometry"])
        shapely.prepare(geometry)
        out[code] = geometry
    return out


def community_short(name: str) -> str:
    for suffix in COMMUNITY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def plan_slots(divisions: list[dict]):
    """Return every candidate point as (division code, district code, level, type index)."""

    # Streets hang under a district, or straight under a city without districts (东莞, 中山,
    # 儋州), which then serves as the district.
    slots = []
    districts = [d for d in divisions if d["level"] == "district"]
    streets = [d for d in divisions if d["level"] == "street"]
    communities = [d for d in divisions if d["level"] == "community"]
    street_district = {s["code"]: s["parent_code"] for s in streets}
    for i, c in enumerate(communities):
        district = street_district[c["parent_code"]]
        kinds = [0] + ([1] if i % 3 == 0 else []) + ([2] if i % 7 == 0 else [])
        slots += [(c["code"], district, "community", k) for k in kinds]
    for s in streets:
        slots += [(s["code"], street_district[s["code"]], "street", k) for k in range(len(STREET_TYPES))]
    for d in districts:
        slots += [(d["code"], d["code"], "district", k) for k in range(len(DISTRICT_TYPES))]
    return slots


def outline_for(district: str, by_code: dict, outlines: dict, siblings: dict):
    if district in outlines:
        return outlines[district]
    # Development zones have no outline of their own: they lie inside another district of the
    # same city, so use the first of those.
    parent = by_code.get(district, {}).get("parent_code", "")
    for code in siblings.get(parent, []):
        if code in outlines:
            return outlines[code]
    return outlines.get(parent)


def place(rng, geometry, count: int) -> np.ndarray:
    """Return count (lng, lat) points uniformly inside the geometry."""
    import shapely

    west, south, east, north = geometry.bounds
    found = np.empty((0, 2))
    while len(found) < count:
        need = (count - len(found)) * 3 + 16
        xs = rng.uniform(west, east, need)
        ys = rng.uniform(south, north, need)
        inside = shapely.contains_xy(geometry, xs, ys)
        found = np.vstack([found, np.column_stack([xs[inside], ys[inside]])])
    return found[:count]


@cache
def _char_pinyin(ch: str) -> str:
    from pypinyin import lazy_pinyin

    found = lazy_pinyin(ch, errors="ignore")
    return found[0] if found else ""


def syllables_by_character(run: str) -> list[str]:
    return [s for s in (_char_pinyin(c) for c in run) if s]


def generate(points: int, divisions: list[dict]):
    """Yield one dict per point, deterministically."""
    rng = np.random.default_rng(SEED)
    by_code = {d["code"]: d for d in divisions}
    outlines = read_outlines()
    siblings: dict[str, list[str]] = {}
    for d in divisions:
        if d["level"] == "district":
            siblings.setdefault(d["parent_code"], []).append(d["code"])
    slots = plan_slots(divisions)
    keep = np.sort(rng.choice(len(slots), size=min(points, len(slots)), replace=False))
    chosen = [slots[i] for i in keep]
    by_district: dict[str, list[int]] = {}
    for n, slot in enumerate(chosen):
        by_district.setdefault(slot[1], []).append(n)
    positions = np.full((len(chosen), 2), np.nan)
    for district in sorted(by_district):
        geometry = outline_for(district, by_code, outlines, siblings)
        if geometry is None:
            continue
        members = by_district[district]
        positions[members] = place(rng, geometry, len(members))
    base = datetime.date(2026, 11, 30).toordinal()
    verified = rng.integers(0, 3 * 365, len(chosen))
    free = rng.random(len(chosen)) < 0.9
    for n, (code, district, level, kind) in enumerate(chosen):
        if np.isnan(positions[n, 0]):
            continue
        division = by_code[code]
        if level == "community":
            suffix, category, department, groups = COMMUNITY_TYPES[kind]
            street = by_code.get(division["parent_code"])
            name = community_short(division["name"]) + suffix
            community_code, street_code = code, division["parent_code"]
            address = f"{street['name'] if street else ''}{community_short(division['name'])}{n % 97 + 1}号"
        elif level == "street":
            suffix, category, department, groups = STREET_TYPES[kind]
            name = division["name"] + suffix
            community_code, street_code = "", code
            address = f"{division['name']}{n % 89 + 1}号"
        else:
            suffix, category, department, groups = DISTRICT_TYPES[kind]
            name = division["name"] + suffix
            community_code, street_code = "", ""
            address = f"{division['name']}人民路{n % 83 + 1}号"
        yield {
            "n": n, "name": name, "category": category, "department": department,
            "groups": groups, "district": district, "street": street_code,
            "community": community_code, "address": address,
            "lng": float(positions[n, 0]), "lat": float(positions[n, 1]),
            "verified": base - int(verified[n]), "is_free": bool(free[n]),
        }


class Writer:
    """Bulk rows into a table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, connection, table: str, columns: list[str]):
        self.connection = connection
        self.table = table
        self.columns = columns
        self.rows: list[tuple] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= 20000:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        with self.connection.cursor() as cur:
            if self.connection.vendor == "postgresql":
                cols = ", ".join(self.columns)
                with cur.cursor.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cur.executemany(
                    f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({marks})",
                    self.rows,
                )
        self.rows = []


def model_writer(connection, model, overrides: set[str]):
    """Return (writer, row builder) for a model: fixed defaults, per-row overrides by column."""
    fields = [f for f in model._meta.concrete_fields]
    columns = [f.column for f in fields]
    defaults = {}
    for f in fields:
        if f.column in overrides:
            continue
        value = f.get_default() if f.has_default() else (None if f.null else "")
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
        defaults[f.column] = f.get_db_prep_save(value, connection)

    def row(values: dict) -> tuple:
        return tuple(values[c] if c in values else defaults[c] for c in columns)

    return Writer(connection, model._meta.db_table, columns), row


def build(points: int, database: str) -> dict:
    setup_django(database)
    from django.core.management import call_command
    from django.db import connection, transaction

    from caremap.directory.models import Location, Organization
    from caremap.directory.taxonomies import CATEGORY, TARGET_GROUP, seed_taxonomies, terms
    from caremap.regions.models import Division
    from caremap.search import cells
    from caremap.search.backends import backend_for, category_key
    from caremap.search.index import codes_field, position_fields, store_gram_counts, text_fields
    from caremap.search.models import SearchEntry
    from caremap.search.plan import NAME_PREFIX_KEY, TOTAL_KEY

    timings = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Location.objects.exists():
        raise SystemExit("the database already contains service points: give an empty database")
    seed_taxonomies()
    categories, groups = terms(CATEGORY), terms(TARGET_GROUP)
    category_names = {c: t.name for c, t in categories.items()}
    group_names = {c: t.name for c, t in groups.items()}
    from caremap.directory.models import Department

    department_names = dict(Department.objects.values_list("code", "short_name"))
    divisions = read_divisions()
    by_code = {d["code"]: d for d in divisions}
    vendor = connection.vendor
    backend = backend_for(vendor)
    uuid_value = (lambda u: u.hex) if vendor == "sqlite" else (lambda u: u)
    if vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA journal_mode=OFF")
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA cache_size=-400000")
    else:
        with connection.schema_editor() as editor:
            backend.drop(editor)

    with transaction.atomic():
        writer, row = model_writer(connection, Division, {"code", "name", "level", "parent_id",
                                                           "public_district_id"})
        existing = set(Division.objects.values_list("code", flat=True))
        district_of = {}
        for d in divisions:
            if d["level"] == "district" or (d["level"] == "city" and d["code"] not in existing):
                district_of[d["code"]] = d["code"]
        for d in divisions:
            if d["level"] in ("street", "community"):
                parent = d["parent_code"]
                district_of[d["code"]] = district_of.get(parent) or district_of.get(
                    by_code[parent]["parent_code"], "")
        for d in divisions:
            if d["code"] in existing:
                continue
            writer.add(row({"code": d["code"], "name": d["name"], "level": d["level"],
                            "parent_id": d["parent_code"] or None,
                            "public_district_id": district_of.get(d["code"]) or None}))
        writer.flush()
    timings["divisions_s"] = time.perf_counter() - started

    generated = list(generate(points, divisions))
    timings["generate_s"] = time.perf_counter() - started
    org_ids = {}
    with transaction.atomic():
        writer, row = model_writer(connection, Organization, {"id", "name", "is_demo"})
        for district in sorted({p["district"] for p in generated}):
            ident = uuid.UUID(int=(SEED << 64) | int(district), version=4)
            org_ids[district] = ident
            writer.add(row({"id": uuid_value(ident), "name": by_code[district]["name"] + "儿童关爱服务网络",
                            "is_demo": True}))
        writer.flush()

        loc_writer, loc_row = model_writer(connection, Location, {
            "id", "name", "organization_id", "department_id", "category_id", "address",
            "district_id", "street_id", "community_id", "latitude", "longitude", "is_free",
            "last_verified", "is_demo", "field_visibility"})
        through = Location.target_groups.through
        m2m = Writer(connection, through._meta.db_table, ["location_id", "taxonomyterm_id"])
        entry_columns = [
            "id", "location_id", "name", "name_compact", "name_pinyin", "body", "address", "grams",
            "latitude", "longitude", "merc_x", "merc_y", "category", "category_key", "department",
            "district", "street", "community", "target_groups", "service_terms", "is_free",
            "min_age", "max_age", "verified",
        ]
        entries = Writer(connection, SearchEntry._meta.db_table, entry_columns)
        fts = Writer(connection, "search_fts", ["rowid", "grams"]) if vendor == "sqlite" else None
        rtree = Writer(connection, "search_rtree", ["id", "min_lng", "max_lng", "min_lat", "max_lat",
                                                    "min_cat", "max_cat"]) if vendor == "sqlite" else None
        from collections import Counter

        gram_sample: Counter = Counter()
        term_ids = {c: uuid_value(t.id) for c, t in categories.items()}
        group_ids = {c: uuid_value(t.id) for c, t in groups.items()}
        for p in generated:
            ident = uuid.UUID(int=(SEED << 96) | p["n"], version=4)
            lid = uuid_value(ident)
            loc_writer.add(loc_row({
                "id": lid, "name": p["name"], "organization_id": uuid_value(org_ids[p["district"]]),
                "department_id": p["department"], "category_id": term_ids[p["category"]],
                "address": p["address"], "district_id": p["district"],
                "street_id": p["street"] or None, "community_id": p["community"] or None,
                "latitude": p["lat"], "longitude": p["lng"], "is_free": p["is_free"],
                "last_verified": datetime.date.fromordinal(p["verified"]), "is_demo": True,
                "field_visibility": "{}" if vendor == "sqlite" else json.dumps({}),
            }))
            for g in p["groups"]:
                m2m.add((lid, group_ids[g]))
            body = " ".join([category_names[p["category"]], department_names[p["department"]],
                             *(group_names[g] for g in p["groups"])])
            regions = [by_code[c]["name"] for c in (p["district"], p["street"], p["community"]) if c]
            address = " ".join([p["address"], *regions])
            text = text_fields(p["name"], body, address, syllables_by_character)
            entry_id = p["n"] + 1
            key = category_key(p["category"])
            entries.add((
                entry_id, lid, text["name"], text["name_compact"], text["name_pinyin"], text["body"],
                text["address"], text["grams"], p["lat"], p["lng"],
                *position_fields(p["lat"], p["lng"]).values(), p["category"], key, p["department"],
                p["district"], p["street"], p["community"], codes_field(p["groups"]), "",
                p["is_free"], None, None, p["verified"],
            ))
            if fts is not None:
                fts.add((entry_id, text["grams"]))
                rtree.add((entry_id, p["lng"], p["lng"], p["lat"], p["lat"], key, key))
            if p["n"] % 10 == 0:
                # Planner counts from a 1-in-10 sample: estimates only (see GramCount).
                gram_sample.update(text["grams"].split())
                gram_sample.update(NAME_PREFIX_KEY + g for g in set(text["grams"].split())
                                   if g in text["name"])
        for w in (loc_writer, m2m, entries, fts, rtree):
            if w is not None:
                w.flush()
        timings["records_s"] = time.perf_counter() - started
        counts = Counter({g: n * 10 for g, n in gram_sample.items()})
        counts[TOTAL_KEY] = len(generated)
        store_gram_counts(counts)
        cells.rebuild()
        timings["cells_s"] = time.perf_counter() - started
    if vendor == "postgresql":
        with connection.schema_editor() as editor:
            backend.create(editor)
        with connection.cursor() as cur:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{SearchEntry._meta.db_table}', 'id'), %s)",
                        [len(generated) + 1])
            cur.execute("ANALYZE")
    else:
        with connection.cursor() as cur:
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cur.execute("ANALYZE")
    timings["total_s"] = time.perf_counter() - started
    result = {"points": len(generated), "database": vendor, **{k: round(v, 1) for k, v in timings.items()}}
    result["size_mb"] = round(database_size(connection) / 1e6, 1)
    return result


def database_size(connection) -> int:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_database_size(current_database())")
        else:
            cur.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        return cur.fetchone()[0]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--database", required=True, help="sqlite:///path or postgres://…")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    result = build(args.points, args.database)
    out = io.StringIO()
    json.dump(result, out, ensure_ascii=False)
    sys.stdout.write(out.getvalue() + "\n")


if __name__ == "__main__":
    main()
