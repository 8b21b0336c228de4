"""Query planning: how one point query uses the text, spatial and freshness indexes.

Every plan returns the same rows in the same order. The plans differ in what they read:

- *text index*: rows come from the n-gram index (FTS5 on SQLite, GIN on PostgreSQL). Chosen
  when the text is rare (the planner's estimate, from `GramCount`, is at most RARE_LIMIT), or
  when no box limits the query and the index can stream (FTS5 streams; a GIN index can only
  build a bitmap of every match, so PostgreSQL scans instead for common text).
- *box*: a viewport or radius box drives through the R*Tree / GiST index, and common text is
  checked on the rows in the box.
- *ranking walk*, for common text without `near`: when at least `need` entries hold every term
  in their name, no entry without that can rank among them (see `Planner._walk`), so the page is
  the entries whose compact name starts with a term (ranked in full) merged with the freshest
  entries whose name contains every term, read in freshness-index order until the page is full.
- *nearest*: `near` without `radius` searches growing boxes until the k-th nearest is inside
  the searched circle.

Counts and facet counts stop at a cap (see query.COUNT_CAP, FACET_SAMPLE).
"""

from __future__ import annotations

import math
from collections import Counter

from django.db import connections, router

from caremap.geo.distance import bbox_around

from . import query as q
from .backends import backend_for
from .models import GramCount, SearchEntry
from .normalize import is_cjk, matching_alternatives

RARE_LIMIT = 1500
# PostgreSQL reads common text by scanning rows, not through a GIN bitmap, above this.
GIN_LIMIT = 60000
# The ranking walk is tried when it should find a page within this many rows.
WALK_BUDGET = 20000
NEAREST_START_M = 2000
# Zoom of the cluster cells that seed the nearest search's first radius (cells of ~10 km).
NEAREST_CELL_ZOOM = 10
NEAREST_MAX_M = 20_000_000
TOTAL_KEY = "#total"
NAME_PREFIX_KEY = "n:"

ENTRY_COLUMNS = "e.id, e.location_id, e.name, e.verified"


def read_alias() -> str:
    """Return the database alias for search reads (a replica when DATABASE_REPLICA_URLS is set)."""
    return router.db_for_read(SearchEntry)


class Planner:
    def __init__(self, query, terms, whole: str):
        self.query = query
        self.terms = terms
        self.whole = whole
        self.alias = read_alias()
        self.connection = connections[self.alias]
        self.backend = backend_for(self.connection.vendor)
        self.ranked = bool(terms) and query.ranked
        self.has_box = bool(query.bbox or (query.near and query.radius))
        self.total = 0
        # (count, capped) found while counting facets under every condition, or None.
        self.counted = None
        self.estimate = self._estimate(terms) if terms else 0

    # --- estimates -------------------------------------------------------------------------

    def _gram_counts(self, grams) -> dict[str, int]:
        grams = list(dict.fromkeys(grams))
        if not grams:
            return {}
        with self.connection.cursor() as cur:
            sql, params = q._in("gram", grams)
            cur.execute(f"SELECT gram, entries FROM {GramCount._meta.db_table} WHERE {sql}", params)
            return dict(cur.fetchall())

    def _estimate(self, terms, key_prefix: str = "") -> int:
        """Estimate how many entries match every term (in the name only, with key_prefix)."""
        from .backends import _alternative_tokens

        wanted = [TOTAL_KEY]
        for alternatives in terms:
            for alt in alternatives:
                tokens, _ = _alternative_tokens(alt)
                wanted += [key_prefix + t for t in tokens]
        counts = self._gram_counts(wanted)
        total = counts.get(TOTAL_KEY, 0)
        self.total = total
        if not total:
            return 0
        fraction = 1.0
        for alternatives in terms:
            matches = 0
            for alt in matching_alternatives(alternatives):
                tokens, prefix = _alternative_tokens(alt)
                if prefix:
                    matches += self._prefix_count(key_prefix + alt)
                else:
                    matches += min(counts.get(key_prefix + t, 0) for t in tokens)
            fraction *= min(1.0, matches / total)
        return int(total * fraction)

    def _prefix_count(self, prefix: str) -> int:
        sql, params = self.backend.prefix_condition("gram", prefix)
        with self.connection.cursor() as cur:
            cur.execute(
                f"SELECT sum(entries) FROM (SELECT entries FROM {GramCount._meta.db_table} "
                f"WHERE {sql} LIMIT 500) AS g", params,
            )
            return cur.fetchone()[0] or 0

    # --- building blocks -------------------------------------------------------------------

    def use_text_index(self) -> bool:
        if not self.terms:
            return False
        if self.estimate <= RARE_LIMIT:
            return True
        if self.has_box:
            return False
        return self.backend.vendor == "sqlite" or self.estimate <= GIN_LIMIT

    def source(self, use_index: bool) -> tuple[str, q.Where]:
        w = q.Where()
        if use_index:
            from_sql, from_params, cond, params = self.backend.text_source(self.terms)
            w.from_params = list(from_params)
            if cond:
                w.add(cond, params)
            return from_sql, w
        return f"{SearchEntry._meta.db_table} AS e", w

    def conditions(self, skip: str = "", facets: bool = True, indexed: bool = False) -> q.Where:
        """Conditions of the query; `indexed` when the rows come through the text index."""
        w = q.filter_conditions(self.query, self.backend)
        if facets:
            w.extend(q.facet_conditions(self.query, skip))
        if self.terms and not (indexed and self.index_is_exact()):
            w.extend(q.text_check(self.terms, self.backend))
        return w

    def index_is_exact(self) -> bool:
        """True when an index match is already an exact match.

        A CJK term of one or two characters is one index token, and a token exists only where
        those characters stand side by side in the name, services or address. Longer terms
        match as several bigrams and Latin terms as token prefixes, so those need the check.
        """
        return all(is_cjk(alt) and len(alt) <= 2
                   for alts in self.terms for alt in matching_alternatives(alts))

    def _fetch(self, sql: str, params) -> list[tuple]:
        with self.connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    def _select(self, extra_columns: list[tuple[str, list]], where: q.Where, from_sql: str,
                order: str, limit: int, offset: int = 0) -> list[tuple]:
        columns = ENTRY_COLUMNS + "".join(f", {c}" for c, _ in extra_columns)
        params = [p for _, ps in extra_columns for p in ps] + where.from_params + where.params + [limit, offset]
        sql = (f"SELECT {columns} FROM {from_sql} WHERE {where.sql()} "
               f"ORDER BY {order} LIMIT %s OFFSET %s")
        return self._fetch(sql, params)

    # --- the page --------------------------------------------------------------------------

    def page(self) -> list:
        query = self.query
        offset = (query.page - 1) * query.page_size
        if query.near:
            rows = self._nearest(query.page * query.page_size)[offset:]
        elif self.ranked:
            rows = self._ranked(query.page * query.page_size)[offset:]
        else:
            use_index = self.use_text_index()
            from_sql, where = self.source(use_index)
            where.extend(self.conditions(indexed=use_index))
            if self.terms:
                # Index order: FTS5 hands rows out in rowid order, so no sort is needed.
                order = self.backend.text_order() if use_index else "e.id"
            else:
                order = f"{self.backend.name_order('e.name')}, e.location_id"
            rows = self._select([], where, from_sql, order, query.page_size, offset)
        return [q.hit_from_row(row, self.ranked, bool(query.near)) for row in rows]

    def _score_column(self) -> list[tuple[str, list]]:
        if not self.ranked:
            return []
        sql, params = q.score_sql(self.terms, self.whole, self.backend)
        return [(f"{sql} AS score", params)]

    def _ranked(self, need: int) -> list[tuple]:
        if self.estimate > RARE_LIMIT and self.total:
            name_estimate = self._estimate(self.terms, NAME_PREFIX_KEY)
            if name_estimate * WALK_BUDGET >= need * self.total:
                rows = self._walk(need)
                if rows is not None:
                    return rows
        return self._full_rank(need)

    def _full_rank(self, need: int) -> list[tuple]:
        use_index = self.use_text_index()
        from_sql, where = self.source(use_index)
        where.extend(self.conditions(indexed=use_index))
        return self._select(self._score_column(), where, from_sql,
                            "score DESC, e.verified DESC, e.location_id", need)

    def _prefix_conditions(self) -> tuple[str, list]:
        """True when the compact name starts with the whole query or with some term."""
        parts, params = [], []
        for prefix in dict.fromkeys([self.whole, *(a for t in self.terms for a in t)]):
            if not prefix:
                continue
            sql, ps = self.backend.prefix_condition("e.name_compact", prefix)
            parts.append(sql)
            params += ps
        return "(" + " OR ".join(parts) + ")", params

    def _walk(self, need: int) -> list[tuple] | None:
        """Rank common text without scoring every match; None when it cannot decide.

        Scores above NAME_CONTAINS × terms need an exact-name or name-prefix match, and the
        compact name then starts with a term or with the whole query (set H). Every other entry
        whose name contains every term scores exactly NAME_CONTAINS × terms, and any entry
        whose name lacks a term scores less. So when `need` such entries exist outside H, the
        page is H's best `need` merged with the `need` freshest of them.
        """
        prefix_sql, prefix_params = self._prefix_conditions()
        table = f"{SearchEntry._meta.db_table} AS e"
        high = self.conditions()
        high.parts.insert(0, prefix_sql)
        high.params[0:0] = prefix_params
        top = self._select(self._score_column(), high, table,
                           "score DESC, e.verified DESC, e.location_id", need)

        # The name check implies the full text check, so only the filters are added.
        contains = q.text_check(self.terms, self.backend, name_only=True)
        contains.add(f"NOT {prefix_sql}", prefix_params)
        contains.extend(q.filter_conditions(self.query, self.backend))
        contains.extend(q.facet_conditions(self.query))
        tier_score = q.NAME_CONTAINS * len(self.terms)
        rest = self._select([(str(tier_score), [])], contains, table,
                            "e.verified DESC, e.location_id", need)
        if len(rest) < need:
            return None
        merged = sorted([*top, *rest], key=lambda r: (-r[4], -r[3], str(r[1]).replace("-", "")))
        return merged[:need]

    def _nearest(self, need: int) -> list[tuple]:
        query = self.query
        dist_sql, dist_params = self.backend.distance(*query.near)
        columns = [*self._score_column(), (f"{dist_sql} AS distance", dist_params)]
        order = "distance" + (", score DESC" if self.ranked else "") + ", e.verified DESC, e.location_id"
        use_index = self.use_text_index()
        if query.radius or (self.terms and self.estimate <= RARE_LIMIT):
            from_sql, where = self.source(use_index)
            where.extend(self.conditions(indexed=use_index))
            where.add(f"{dist_sql} IS NOT NULL", dist_params)
            return self._select(columns, where, from_sql, order, need)
        radius = self._nearest_start(need)
        while True:
            from_sql, where = self.source(False)
            where.extend(self.conditions())
            if radius < NEAREST_MAX_M:
                box = bbox_around(query.near[0], query.near[1], radius)
                where.add(*self.backend.box_condition(*box, categories=query.category))
                where.add(f"{dist_sql} <= %s", [*dist_params, radius])
            else:
                where.add(f"{dist_sql} IS NOT NULL", dist_params)
            rows = self._select(columns, where, from_sql, order, need)
            # Every point nearer than the k-th found lies inside the searched circle.
            if len(rows) >= need or radius >= NEAREST_MAX_M:
                return rows
            radius *= 4

    def _nearest_start(self, need: int) -> float:
        """Guess a radius holding `need` points from the point count of the surrounding cell."""
        from . import cells

        lat, lng = self.query.near
        zoom = NEAREST_CELL_ZOOM
        x, y = cells.mercator(lat, lng)
        n = cells.scale(zoom)
        with self.connection.cursor() as cur:
            cur.execute(
                f"SELECT sum(count) FROM {cells.CELL_TABLE} WHERE zoom = %s AND x = %s AND y = %s",
                [zoom, int(x * n), int(y * n)],
            )
            inside = cur.fetchone()[0] or 0
        side_m = 40_075_000 * math.cos(math.radians(lat)) / n
        if inside < need:
            return max(NEAREST_START_M, side_m)
        density = inside / (side_m * side_m)
        return max(500.0, 1.5 * math.sqrt(need / (math.pi * density)))

    # --- counts and facets -----------------------------------------------------------------

    def count(self, cap: int) -> tuple[int, bool]:
        use_index = self.use_text_index()
        from_sql, where = self.source(use_index)
        where.extend(self.conditions(indexed=use_index))
        if self.query.near and not self.query.radius:
            where.add("e.latitude IS NOT NULL")
        sql = (f"SELECT count(*) FROM (SELECT 1 FROM {from_sql} WHERE {where.sql()} "
               "LIMIT %s) AS matches")
        n = self._fetch(sql, [*where.from_params, *where.params, cap + 1])[0][0]
        return (cap, True) if n > cap else (n, False)

    def facets(self, sample: int) -> tuple[dict[str, Counter], bool]:
        """Count matches per facet value, each facet ignoring its own filter."""
        result = {name: Counter() for name in q.FACETS}
        capped = False
        groups: dict[str, list[str]] = {}
        for name in q.FACETS:
            key = name if getattr(self.query, name) else ""
            groups.setdefault(key, []).append(name)
        self.counted = None
        for skip, names in groups.items():
            counts, hit_cap = self._facet_rows(skip, sample)
            capped = capped or hit_cap
            if skip == "" and not (self.query.near and not self.query.radius):
                # These counts ran under every condition of the query: they give its count.
                self.counted = (sample if hit_cap else sum(n for _, n in counts), hit_cap)
            for (category, department, district, groups_text), n in counts:
                values = {"category": [category], "department": [department],
                          "district": [district] if district else [],
                          "target_group": groups_text.split()}
                for name in names:
                    for value in values[name]:
                        result[name][value] += n
        return result, capped

    def _facet_rows(self, skip: str, sample: int):
        use_index = self.use_text_index()
        from_sql, where = self.source(use_index)
        where.extend(self.conditions(skip=skip, indexed=use_index))
        sql = (f"SELECT category, department, district, target_groups, count(*) FROM "
               f"(SELECT e.category, e.department, e.district, e.target_groups FROM {from_sql} "
               f"WHERE {where.sql()} LIMIT %s) AS matches "
               "GROUP BY category, department, district, target_groups")
        # One pass over at most `sample` + 1 matches: past the cap the counts are lower bounds,
        # and the extra row is taken off the group it fell in.
        rows = [[*r[:4], r[4]] for r in self._fetch(sql, [*where.from_params, *where.params, sample + 1])]
        capped = sum(r[4] for r in rows) > sample
        if capped:
            rows[-1][4] -= 1
        return [(tuple(r[:4]), r[4]) for r in rows if r[4]], capped

    # --- everything, for the Python path ---------------------------------------------------

    def all_rows(self) -> list[dict]:
        use_index = self.use_text_index()
        from_sql, where = self.source(use_index)
        where.extend(self.conditions(facets=False, indexed=use_index))
        columns = [*self._score_column()]
        if self.query.near:
            dist_sql, dist_params = self.backend.distance(*self.query.near)
            columns.append((f"{dist_sql} AS distance", dist_params))
            where.add(f"{dist_sql} IS NOT NULL", dist_params)
        columns += [("e.category", []), ("e.department", []), ("e.district", []),
                    ("e.target_groups", []), ("e.latitude", []), ("e.longitude", [])]
        rows = self._select(columns, where, from_sql, "e.id", 10_000_000)
        out = []
        for row in rows:
            entry_id, location_id, name, verified, *rest = row
            score = int(rest.pop(0)) if self.ranked else 0
            distance = float(rest.pop(0)) if self.query.near else None
            category, department, district, groups_text, latitude, longitude = rest
            out.append({
                "latitude": latitude, "longitude": longitude,
                "id": entry_id, "location_id": q._location_id(location_id), "name": name,
                "verified": verified, "score": score, "distance": distance,
                "facets": {"category": {category}, "department": {department},
                           "district": {district} if district else set(),
                           "target_group": set(groups_text.split())},
            })
        return out

