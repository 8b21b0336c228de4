"""Open-data endpoints: point exports under /api/v1/ and the HSDS 3.0 API under /api/hsds/."""

import datetime
import io
import math
import uuid

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Router

from caremap.api import params as p
from caremap.api.errors import invalid, not_found
from caremap.directory.models import (
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    Visibility,
)
from caremap.geo.distance import bbox_around, haversine_m
from caremap.search.query import run_query

from . import exports, hsds

export_router = Router(tags=["export"])
hsds_router = Router(tags=["hsds"])


def _export_ids(request: HttpRequest) -> list:
    query = p.parse_point_query(request.GET)
    query.page, query.page_size = 1, 10_000_000
    return [hit.location_id for hit in run_query(query).hits]


def _download(body, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@export_router.get("/export.csv", summary="Export points as CSV (same filters as /points)")
def export_csv(request: HttpRequest):
    out = io.StringIO()
    exports.write_csv(exports.export_queryset(_export_ids(request)), out)
    return _download(out.getvalue().encode("utf-8"), "text/csv; charset=utf-8", "caremap.csv")


@export_router.get("/export.xlsx", summary="Export points as xlsx (same filters as /points)")
def export_xlsx(request: HttpRequest):
    data = exports.write_xlsx(exports.export_queryset(_export_ids(request)))
    return _download(
        data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "caremap.xlsx"
    )


@export_router.get("/export.geojson", summary="Export points as GeoJSON (same filters as /points)")
def export_geojson(request: HttpRequest):
    out = io.StringIO()
    exports.write_geojson(exports.export_queryset(_export_ids(request)), out)
    return _download(out.getvalue().encode("utf-8"), "application/geo+json", "caremap.geojson")


# --- HSDS 3.0 ---

MAX_PER_PAGE = 100


def _paging(page: str | None, per_page: str | None) -> tuple[int, int]:
    def number(name, text, default, high):
        if not text:
            return default
        if not text.isdigit() or not 1 <= int(text) <= high:
            raise invalid(name, text, f"应为 1 到 {high} 之间的整数",
                          f"expected a whole number from 1 to {high}")
        return int(text)

    return number("page", page, 1, 100_000), number("per_page", per_page, 50, MAX_PER_PAGE)


def _page(qs, page: int, per_page: int, serialize) -> dict:
    total = qs.count()
    pages = max(1, math.ceil(total / per_page))
    rows = list(qs[(page - 1) * per_page: page * per_page])
    return {"total_items": total, "total_pages": pages, "page_number": page,
            "size": len(rows), "first_page": page == 1, "last_page": page >= pages,
            "empty": not rows, "contents": [hsds.compact(serialize(r)) for r in rows]}


def _uuid(name: str, text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise invalid(name, text, "应为 UUID", "expected a UUID") from None


def _modified_after(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise invalid("modified_after", text, "应为 ISO 8601 日期时间",
                      "expected an ISO 8601 date-time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _services():
    return (Service.objects.public().filter(at_locations__location__visibility=Visibility.PUBLIC)
            .distinct().select_related("organization")
            .prefetch_related("taxonomy_terms__taxonomy", "at_locations__location__phones",
                              "at_locations__location__target_groups__taxonomy",
                              "at_locations__location__category__taxonomy",
                              "at_locations__location__district")
            .order_by("id"))


@hsds_router.get("/", summary="HSDS API information")
def hsds_root(request: HttpRequest):
    return {"version": "3.0", "profile": "https://openreferral.org/",
            "openapi_url": request.build_absolute_uri("/api/docs")}


@hsds_router.get("/services", summary="HSDS services")
def hsds_services(request: HttpRequest, search: str | None = None, page: str | None = None,
                  per_page: str | None = None, taxonomy_term_id: str | None = None,
                  organization_id: str | None = None, modified_after: str | None = None,
                  proximity: str | None = None, postcode: str | None = None):
    """`proximity=lat,lng,metres` (WGS-84) keeps services offered within that distance.

    `postcode` is accepted for HSDS compatibility; caremap stores no postcodes, so it matches
    nothing."""
    number, size = _paging(page, per_page)
    qs = _services()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search)
                       | Q(organization__name__icontains=search))
    if taxonomy_term_id:
        term = _uuid("taxonomy_term_id", taxonomy_term_id)
        qs = qs.filter(Q(taxonomy_terms__id=term) | Q(at_locations__location__target_groups__id=term)
                       | Q(at_locations__location__category_id=term))
    if organization_id:
        qs = qs.filter(organization_id=_uuid("organization_id", organization_id))
    after = _modified_after(modified_after)
    if after:
        qs = qs.filter(last_modified__gt=after)
    if postcode:
        qs = qs.none()
    if proximity:
        qs = qs.filter(id__in=_near(proximity))
    return _page(qs, number, size, hsds.service_json)


def _near(text: str) -> list:
    parts = text.split(",")
    try:
        lat, lng, radius = (float(x) for x in parts)
    except ValueError:
        raise invalid("proximity", text, "应为“纬度,经度,米”", "expected 'lat,lng,metres'") from None
    west, south, east, north = bbox_around(lat, lng, radius)
    links = ServiceAtLocation.objects.public().filter(
        location__visibility=Visibility.PUBLIC, location__latitude__range=(south, north),
        location__longitude__range=(west, east),
    ).values_list("service_id", "location__latitude", "location__longitude")
    return list({sid for sid, la, ln in links if haversine_m(lat, lng, la, ln) <= radius})


@hsds_router.get("/services/{service_id}", summary="One HSDS service, fully filled")
def hsds_service(request: HttpRequest, service_id: str):
    found = _services().filter(id=_uuid("id", service_id)).first()
    if found is None:
        raise not_found("服务", "Service", service_id)
    return hsds.compact(hsds.service_json(found))


@hsds_router.get("/organizations", summary="HSDS organizations")
def hsds_organizations(request: HttpRequest, search: str | None = None, page: str | None = None,
                       per_page: str | None = None, modified_after: str | None = None):
    number, size = _paging(page, per_page)
    qs = Organization.objects.public().order_by("id")
    if search:
        qs = qs.filter(name__icontains=search)
    after = _modified_after(modified_after)
    if after:
        qs = qs.filter(last_modified__gt=after)
    return _page(qs, number, size, lambda o: hsds.organization_json(o, with_locations=False))


@hsds_router.get("/organizations/{organization_id}", summary="One HSDS organization")
def hsds_organization(request: HttpRequest, organization_id: str):
    found = Organization.objects.public().filter(id=_uuid("id", organization_id)).first()
    if found is None:
        raise not_found("机构", "Organization", organization_id)
    return hsds.compact(hsds.organization_json(found))


@hsds_router.get("/service_at_locations", summary="HSDS services at locations")
def hsds_service_at_locations(request: HttpRequest, search: str | None = None,
                              page: str | None = None, per_page: str | None = None,
                              taxonomy_term_id: str | None = None,
                              organization_id: str | None = None):
    number, size = _paging(page, per_page)
    qs = (ServiceAtLocation.objects.public().filter(location__visibility=Visibility.PUBLIC)
          .select_related("service", "location__district", "location__category__taxonomy")
          .prefetch_related("location__phones", "location__target_groups__taxonomy")
          .order_by("id"))
    if search:
        qs = qs.filter(Q(service__name__icontains=search) | Q(location__name__icontains=search))
    if taxonomy_term_id:
        term = _uuid("taxonomy_term_id", taxonomy_term_id)
        qs = qs.filter(Q(service__taxonomy_terms__id=term) | Q(location__target_groups__id=term)
                       | Q(location__category_id=term)).distinct()
    if organization_id:
        qs = qs.filter(service__organization_id=_uuid("organization_id", organization_id))
    return _page(qs, number, size, hsds.service_at_location_json)


@hsds_router.get("/taxonomies", summary="HSDS taxonomies")
def hsds_taxonomies(request: HttpRequest, page: str | None = None, per_page: str | None = None):
    number, size = _paging(page, per_page)
    return _page(Taxonomy.objects.order_by("code"), number, size, hsds.taxonomy_json)


@hsds_router.get("/taxonomy_terms", summary="HSDS taxonomy terms")
def hsds_taxonomy_terms(request: HttpRequest, page: str | None = None,
                        per_page: str | None = None, taxonomy_id: str | None = None,
                        search: str | None = None):
    number, size = _paging(page, per_page)
    qs = TaxonomyTerm.objects.select_related("taxonomy").order_by("taxonomy__code", "order")
    if taxonomy_id:
        qs = qs.filter(taxonomy_id=_uuid("taxonomy_id", taxonomy_id))
    if search:
        qs = qs.filter(name__icontains=search)
    return _page(qs, number, size, hsds.taxonomy_term_json)
