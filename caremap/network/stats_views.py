"""The public statistics summary, the staff dashboard, and each chart's data as CSV."""

import csv

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

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
    })


@require_GET
@staff_member_required
def dashboard_page(request):
    datasets = statistics.staff_datasets()
    city = Division.objects.filter(level="city").first()
    coverage = unit_coverage(city) if city else None
    return render(request, "network/stats.html", {
        "datasets": datasets,
        "chart_data": [d.as_json() for d in datasets],
        "staff_view": True,
        "coverage": coverage,
        "gap_radius_m": int(GAP_RADIUS_M),
        "stale": statistics.stale_records(),
        "stale_days": settings.CAREMAP_STALE_DAYS,
    })


@require_GET
def dataset_csv(request, name: str):
    build = statistics.STAFF_DATASETS.get(name)
    if build is None:
        raise Http404("no such dataset")
    if name not in statistics.PUBLIC_DATASETS and not (request.user.is_active and request.user.is_staff):
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
