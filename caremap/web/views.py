"""Public pages: the map, a service point, its QR code, the saved list, help, offline."""

import uuid
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from caremap.api.serializers import locations_in_order
from caremap.content.models import Hotline
from caremap.directory.models import Department, TaxonomyTerm
from caremap.directory.taxonomies import CATEGORY, SERVICE_CONTENT, TARGET_GROUP
from caremap.geo.crs import BD09, GCJ02, from_wgs84
from caremap.regions.models import Division, Level

from .offline import service_worker_script
from .opening import describe, opening_state
from .sharing import qr_svg, share_url

AGE_BANDS = [("0-2", "0–2"), ("3-5", "3–5"), ("6-11", "6–11"), ("12-17", "12–17")]


def _terms(code: str):
    return TaxonomyTerm.objects.filter(taxonomy__code=code)


@require_safe
def map_page(request):
    config = {
        "center": settings.CAREMAP_MAP_CENTER,
        "zoom": settings.CAREMAP_MAP_ZOOM,
        "tiles": settings.CAREMAP_TILE_LAYER,
        "api": "/api/v1/",
        "outlines": "/outlines.geojson",
        # Leaflet guesses its marker images' folder from leaflet.css, which fails once the
        # files carry hashed names; the page passes their URLs instead.
        "icons": {
            "icon": static("vendor/leaflet/images/marker-icon.png"),
            "icon2x": static("vendor/leaflet/images/marker-icon-2x.png"),
            "shadow": static("vendor/leaflet/images/marker-shadow.png"),
        },
    }
    return render(request, "web/map.html", {
        "config": config,
        "categories": _terms(CATEGORY),
        "departments": Department.objects.all(),
        "districts": Division.objects.public().filter(level=Level.DISTRICT),
        "target_groups": _terms(TARGET_GROUP),
        "service_contents": _terms(SERVICE_CONTENT),
        "age_bands": AGE_BANDS,
    })


def navigation_links(location) -> list[dict]:
    """Links that open 高德, 百度 and 腾讯 maps at the point, each in its own coordinate system."""
    if not location.has_public_position:
        return []
    name = quote(location.name)
    glat, glng = from_wgs84(location.latitude, location.longitude, GCJ02)
    blat, blng = from_wgs84(location.latitude, location.longitude, BD09)
    return [
        {"name": "高德地图", "crs": GCJ02,
         "url": f"https://uri.amap.com/marker?position={glng:.6f},{glat:.6f}&name={name}&coordinate=gaode"},
        {"name": "百度地图", "crs": BD09,
         "url": f"https://api.map.baidu.com/marker?location={blat:.6f},{blng:.6f}&title={name}"
                f"&content={name}&output=html&coord_type=bd09ll"},
        {"name": "腾讯地图", "crs": GCJ02,
         "url": f"https://apis.map.qq.com/uri/v1/marker?marker=coord:{glat:.6f},{glng:.6f};title:{name}"},
    ]


@require_safe
def point_page(request, point_id: uuid.UUID):
    found = locations_in_order([point_id])
    if not found:
        raise Http404("service point not found")
    location = found[0]
    services = [link.service for link in location.service_links.all()
                if link.visibility == "public" and link.service.visibility == "public"]
    phones = [p for p in location.phones.all() if p.visibility == "public"] \
        if location.field_is_public("phones") else []
    show = {f: location.field_is_public(f) for f in location.FIELD_VISIBILITY_FIELDS}
    state = opening_state(location.schedule) if show["hours_text"] else opening_state(None)
    return render(request, "web/point.html", {
        "point": location,
        "services": services,
        "phones": phones,
        "show": show,
        "opening": state,
        "opening_text": describe(state),
        "navigation": navigation_links(location),
        "share_url": share_url(request, location.id),
    })


@require_safe
@cache_control(max_age=86400, public=True)
def point_qr(request, point_id: uuid.UUID):
    """Return the QR code of the point's share link as SVG."""
    if not locations_in_order([point_id]):
        raise Http404("service point not found")
    return HttpResponse(qr_svg(share_url(request, point_id)), content_type="image/svg+xml")


@require_safe
def saved_page(request):
    """Render the saved-list page; saved.js fills it from the browser's localStorage."""
    return render(request, "web/saved.html", {"config": {"api": "/api/v1/"}})


@require_safe
def offline_page(request):
    return render(request, "web/offline.html")


@require_safe
def service_worker(request):
    # The worker must be fetched fresh so a new release takes over; its scope is the whole site.
    response = HttpResponse(service_worker_script(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def help_page(request):
    return render(request, "web/help.html", {"hotlines": Hotline.objects.all()})


@require_safe
@cache_control(max_age=86400, public=True)
def outlines(request):
    """Return the district outlines as a GeoJSON FeatureCollection (WGS-84)."""
    features = [
        {"type": "Feature", "geometry": d.outline,
         "properties": {"code": d.code, "name": d.name}}
        for d in Division.objects.filter(level=Level.DISTRICT).exclude(outline=None)
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features},
                        json_dumps_params={"ensure_ascii": False})


def page_not_found(request, exception=None):
    """Return 404 in the API's JSON error shape under /api/, else the Chinese 404 page."""
    if request.path.startswith("/api/"):
        from caremap.api.errors import error_body

        return JsonResponse(
            error_body("not_found", f"找不到该地址：{request.path}", f"Not found: {request.path}"),
            status=404, json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "web/404.html", status=404)
