"""Database-specific text and spatial indexes behind one interface.

`SqliteBackend` keeps an FTS5 table over the n-gram tokens and a 3-D R*Tree over (longitude,
latitude, category key); `PostgresBackend` a GIN index on to_tsvector('simple', grams) and a
GiST index on point(longitude, latitude) (the built-in point type: no extension needed). Both
hand the query planner SQL conditions on the entry table (alias `e`), so the plans in
`query.py` are the same on both databases; only these fragments differ.
"""

import zlib

from django.db import connection

from caremap.geo.distance import haversine_m

from .normalize import is_cjk, matching_alternatives

FTS_TABLE = "search_fts"
RTREE_TABLE = "search_rtree"
ENTRY_TABLE = "search_searchentry"
DISTANCE_FUNCTION = "caremap_distance_m"


def category_key(code: str) -> int:
    """Return the R*Tree dimension value of a category code.

    R*Tree stores 32-bit floats, which hold integers below 2**24 exactly. Two codes could share
    a key; the planner always checks the category column as well, so that costs time, not
    correctness.
    """
    return zlib.crc32(code.encode()) % (1 << 24) if code else 0


class SearchBackend:
    """Interface of the text and spatial indexes; ids are SearchEntry ids."""

    vendor = ""

    def create(self, schema_editor) -> None:
        raise NotImplementedError

    def drop(self, schema_editor) -> None:
        raise NotImplementedError

    # True when `write` needs the entries' ids (an index kept in tables of its own).
    needs_ids = False

    def write(self, entries) -> None:
        """Add the index rows of these new SearchEntry objects.

        An entry is never changed in place: `index.write_entries` deletes the old one and
        writes a new one.
        """
        raise NotImplementedError

    def delete(self, entries) -> None:
        """Remove the index rows of these SearchEntry objects, whose rows still exist."""
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    # SQL fragments for the planner; each returns (sql, params) over the entry alias `e`.
    def text_source(self, terms: list[list[str]]) -> tuple[str, list, str, list]:
        """Return (FROM clause giving alias e, its params, condition, its params) for reading
        through the text index."""
        raise NotImplementedError

    def prefix_condition(self, column: str, prefix: str) -> tuple[str, list]:
        """SQL true when `column` starts with `prefix`, able to use the column's B-tree."""
        raise NotImplementedError

    def name_order(self, column: str) -> str:
        """ORDER BY expression sorting names by code point, as Python does."""
        return column

    def text_order(self) -> str:
        """ORDER BY expression for unranked text matches read through `text_source`."""
        return "e.id"

    def box_condition(self, west, south, east, north, categories=()) -> tuple[str, list]:
        raise NotImplementedError

    def contains(self, column: str) -> str:
        """SQL that is true when `column` contains the parameter as a substring."""
        raise NotImplementedError

    def greatest(self, parts: list[str]) -> str:
        raise NotImplementedError

    def distance(self, lat: float, lng: float) -> tuple[str, list]:
        """SQL for the great-circle distance in metres from (lat, lng) to the entry."""
        raise NotImplementedError


def _alternative_tokens(alternative: str) -> tuple[list[str], bool]:
    """Return (tokens, prefix): the bigrams of a CJK word, or a Latin word as a prefix."""
    if is_cjk(alternative):
        if len(alternative) == 1:
            return [alternative], False
        return [alternative[i : i + 2] for i in range(len(alternative) - 1)], False
    return [alternative], True


class SqliteBackend(SearchBackend):
    needs_ids = True
    vendor = "sqlite"

    def create(self, schema_editor) -> None:
        schema_editor.execute(self.fts_definition())
        # The third dimension is the category key, so "this category near here" is one
        # R*Tree search instead of a spatial search filtered afterwards.
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {RTREE_TABLE} USING "
            "rtree(id, min_lng, max_lng, min_lat, max_lat, min_cat, max_cat)"
        )
        # NOTE: a migration that alters SearchEntry copies the table on SQLite and loses this
        # index, so it must make the index again (as 0008 does after 0006).
        schema_editor.execute(f"CREATE INDEX search_entry_name ON {ENTRY_TABLE} (name, location_id)")

    def drop(self, schema_editor) -> None:
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {RTREE_TABLE}")
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_name")

    @staticmethod
    def fts_definition() -> str:
        """Return the statement that creates the FTS5 table.

        The table indexes the entries' `grams` column without a copy of its own (an external
        content table): 20 MB instead of 70 MB for 100,000 benchmark entries. prefix= lets
        'futian*' use an index for the pinyin prefixes users type.
        """
        return (f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(grams, prefix='1 2 3 4', "
                f"detail=none, content='{ENTRY_TABLE}', content_rowid='id')")

    def write(self, entries) -> None:
        entries = list(entries)
        if not entries:
            return
        with connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, grams) VALUES (%s, %s)",
                [(e.id, e.grams) for e in entries],
            )
            cur.executemany(
                f"INSERT INTO {RTREE_TABLE} VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(e.id, e.longitude, e.longitude, e.latitude, e.latitude,
                  e.category_key, e.category_key)
                 for e in entries if e.latitude is not None],
            )

    def delete(self, entries) -> None:
        ids = [(e.id,) for e in entries]
        with connection.cursor() as cur:
            # FTS5 removes the tokens it is given, so they are read from the stored entry
            # (never changed after it is written), not from a Python object that may differ.
            cur.executemany(
                f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, grams) "
                f"SELECT 'delete', id, grams FROM {ENTRY_TABLE} WHERE id = %s",
                ids,
            )
            cur.executemany(f"DELETE FROM {RTREE_TABLE} WHERE id = %s", ids)

    def clear(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')")
            cur.execute(f"DELETE FROM {RTREE_TABLE}")

    @staticmethod
    def fts_query(terms: list[list[str]]) -> str:
        # Tokens contain only CJK characters, a-z and 0-9 (see normalize.runs), so quoting them
        # is enough to make any query text a valid FTS5 expression.
        clauses = []
        for alternatives in terms:
            options = []
            for alternative in matching_alternatives(alternatives):
                tokens, prefix = _alternative_tokens(alternative)
                star = "*" if prefix else ""
                options.append("(" + " AND ".join(f'"{t}"{star}' for t in tokens) + ")")
            clauses.append("(" + " OR ".join(options) + ")")
        return " AND ".join(clauses)

    def text_source(self, terms):
        # CROSS JOIN keeps FTS5 as the outer loop, so rows stream in rowid order and a LIMIT
        # stops reading the posting list early.
        return (f"{FTS_TABLE} CROSS JOIN {ENTRY_TABLE} AS e ON e.id = {FTS_TABLE}.rowid", [],
                f"{FTS_TABLE} MATCH %s", [self.fts_query(terms)])

    def text_order(self):
        # The FTS5 rowid is the entry id, and FTS5 can deliver rowids in order.
        return f"{FTS_TABLE}.rowid"

    def prefix_condition(self, column, prefix):
        # A range the B-tree can use; SQLite's LIKE ignores case and would not.
        return f"({column} >= %s AND {column} < %s)", [prefix, prefix + "\U0010ffff"]

    def box_condition(self, west, south, east, north, categories=()):
        # R*Tree boxes are rounded outwards to 32-bit floats: search by overlap, then check
        # the exact position on the entry.
        sql = (f"e.id IN (SELECT id FROM {RTREE_TABLE} WHERE max_lng >= %s AND min_lng <= %s "
               "AND max_lat >= %s AND min_lat <= %s")
        params = [west, east, south, north]
        keys = [category_key(c) for c in categories]
        if keys:
            sql += " AND max_cat >= %s AND min_cat <= %s"
            params += [min(keys), max(keys)]
        sql += ") AND e.longitude BETWEEN %s AND %s AND e.latitude BETWEEN %s AND %s"
        return sql, params + [west, east, south, north]

    def contains(self, column):
        return f"instr({column}, %s) > 0"

    def greatest(self, parts):
        return parts[0] if len(parts) == 1 else "max(" + ", ".join(parts) + ")"

    def distance(self, lat, lng):
        return f"{DISTANCE_FUNCTION}(%s, %s, e.latitude, e.longitude)", [lat, lng]


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def create(self, schema_editor) -> None:
        schema_editor.execute(
            f"CREATE INDEX search_entry_grams_gin ON {ENTRY_TABLE} "
            "USING gin (to_tsvector('simple', grams))"
        )
        schema_editor.execute(
            f"CREATE INDEX search_entry_point_gist ON {ENTRY_TABLE} "
            "USING gist (point(longitude, latitude))"
        )
        # LIKE 'prefix%' on the compact name (name-prefix ranking) and on the planner's
        # token counts, under any collation; names in code-point order for listing.
        schema_editor.execute(
            f"CREATE INDEX search_entry_compact_prefix ON {ENTRY_TABLE} "
            "(name_compact text_pattern_ops)"
        )
        schema_editor.execute(
            "CREATE INDEX search_gramcount_prefix ON search_gramcount (gram text_pattern_ops)"
        )
        schema_editor.execute(
            f'CREATE INDEX search_entry_name_c ON {ENTRY_TABLE} (name COLLATE "C", location_id)'
        )

    def drop(self, schema_editor) -> None:
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_grams_gin")
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_point_gist")
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_compact_prefix")
        schema_editor.execute("DROP INDEX IF EXISTS search_gramcount_prefix")
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_name_c")

    # The indexes are maintained by PostgreSQL with the table's rows.
    def write(self, entries) -> None:
        return None

    def delete(self, entries) -> None:
        return None

    def clear(self) -> None:
        return None

    @staticmethod
    def ts_query(terms: list[list[str]]) -> str:
        clauses = []
        for alternatives in terms:
            options = []
            for alternative in matching_alternatives(alternatives):
                tokens, prefix = _alternative_tokens(alternative)
                suffix = ":*" if prefix else ""
                options.append("(" + " & ".join(f"'{t}'{suffix}" for t in tokens) + ")")
            clauses.append("(" + " | ".join(options) + ")")
        return " & ".join(clauses)

    def text_source(self, terms):
        # A materialised CTE makes PostgreSQL read the matches through the GIN index first.
        # As a plain condition, with ORDER BY and a small LIMIT, the planner may walk the
        # primary key instead and compute to_tsvector for every row it passes.
        from .models import SearchEntry

        # Every column but the tokens themselves, which nothing reads after the match.
        columns = ", ".join(f.column for f in SearchEntry._meta.concrete_fields if f.column != "grams")
        return (
            f"(WITH matches AS MATERIALIZED (SELECT {columns} FROM {ENTRY_TABLE} "
            "WHERE to_tsvector('simple', grams) @@ to_tsquery('simple', %s)) "
            "SELECT * FROM matches) AS e",
            [self.ts_query(terms)], "", [],
        )

    def prefix_condition(self, column, prefix):
        # Tokens and compact names hold no LIKE wildcards (only CJK, a-z and 0-9).
        return f"{column} LIKE %s", [prefix + "%"]

    def name_order(self, column):
        return f'{column} COLLATE "C"'

    def box_condition(self, west, south, east, north, categories=()):
        return ("point(e.longitude, e.latitude) <@ box(point(%s, %s), point(%s, %s))",
                [west, south, east, north])

    def contains(self, column):
        return f"strpos({column}, %s) > 0"

    def greatest(self, parts):
        return parts[0] if len(parts) == 1 else "GREATEST(" + ", ".join(parts) + ")"

    def distance(self, lat, lng):
        # Haversine on the same sphere as caremap.geo.distance.haversine_m.
        return (
            "(2 * 6371008.8 * asin(least(1.0, sqrt("
            "power(sin(radians(e.latitude - %s) / 2), 2) + cos(radians(%s)) * "
            "cos(radians(e.latitude)) * power(sin(radians(e.longitude - %s) / 2), 2)))))",
            [lat, lat, lng],
        )


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """Give each SQLite connection the great-circle distance function the planner uses."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        DISTANCE_FUNCTION, 4, _distance_or_none, deterministic=True
    )


def _distance_or_none(lat1, lng1, lat2, lng2):
    if lat2 is None or lng2 is None:
        return None
    return haversine_m(lat1, lng1, lat2, lng2)


def backend_for(vendor: str) -> SearchBackend:
    if vendor == "sqlite":
        return SqliteBackend()
    if vendor == "postgresql":
        return PostgresBackend()
    raise NotImplementedError(f"no search backend for database vendor {vendor!r}")


def get_backend(using=None) -> SearchBackend:
    from django.db import connections

    return backend_for((connections[using] if using else connection).vendor)
