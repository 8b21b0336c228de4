"""The public JSON API, version 1 (django-ninja; OpenAPI document at /api/docs)."""


import logging
import uuid

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer

from caremap.content.api import router as content_router
from caremap.directory.models import Location
from caremap.geo.crs import from_wgs84
from caremap.network.api import region_network
from caremap.network.api import router as network_router
from caremap.projects.api import router as projects_router
from caremap.regions.models import Division, Level
from caremap.search.api import router as clusters_router
from caremap.search.query import run_query

from . import params as p
from .errors import ApiError, error_body, invalid, not_found
from .serializers import division_ref, locations_in_order, point_detail, point_summary

logger = logging.getLogger(__name__)


class UnicodeJSONRenderer(JSONRenderer):
    """Write Chinese as UTF-8 characters, not \\uXXXX escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="caremap API",
    version="1",
    description="儿童关爱服务资源地图的公开数据接口。Coordinates are WGS-84 unless `crs` says "
    "otherwise; errors are JSON with a Chinese and an English message.",
    renderer=UnicodeJSONRenderer(),
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return api.create_response(
        request, error_body(exc.code, exc.message_zh, exc.message_en, exc.field), status=exc.status
    )


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    field = str(first.get("loc", ["", "?"])[-1])
    return api.create_response(
        request,
        error_body("invalid_parameter", f"参数 {field} 无效", f"Invalid parameter {field}", field),
        status=400,
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(
        request, error_body("not_found", "找不到该资源", "Not found"), status=404
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(
        request, error_body("http_error", "请求无法处理", str(exc)), status=exc.status_code
    )


def _parse_uuid(value: str, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise invalid(field, value, "应为 UUID", "expected a UUID") from None


class PointFilters(Schema):
    """Documented for OpenAPI; values are read and checked by `params.parse_point_query`."""

    q: str | None = None
    category: str | None = None
    department: str | None = None
    district: str | None = None
    street: str | None = None
    community: str | None = None
    target_group: str | None = None
    service: str | None = None
    age: str | None = None
    free: str | None = None
    open_now: str | None = None
    near: str | None = None
    radius: str | None = None
    bbox: str | None = None
    crs: str | None = None
    page: str | None = None
    page_size: str | None = None
    facets: str | None = None
    rank: str | None = None


v1 = Router(tags=["v1"])


@v1.get("/points", summary="Search service points")
def list_points(request: HttpRequest, filters: Query[PointFilters]):
    """Filter, search and page public service points; with `near`, ordered by distance.

    `q` text (Chinese, pinyin or initials); `category`, `department`, `target_group`, `service`
    codes (repeat or comma-separate for several); `district`/`street`/`community` division
    codes, or names such as 福田区 where the name is unique; `age` in years; `free`, `open_now`
    true/false (`free` matches only points whose fee is stated, and `is_free` is null where it
    is not); `near=lat,lng` with `radius` in metres; `bbox=west,south,east,north`;
    `crs=wgs84|gcj02|bd09` for input and output; `page`, `page_size` (≤ 100); `facets=false`
    leaves the facet counts out; `rank=false` lists
    text matches unranked. `count` and the facet counts stop at a cap on huge result sets:
    `count_capped` / `facets_capped` then say they are lower bounds.
    """
    query = p.parse_point_query(request.GET)
    system = p.parse_crs(request.GET)
    with_facets = p._bool(request.GET, "facets") is not False
    result = run_query(query, facets=with_facets)
    locations = locations_in_order([h.location_id for h in result.hits])
    distances = {h.location_id: h.distance_m for h in result.hits}
    return {
        "count": result.count,
        "page": query.page,
        "page_size": query.page_size,
        "results": [point_summary(loc, system, distances.get(loc.id)) for loc in locations],
        "facets": {name: dict(counter.most_common()) for name, counter in result.facets.items()}
        if with_facets else None,
        "count_capped": result.count_capped,
        "facets_capped": result.facets_capped,
    }


@v1.get("/markers", summary="Map markers for the same filters")
def list_markers(request: HttpRequest, filters: Query[PointFilters]):
    """Return every matching point with a public position, in compact form, for the map.

    Same filters as /points; paging is ignored. Each marker is [id, lat, lng, name, category].
    """
    query = p.parse_point_query(request.GET)
    system = p.parse_crs(request.GET)
    query.page, query.page_size = 1, 1_000_000
    result = run_query(query, facets=False, count=False)
    ids = [h.location_id for h in result.hits]
    rows = Location.objects.filter(id__in=ids).values_list(
        "id", "latitude", "longitude", "name", "category__code", "field_visibility"
    )
    by_id = {row[0]: row for row in rows}
    markers = []
    for ident in ids:
        loc_id, lat, lng, name, category, field_visibility = by_id[ident]
        position_fields = (field_visibility.get("latitude", "public"), field_visibility.get("longitude", "public"))
        if lat is None or position_fields != ("public", "public"):
            continue
        lat, lng = from_wgs84(lat, lng, system)
        markers.append([str(loc_id), round(lat, 6), round(lng, 6), name, category])
    return {"count": len(markers), "crs": system, "markers": markers}


@v1.get("/points/{point_id}", summary="One service point")
def get_point(request: HttpRequest, point_id: str, crs: str | None = None):
    system = p.parse_crs(request.GET)
    ident = _parse_uuid(point_id)
    found = locations_in_order([ident])
    if not found:
        raise not_found("服务点", "Service point", point_id)
    return point_detail(found[0], system)


def _region_json(division: Division) -> dict:
    return {
        "code": division.code,
        "name": division.name,
        "name_pinyin": division.name_pinyin,
        "level": division.level,
        "parent": division_ref(division.parent),
        "district": division_ref(division.public_district),
        "special": division.special or None,
        "anchor": {"lat": division.anchor_lat, "lng": division.anchor_lng}
        if division.anchor_lat is not None else None,
    }


@v1.get("/regions", summary="Administrative divisions")
def list_regions(request: HttpRequest, level: str | None = None, parent: str | None = None,
                 include_special: str | None = None):
    """List divisions by `level` (district, street, community) and/or `parent` code.

    The special statistical zones and their virtual communities are left out unless
    `include_special=true`. A street's or community's parent may be given as its public
    district, so `parent=4403DP` lists the streets of 大鹏新区.
    """
    if level and level not in Level.values:
        raise invalid("level", level, "应为 city、district、street 或 community",
                      "expected city, district, street or community")
    special = include_special in ("1", "true", "yes")
    qs = Division.objects.select_related("parent", "public_district")
    if not special:
        qs = qs.public()
    if level:
        qs = qs.filter(level=level)
    if parent:
        parent_division = Division.objects.filter(code=parent).first()
        if parent_division is None:
            raise invalid("parent", parent, "没有这个行政区划代码", "no such division code")
        if parent_division.level == Level.DISTRICT and level in (Level.STREET, None):
            qs = qs.filter(public_district=parent_division, level=Level.STREET)
        elif parent_division.level == Level.DISTRICT and level == Level.COMMUNITY:
            qs = qs.filter(public_district=parent_division)
        else:
            qs = qs.filter(parent=parent_division)
    rows = list(qs)
    return {"count": len(rows), "results": [_region_json(d) for d in rows]}


@v1.get("/regions/{code}", summary="One division with counts")
def get_region(request: HttpRequest, code: str):
    division = Division.objects.select_related("parent", "public_district").filter(code=code).first()
    if division is None:
        raise not_found("行政区划", "Division", code)
    data = _region_json(division)
    field = {Level.DISTRICT: "district", Level.STREET: "street", Level.COMMUNITY: "community"}
    if division.level in field:
        data["point_count"] = Location.objects.public().filter(**{field[division.level]: division}).count()
    data["children_count"] = (
        Division.objects.public().filter(public_district=division, level=Level.STREET).count()
        if division.level == Level.DISTRICT else division.children.public().count()
    )
    data.update(region_network(division))
    return data


v1.add_router("", content_router)
v1.add_router("", network_router)
v1.add_router("", projects_router)
v1.add_router("", clusters_router)


from caremap.imports.api import export_router, hsds_router  # noqa: E402  (routes added last)

v1.add_router("", export_router)
api.add_router("/v1", v1)
api.add_router("/hsds", hsds_router)


