"""`/api/v1/clusters`: map clusters for a viewport, with the same filters as /points."""

from django.http import HttpRequest
from ninja import Query, Router, Schema

from caremap.api import params as p
from caremap.api.errors import invalid
from caremap.geo.crs import from_wgs84

from .cells import MAX_ZOOM
from .clusters import clusters

router = Router(tags=["v1"])


class ClusterFilters(Schema):
    """Documented for OpenAPI; values are read and checked by `params.parse_point_query`."""

    zoom: str | None = None
    bbox: str | None = None
    q: str | None = None
    category: str | None = None
    department: str | None = None
    district: str | None = None
    target_group: str | None = None
    crs: str | None = None


@router.get("/clusters", summary="Map clusters for a viewport")
def list_clusters(request: HttpRequest, filters: Query[ClusterFilters]):
    """Count the matching points per map cell (about 64 × 64 pixels at `zoom`).

    `zoom` 0–18 (required); `bbox=west,south,east,north` (the whole world without it); the
    filters of /points. Each cluster is {lat, lng, count}, at the mean position of its points.
    """
    zoom = p._int(request.GET, "zoom", 0, MAX_ZOOM)
    if zoom is None:
        raise invalid("zoom", "", "需要给出 0 到 18 之间的缩放级别", "expected a zoom from 0 to 18")
    query = p.parse_point_query(request.GET)
    system = p.parse_crs(request.GET)
    found = clusters(query, zoom)
    out = []
    for c in found:
        lat, lng = from_wgs84(c.lat, c.lng, system)
        out.append({"lat": round(lat, 6), "lng": round(lng, 6), "count": c.count})
    return {"zoom": zoom, "crs": system, "count": sum(c.count for c in found), "clusters": out}
