"""Database-specific text and spatial indexes behind one interface.

`SqliteBackend` uses an FTS5 table over the n-gram tokens and an R*Tree over positions;
`PostgresBackend` uses a GIN index on to_tsvector('simple', grams) and a B-tree on
(latitude, longitude). Both return sets of SearchEntry ids, so the query code above them is the
same on both databases.
"""

from django.db import connection

from .normalize import is_cjk

FTS_TABLE = "search_fts"
RTREE_TABLE = "search_rtree"
ENTRY_TABLE = "search_searchentry"


class SearchBackend:
    """Interface of the text and spatial indexes; ids are SearchEntry ids."""

    def create(self, schema_editor) -> None:
        raise NotImplementedError

    def drop(self, schema_editor) -> None:
        raise NotImplementedError

    def write(self, entries) -> None:
        """Add or replace the index rows of these SearchEntry objects."""
        raise NotImplementedError

    def delete(self, ids) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def match(self, terms: list[list[str]]) -> set[int]:
        """Return ids whose tokens contain every term (any of its alternatives)."""
        raise NotImplementedError

    def within_bbox(self, west: float, south: float, east: float, north: float) -> set[int]:
        raise NotImplementedError


def _alternative_tokens(alternative: str) -> tuple[list[str], bool]:
    """Return (tokens, prefix): the bigrams of a CJK word, or a Latin word as a prefix."""
    if is_cjk(alternative):
        if len(alternative) == 1:
            return [alternative], False
        return [alternative[i : i + 2] for i in range(len(alternative) - 1)], False
    return [alternative], True


class SqliteBackend(SearchBackend):
    def create(self, schema_editor) -> None:
        # prefix= lets 'futian*' use an index for the pinyin prefixes users type.
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(grams, prefix='1 2 3 4')"
        )
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {RTREE_TABLE} USING rtree(id, min_lat, max_lat, min_lng, max_lng)"
        )

    def drop(self, schema_editor) -> None:
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {RTREE_TABLE}")

    def write(self, entries) -> None:
        entries = list(entries)
        if not entries:
            return
        ids = [(e.id,) for e in entries]
        with connection.cursor() as cur:
            cur.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", ids)
            cur.executemany(f"DELETE FROM {RTREE_TABLE} WHERE id = %s", ids)
            cur.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, grams) VALUES (%s, %s)",
                [(e.id, e.grams) for e in entries],
            )
            cur.executemany(
                f"INSERT INTO {RTREE_TABLE} VALUES (%s, %s, %s, %s, %s)",
                [(e.id, e.latitude, e.latitude, e.longitude, e.longitude)
                 for e in entries if e.latitude is not None],
            )

    def delete(self, ids) -> None:
        rows = [(i,) for i in ids]
        with connection.cursor() as cur:
            cur.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", rows)
            cur.executemany(f"DELETE FROM {RTREE_TABLE} WHERE id = %s", rows)

    def clear(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {FTS_TABLE}")
            cur.execute(f"DELETE FROM {RTREE_TABLE}")

    @staticmethod
    def fts_query(terms: list[list[str]]) -> str:
        # Tokens contain only CJK characters, a-z and 0-9 (see normalize.runs), so quoting them
        # is enough to make any query text a valid FTS5 expression.
        clauses = []
        for alternatives in terms:
            options = []
            for alternative in alternatives:
                tokens, prefix = _alternative_tokens(alternative)
                star = "*" if prefix else ""
                options.append("(" + " AND ".join(f'"{t}"{star}' for t in tokens) + ")")
            clauses.append("(" + " OR ".join(options) + ")")
        return " AND ".join(clauses)

    def match(self, terms: list[list[str]]) -> set[int]:
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [self.fts_query(terms)]
            )
            return {row[0] for row in cur.fetchall()}

    def within_bbox(self, west, south, east, north) -> set[int]:
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT id FROM {RTREE_TABLE} WHERE min_lat >= %s AND max_lat <= %s "
                "AND min_lng >= %s AND max_lng <= %s",
                [south, north, west, east],
            )
            return {row[0] for row in cur.fetchall()}


class PostgresBackend(SearchBackend):
    def create(self, schema_editor) -> None:
        schema_editor.execute(
            f"CREATE INDEX search_entry_grams_gin ON {ENTRY_TABLE} "
            "USING gin (to_tsvector('simple', grams))"
        )

    def drop(self, schema_editor) -> None:
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_grams_gin")

    # The GIN index and the B-tree are maintained by PostgreSQL with the table's rows.
    def write(self, entries) -> None:
        return None

    def delete(self, ids) -> None:
        return None

    def clear(self) -> None:
        return None

    @staticmethod
    def ts_query(terms: list[list[str]]) -> str:
        clauses = []
        for alternatives in terms:
            options = []
            for alternative in alternatives:
                tokens, prefix = _alternative_tokens(alternative)
                suffix = ":*" if prefix else ""
                options.append("(" + " & ".join(f"'{t}'{suffix}" for t in tokens) + ")")
            clauses.append("(" + " | ".join(options) + ")")
        return " & ".join(clauses)

    def match(self, terms: list[list[str]]) -> set[int]:
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT id FROM {ENTRY_TABLE} "
                "WHERE to_tsvector('simple', grams) @@ to_tsquery('simple', %s)",
                [self.ts_query(terms)],
            )
            return {row[0] for row in cur.fetchall()}

    def within_bbox(self, west, south, east, north) -> set[int]:
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT id FROM {ENTRY_TABLE} WHERE latitude BETWEEN %s AND %s "
                "AND longitude BETWEEN %s AND %s",
                [south, north, west, east],
            )
            return {row[0] for row in cur.fetchall()}


def backend_for(vendor: str) -> SearchBackend:
    if vendor == "sqlite":
        return SqliteBackend()
    if vendor == "postgresql":
        return PostgresBackend()
    raise NotImplementedError(f"no search backend for database vendor {vendor!r}")


def get_backend() -> SearchBackend:
    return backend_for(connection.vendor)
