"""Pages of the four-level network: one per division, and its printable directory."""

import logging

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from caremap.regions.models import Division, Level

from .coverage import GAP_RADIUS_M, sub_unit_rows, unit_coverage
from .directory_pdf import FontMissing, public_base_url, render_directory
from .listing import breadcrumbs, directory_entries, posts_of, public_points, sub_units

logger = logging.getLogger(__name__)


def _public_division(code: str) -> Division:
    division = Division.objects.select_related("parent", "public_district").filter(code=code).first()
    if division is None or not division.is_public:
        raise Http404("division not found")
    return division


@require_safe
def region_page(request, code: str):
    division = _public_division(code)
    coverage = unit_coverage(division)
    local = division.level in (Level.STREET, Level.COMMUNITY)
    units = list(sub_units(division))
    return render(request, "network/region.html", {
        "division": division,
        "breadcrumbs": breadcrumbs(division),
        "posts": posts_of(division),
        "coverage": coverage,
        "points": public_points(division) if local else [],
        "sub_units": units,
        # Streets and communities list every community; larger units summarise per sub-unit.
        "community_rows": coverage.communities if local else [],
        "sub_unit_rows": [] if local else sub_unit_rows(coverage, units),
        "gap_radius_m": int(GAP_RADIUS_M),
        "printable": division.level in (Level.STREET, Level.COMMUNITY),
    })


@require_safe
def directory_page(request, code: str):
    """Render the printable HTML directory: the PDF's entries, laid out by the print CSS."""
    division = _public_division(code)
    if division.level not in (Level.STREET, Level.COMMUNITY):
        raise Http404("directories exist for streets and communities")
    return render(request, "network/directory.html", {
        "division": division, "entries": directory_entries(division, public_base_url(request)),
    })


@require_safe
def directory_pdf(request, code: str):
    division = _public_division(code)
    if division.level not in (Level.STREET, Level.COMMUNITY):
        raise Http404("directories exist for streets and communities")
    try:
        pdf = render_directory(division, directory_entries(division, public_base_url(request)))
    except FontMissing as exc:
        logger.error("directory pdf failed code=%s error=%s", code, exc)
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="directory-{division.code}.pdf"'
    return response
