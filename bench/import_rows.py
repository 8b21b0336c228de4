"""Benchmark the import pipeline: rows per second for checking (dry run) and for writing.

Run: .venv/bin/python bench/import_rows.py [--rows 100000] [--apply-rows 100000]
                                          [--postgres postgres://user@127.0.0.1:5432]
It builds a throw-away database (SQLite under var/, or with --postgres a database of its own on
that server, dropped afterwards), loads divisions and vocabularies, generates a CSV of valid
rows spread over Shenzhen, and times `run_import`.
"""

import argparse
import csv
import io
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))


def build_csv(rows: int, seed: int = 7) -> bytes:
    from caremap.regions.models import Division, Level

    rng = random.Random(seed)
    streets = list(Division.objects.public().filter(level=Level.STREET)
                   .exclude(anchor_lat=None).select_related("public_district"))
    hours = ["周一至周五 9:00-12:00，14:00-17:30；节假日休息", "24小时", "周二至周日 9:00-17:00"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["编号", "机构名称", "类别", "地址", "联系电话", "经度", "纬度", "服务时间",
                     "服务对象", "服务内容"])
    for i in range(rows):
        street = streets[i % len(streets)]
        writer.writerow([
            f"B-{i}", f"{street.name}基准测试站{i}", "儿童之家",
            f"深圳市{street.public_district.name}{street.name}基准路{i}号",
            f"0755-8{rng.randrange(1000000, 9999999)}",
            f"{street.anchor_lng + rng.uniform(-0.002, 0.002):.6f}",
            f"{street.anchor_lat + rng.uniform(-0.002, 0.002):.6f}",
            hours[i % 3], "社区儿童", "亲子关系促进",
        ])
    return out.getvalue().encode("utf-8")


BENCH_DATABASE = "caremap_import_bench"


def calibration_seconds() -> float:
    """Time a fixed pure-Python loop, so that figures from different machines can be compared."""
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def _written_tables() -> list[str]:
    """Return the tables an import writes, parents before children (the floor's order)."""
    from django.db import connection

    from caremap.directory.models import Location, Organization, Phone, Service, ServiceAtLocation
    from caremap.search.backends import FTS_TABLE, RTREE_TABLE
    from caremap.search.models import SearchEntry

    models = [Organization, Service, Service.taxonomy_terms.through, Location, Phone,
              Location.target_groups.through, ServiceAtLocation, SearchEntry]
    tables = [m._meta.db_table for m in models]
    return tables + ([FTS_TABLE, RTREE_TABLE] if connection.vendor == "sqlite" else [])


def database_floor() -> dict[str, float]:
    """Return the seconds the database takes to insert the imported rows again, by table.

    The rows an apply wrote are copied aside, deleted, and inserted again into the same tables
    with INSERT ... SELECT, in one transaction: every index (FTS5 and R*Tree on SQLite, GIN
    and GiST on PostgreSQL) and foreign key check does its work, and no Python runs per row.
    An import cannot write its rows faster than this. The tables must hold only the import's
    rows (the benchmark database has no other records).
    """
    from django.db import connection

    tables = _written_tables()
    sqlite = connection.vendor == "sqlite"
    seconds = {}
    with connection.cursor() as cur:
        if sqlite:
            cur.execute("PRAGMA foreign_keys = OFF")  # for the deletes only
        for table in tables:
            if table == "search_fts":
                cur.execute(f"CREATE TEMP TABLE copy_{table} AS SELECT rowid AS id, grams "
                            f"FROM {table}")
            else:
                cur.execute(f"CREATE TEMP TABLE copy_{table} AS SELECT * FROM {table}")
        for table in reversed(tables):
            if sqlite and table in ("search_fts", "search_rtree"):
                # Made again empty: deleting from FTS5 leaves deletion markers to merge.
                cur.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table])
                (create,) = cur.fetchone()
                cur.execute(f"DROP TABLE {table}")
                cur.execute(create)
            else:
                cur.execute(f"DELETE FROM {table}")
        if sqlite:
            cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("BEGIN")
        for table in tables:
            start = time.perf_counter()
            if table == "search_fts":
                cur.execute(f"INSERT INTO {table} (rowid, grams) SELECT id, grams "
                            f"FROM copy_{table}")
            else:
                cur.execute(f"INSERT INTO {table} SELECT * FROM copy_{table}")
            seconds[table] = time.perf_counter() - start
        start = time.perf_counter()
        cur.execute("COMMIT")
        seconds["COMMIT"] = time.perf_counter() - start
        for table in tables:
            cur.execute(f"DROP TABLE copy_{table}")
    return seconds


def _postgres_admin(server: str, statement: str, database: str) -> None:
    import psycopg

    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as conn:
        if statement == "CREATE DATABASE":
            conn.execute(f"DROP DATABASE IF EXISTS {database}")
        conn.execute(f"{statement} {database}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="rows checked in a dry run")
    parser.add_argument("--apply-rows", type=int, default=100_000, help="rows written")
    parser.add_argument("--postgres", help="PostgreSQL server URL to run on instead of SQLite")
    args = parser.parse_args()

    (PROJECT / "var").mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="import-bench-", dir=PROJECT / "var"))
    if args.postgres:
        _postgres_admin(args.postgres, "CREATE DATABASE", BENCH_DATABASE)
        os.environ["DATABASE_URL"] = f"{args.postgres.rstrip('/')}/{BENCH_DATABASE}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremap.settings")
    os.environ["CAREMAP_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("setupdemo", "--no-demo", verbosity=0, stdout=io.StringIO())
    from caremap.regions.anchors import generate_anchors

    generate_anchors()  # street anchor points place the generated rows
    from django.conf import settings

    from caremap.directory.models import Department
    from caremap.imports.pipeline import run_import

    print(f"machine: {os.cpu_count()} cores; reference loop {calibration_seconds():.2f} s; "
          f"import workers setting {settings.CAREMAP_IMPORT_WORKERS} (0: one per core)")
    department = Department.objects.get(code="civil-affairs")
    data = build_csv(args.rows)
    start = time.perf_counter()
    report = run_import(data, "bench.csv", department, dry_run=True)
    checked = time.perf_counter() - start
    assert report.counts["valid"] == args.rows, report.counts
    print(f"dry run (read + check): {args.rows} rows in {checked:.1f} s = "
          f"{args.rows / checked:,.0f} rows/s; findings={len(report.findings)}")

    small = build_csv(args.apply_rows, seed=8)
    start = time.perf_counter()
    report = run_import(small, "bench.csv", department, dry_run=False)
    applied = time.perf_counter() - start
    print(f"apply (read + check + write + search index): {args.apply_rows} rows in "
          f"{applied:.1f} s = {args.apply_rows / applied:,.0f} rows/s; "
          f"created={report.counts['created']}")

    by_table = database_floor()
    floor = sum(by_table.values())
    print(f"database floor (the same rows inserted again by SQL alone): {floor:.1f} s = "
          f"{args.apply_rows / floor:,.0f} rows/s")
    for table, seconds in sorted(by_table.items(), key=lambda item: -item[1]):
        print(f"  {table}: {seconds:.2f} s")

    start = time.perf_counter()
    report = run_import(small, "bench.csv", department, dry_run=False)
    again = time.perf_counter() - start
    print(f"re-import of the same {args.apply_rows} rows: {again:.1f} s = "
          f"{args.apply_rows / again:,.0f} rows/s; unchanged={report.counts['unchanged']}")

    from django.db import connections

    connections.close_all()
    shutil.rmtree(workdir)
    if args.postgres:
        _postgres_admin(args.postgres, "DROP DATABASE", BENCH_DATABASE)


if __name__ == "__main__":
    main()
