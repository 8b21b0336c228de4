"""Server-side map clusters for a viewport, so a national view never ships a million markers.

With no filter but categories and a zoom in cells.PRECOMPUTED_ZOOMS, clusters come from the
pre-aggregated cells; otherwise the matching entries of the viewport are grouped by cell in one
GROUP BY (and, with `open_now`, in Python after the opening-hours check).
"""

import dataclasses

from . import cells
from .normalize import compact, normalize, query_terms
from .plan import Planner

WORLD = (-180.0, -85.0, 180.0, 85.0)


@dataclasses.dataclass
class Cluster:
    count: int
    lat: float
    lng: float


def _category_only(query) -> bool:
    return not any([
        query.q, query.department, query.district, query.street, query.community,
        query.target_group, query.service, query.age, query.free is not None,
        query.open_now is not None, query.near,
    ])


def clusters(query, zoom: int) -> list[Cluster]:
    """Return the clusters of the matching points in query.bbox (the world without one)."""
    box = query.bbox or WORLD
    if _category_only(query) and zoom in cells.PRECOMPUTED_ZOOMS:
        rows = cells.precomputed(zoom, box, query.category, using=_alias())
        found = [Cluster(n, lat, lng) for n, lat, lng in rows]
    else:
        found = _grouped(query, zoom, box)
    found.sort(key=lambda c: (-c.count, c.lat, c.lng))
    return found


def _alias() -> str:
    from .plan import read_alias

    return read_alias()


def _grouped(query, zoom: int, box) -> list[Cluster]:
    terms = query_terms(query.q) if query.q else []
    planner = Planner(query, terms, compact(normalize(query.q)) if query.q else "")
    planner.has_box = True
    if query.open_now is not None:
        return _grouped_in_python(planner, query, zoom)
    use_index = planner.use_text_index()
    from_sql, where = planner.source(use_index)
    where.extend(planner.conditions(indexed=use_index))
    if not query.bbox:
        where.add(*planner.backend.box_condition(*box, categories=query.category))
    where.add("e.merc_x IS NOT NULL")
    cx, cy = cells.cell_expressions(zoom)
    sql = (f"SELECT count(*), sum(e.latitude), sum(e.longitude) FROM {from_sql} "
           f"WHERE {where.sql()} GROUP BY {cx}, {cy}")
    rows = planner._fetch(sql, [*where.from_params, *where.params])
    return [Cluster(n, lat / n, lng / n) for n, lat, lng in rows if n]


def _grouped_in_python(planner, query, zoom: int) -> list[Cluster]:
    from caremap.directory.models import Location
    from caremap.directory.schedule import is_open

    rows = [r for r in planner.all_rows() if r["latitude"] is not None]
    ids = [r["location_id"] for r in rows]
    schedules = {}
    for start in range(0, len(ids), 500):
        schedules.update(
            Location.objects.filter(id__in=ids[start : start + 500]).values_list("id", "schedule")
        )
    n = cells.scale(zoom)
    groups: dict[tuple, list] = {}
    for r in rows:
        if is_open(schedules.get(r["location_id"]), query.now) is not query.open_now:
            continue
        if any(getattr(query, f) and not r["facets"][f] & set(
                [getattr(query, f)] if isinstance(getattr(query, f), str) else getattr(query, f))
               for f in ("category", "department", "district", "target_group")):
            continue
        x, y = cells.mercator(r["latitude"], r["longitude"])
        g = groups.setdefault((int(x * n), int(y * n)), [0, 0.0, 0.0])
        g[0] += 1
        g[1] += r["latitude"]
        g[2] += r["longitude"]
    return [Cluster(c, lat / c, lng / c) for c, lat, lng in groups.values()]
