"""Map clusters: points counted per grid cell, pre-aggregated per zoom for the national view.

A cell is a square of 1/CELLS_PER_TILE of a 256-pixel Web-Mercator tile, so at every zoom a
cluster covers about 64 × 64 screen pixels. `ClusterCell` holds, for each zoom in
PRECOMPUTED_ZOOMS, the count and the sum of positions per (cell, category); a national or
provincial view with no filter but categories is a small GROUP BY over those rows. Other
filters (text, department, district ...) and deeper zooms group the matching entries of the
viewport on the fly.
"""

import math

from django.db import connection, connections

from .models import ClusterCell

CELLS_PER_TILE = 4
PRECOMPUTED_ZOOMS = range(3, 12)
MAX_ZOOM = 18
CELL_TABLE = ClusterCell._meta.db_table


def mercator(lat: float, lng: float) -> tuple[float, float]:
    """Return the Web-Mercator position scaled to 0..1 (x to the east, y to the south)."""
    lat = max(-85.0511, min(85.0511, lat))
    x = (lng + 180.0) / 360.0
    s = math.sin(math.radians(lat))
    y = 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)
    return x, y


def scale(zoom: int) -> int:
    """Cells per axis of the whole world at this zoom."""
    return (1 << zoom) * CELLS_PER_TILE


def cell_range(zoom: int, west: float, south: float, east: float, north: float):
    """Return (x0, x1, y0, y1), the cell numbers a WGS-84 box covers at this zoom."""
    n = scale(zoom)
    x0, y1 = mercator(south, west)
    x1, y0 = mercator(north, east)
    clamp = lambda v: max(0, min(n - 1, int(math.floor(v * n))))  # noqa: E731
    return clamp(x0), clamp(x1), clamp(y0), clamp(y1)


def rebuild() -> None:
    """Recount every pre-aggregated cell from the index entries (after a bulk load)."""
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {CELL_TABLE}")
        for zoom in PRECOMPUTED_ZOOMS:
            n = scale(zoom)
            cx, cy = _floor_int(f"merc_x * {n}"), _floor_int(f"merc_y * {n}")
            cur.execute(
                f"INSERT INTO {CELL_TABLE} (zoom, x, y, category, count, lat_sum, lng_sum) "
                f"SELECT {zoom}, {cx}, {cy}, category, count(*), sum(latitude), sum(longitude) "
                f"FROM search_searchentry WHERE merc_x IS NOT NULL "
                f"GROUP BY {cx}, {cy}, category"
            )


def _floor_int(expr: str) -> str:
    # SQLite's CAST truncates (positions are never negative); PostgreSQL's rounds.
    if connection.vendor == "postgresql":
        return f"floor({expr})::integer"
    return f"CAST({expr} AS INTEGER)"


def cell_expressions(zoom: int) -> tuple[str, str]:
    n = scale(zoom)
    return _floor_int(f"e.merc_x * {n}"), _floor_int(f"e.merc_y * {n}")


def apply(entries, sign: int) -> None:
    """Add (sign=1) or remove (sign=-1) these entries' positions from the cells."""
    scales = [(zoom, scale(zoom)) for zoom in PRECOMPUTED_ZOOMS]
    deltas: dict[tuple, list] = {}
    for e in entries:
        if e.merc_x is None:
            continue
        for zoom, n in scales:
            key = (zoom, int(e.merc_x * n), int(e.merc_y * n), e.category)
            d = deltas.get(key)
            if d is None:
                d = deltas[key] = [0, 0.0, 0.0]
            d[0] += sign
            d[1] += sign * e.latitude
            d[2] += sign * e.longitude
    changes = [(*key, *delta) for key, delta in deltas.items() if delta[0] != 0]
    if not changes:
        return
    with connection.cursor() as cur:
        # One statement for all cells: both databases add to an existing cell row on conflict
        # with its unique key (zoom, x, y, category).
        cur.executemany(
            f"INSERT INTO {CELL_TABLE} (zoom, x, y, category, count, lat_sum, lng_sum) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (zoom, x, y, category) DO UPDATE "
            f"SET count = {CELL_TABLE}.count + excluded.count, "
            f"lat_sum = {CELL_TABLE}.lat_sum + excluded.lat_sum, "
            f"lng_sum = {CELL_TABLE}.lng_sum + excluded.lng_sum",
            changes,
        )
        # Only cells that lost points can be empty now: checking those alone spares a scan of
        # every cell at each deletion.
        cur.executemany(
            f"DELETE FROM {CELL_TABLE} WHERE zoom = %s AND x = %s AND y = %s AND category = %s "
            "AND count <= 0",
            [change[:4] for change in changes if change[4] < 0],
        )


def precomputed(zoom: int, box, categories=(), using="default") -> list[tuple[int, float, float]]:
    """Return (count, lat, lng) per cell from the pre-aggregated rows."""
    x0, x1, y0, y1 = cell_range(zoom, *box)
    sql = (f"SELECT sum(count), sum(lat_sum), sum(lng_sum) FROM {CELL_TABLE} "
           "WHERE zoom = %s AND x BETWEEN %s AND %s AND y BETWEEN %s AND %s")
    params = [zoom, x0, x1, y0, y1]
    if categories:
        sql += " AND category IN (" + ", ".join(["%s"] * len(categories)) + ")"
        params += list(categories)
    sql += " GROUP BY x, y"
    with connections[using].cursor() as cur:
        cur.execute(sql, params)
        return [(n, lat / n, lng / n) for n, lat, lng in cur.fetchall() if n]
