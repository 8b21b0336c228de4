"""The database-specific search indexes exist after every migration, and listings use them.

They are made with SQL of their own (backends.py), outside Django's model state. On SQLite a
migration that alters the entry table copies it to a new one, which gets back only the
indexes the model state declares, so a later migration must make the others again.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from caremap.search.query import PointQuery, run_query

pytestmark = pytest.mark.django_db

EXPECTED = {
    "sqlite": {"search_fts", "search_rtree", "search_entry_name"},
    "postgresql": {"search_entry_grams_gin", "search_entry_point_gist",
                   "search_entry_compact_prefix", "search_gramcount_prefix",
                   "search_entry_name_c"},
}


def _schema_names() -> set:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master")
        else:
            cur.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        return {row[0] for row in cur.fetchall()}


def test_backend_indexes_exist():
    missing = EXPECTED[connection.vendor] - _schema_names()
    assert not missing


def test_name_listing_reads_name_index():
    with CaptureQueriesContext(connection) as queries:
        result = run_query(PointQuery(page_size=20), facets=False)
    assert len(result.hits) == 20
    listing = [q["sql"] for q in queries.captured_queries if "ORDER BY e.name" in q["sql"]]
    assert len(listing) == 1
    if connection.vendor == "sqlite":
        # The page is read in index order: no sort of every entry before the LIMIT.
        with connection.cursor() as cur:
            cur.execute("EXPLAIN QUERY PLAN " + listing[0])
            plan = " | ".join(row[-1] for row in cur.fetchall())
        assert "search_entry_name" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        # The table is small enough for a sort to look cheaper, so forbid sorts and scans to
        # see that the index can deliver this order at all.
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL enable_sort = off")
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("EXPLAIN " + listing[0])
            plan = " | ".join(row[0] for row in cur.fetchall())
            transaction.set_rollback(True)
        assert "search_entry_name_c" in plan, plan
