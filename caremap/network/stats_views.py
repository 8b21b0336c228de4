"""The public statistics summary, the staff dashboard, and each chart's data as CSV."""

import csv

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from caremap.backoffice import access
from caremap.backoffice.models import Role
from caremap.directory.models import Location
from caremap.regions.models import Division

from . import statistics
from .coverage import GAP_RADIUS_M, unit_coverage


@require_GET
def stats_page(request):
    datasets = statistics.public_datasets()
    return render(request, "network/stats.html", {
        "datasets": datasets,
        "chart_data": [d.as_json() for d in datasets],
        "staff_view": False,
        "can_view_dashboard": access.can_view_staff_statistics(request.user),
    })


@require_GET
def dashboard_page(request):
    """Show the staff datasets, coverage gaps and stale records to every back-office role."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    access.require(access.can_view_staff_statistics(request.user), request.user,
                   "stats_dashboard")
    role = access.staff_role(request.user)
    datasets = statistics.staff_datasets()
    city = Division.objects.filter(level="city").first()
    coverage = unit_coverage(city) if city else None
    stale = statistics.stale_records(locations=access.scope_filter(role, Location.objects.all()))
    return render(request, "network/stats.html", {
        "datasets": datasets,
        "chart_data": [d.as_json() for d in datasets],
        "staff_view": True,
        "coverage": coverage,
        "gap_radius_m": int(GAP_RADIUS_M),
        "stale": stale,
        "stale_scoped": role.role in (Role.DISTRICT_ADMIN, Role.DEPARTMENT_EDITOR),
        "stale_days": settings.CAREMAP_STALE_DAYS,
    })


@require_GET
def dataset_csv(request, name: str):
    build = statistics.STAFF_DATASETS.get(name)
    if build is None:
        raise Http404("no such dataset")
    # Staff-only data sets return 404 to others, so their names are not confirmed.
    if name not in statistics.PUBLIC_DATASETS and not access.can_view_staff_statistics(request.user):
        raise Http404("no such dataset")
    dataset = build()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{dataset.name}.csv"'
    # A byte-order mark lets spreadsheet programs on Windows read the file as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(dataset.columns)
    writer.writerows(dataset.rows)
    return response
