"""Statistics of the service network: points by dimension, coverage gaps, stale records.

Each dataset is a table (columns and rows) so the same data feed a chart, the CSV download and
the API. Public datasets count public records only; staff datasets add per-street and
per-record detail for the back office.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from caremap.directory.models import Location
from caremap.regions.models import Division, Level

from .coverage import GAP_RADIUS_M, unit_coverage


@dataclass
class Dataset:
    name: str
    title: str
    columns: list[str]
    rows: list[list]
    # Chart drawn in the browser. "bar" plots the first numeric column. "grouped" plots one bar
    # per numeric column after the first, because the first is a total shown only in the table.
    chart: str = "bar"
    staff_only: bool = False

    def as_json(self) -> dict:
        return {"name": self.name, "title": self.title, "columns": self.columns,
                "rows": self.rows, "chart": self.chart}


def points_by_district() -> Dataset:
    rows = (Location.objects.public().values("district__code", "district__name")
            .annotate(n=Count("id")).order_by("district__code"))
    return Dataset("points-by-district", _("Service points by district"), [_("District"), _("Service points")],
                   [[r["district__name"] or _("Unknown"), r["n"]] for r in rows])


def points_by_street() -> Dataset:
    rows = (Location.objects.public().exclude(street=None)
            .values("street__code", "street__name", "district__name")
            .annotate(n=Count("id")).order_by("street__code"))
    return Dataset("points-by-street", _("Service points by street"),
                   [_("District"), _("Street"), _("Service points")],
                   [[r["district__name"], r["street__name"], r["n"]] for r in rows],
                   staff_only=True)


def points_by_category() -> Dataset:
    rows = (Location.objects.public().values("category__code", "category__name", "category__order")
            .annotate(n=Count("id")).order_by("category__order"))
    return Dataset("points-by-category", _("Service points by category"), [_("Category"), _("Service points")],
                   [[r["category__name"], r["n"]] for r in rows])


def points_by_department() -> Dataset:
    rows = (Location.objects.public().values("department__code", "department__short_name",
                                             "department__order")
            .annotate(n=Count("id")).order_by("department__order"))
    return Dataset("points-by-department", _("Service points by department"), [_("Department"), _("Service points")],
                   [[r["department__short_name"], r["n"]] for r in rows])


def points_by_target_group() -> Dataset:
    rows = (Location.objects.public().exclude(target_groups=None)
            .values("target_groups__code", "target_groups__name", "target_groups__order")
            .annotate(n=Count("id", distinct=True)).order_by("target_groups__order"))
    return Dataset("points-by-target-group", _("Service points by target group"),
                   [_("Target group"), _("Service points")],
                   [[r["target_groups__name"], r["n"]] for r in rows])


def coverage_by_district() -> Dataset:
    radius = int(GAP_RADIUS_M)
    rows = []
    for district in Division.objects.public().filter(level=Level.DISTRICT).order_by("code"):
        unit = unit_coverage(district)
        rows.append([
            district.name, len(unit.communities), len(unit.children_home_gaps),
            len(unit.point_gaps), len(unit.director_gaps), len(unit.vacant_posts),
        ])
    return Dataset(
        "coverage-by-district", _("Coverage gaps by district"),
        [_("District"), _("Communities"),
         _("Communities with no children's home within %(radius)s m") % {"radius": radius},
         _("Communities with no service point within %(radius)s m") % {"radius": radius},
         _("Communities with no director in post"), _("Vacant posts")],
        rows, chart="grouped",
    )


def stale_cutoff(today: datetime.date | None = None) -> datetime.date:
    today = today or datetime.date.today()
    return today - datetime.timedelta(days=settings.CAREMAP_STALE_DAYS)


def stale_by_district(today: datetime.date | None = None) -> Dataset:
    cutoff = stale_cutoff(today)
    stale = Q(last_verified__lt=cutoff) | Q(last_verified__isnull=True)
    rows = (Location.objects.exclude(status=Location.Status.CLOSED)
            .values("district__code", "district__name")
            .annotate(total=Count("id"), stale=Count("id", filter=stale)).order_by("district__code"))
    return Dataset(
        "stale-by-district", _("Service points not verified for %(days)s days") % {"days": settings.CAREMAP_STALE_DAYS},
        [_("District"), _("Service points"), _("Not verified")],
        [[r["district__name"] or _("Unknown"), r["total"], r["stale"]] for r in rows],
        chart="grouped", staff_only=True,
    )


def stale_records(today: datetime.date | None = None, limit: int = 200,
                  locations=None) -> list[Location]:
    """Return open records not verified since the cutoff, from `locations` (default: all)."""
    cutoff = stale_cutoff(today)
    locations = Location.objects.all() if locations is None else locations
    return list(locations.exclude(status=Location.Status.CLOSED)
                .filter(Q(last_verified__lt=cutoff) | Q(last_verified__isnull=True))
                .select_related("district", "street").order_by("last_verified", "name")[:limit])


PUBLIC_DATASETS = {
    "points-by-district": points_by_district,
    "points-by-category": points_by_category,
    "points-by-department": points_by_department,
    "points-by-target-group": points_by_target_group,
    "coverage-by-district": coverage_by_district,
}
STAFF_DATASETS = {
    **PUBLIC_DATASETS,
    "points-by-street": points_by_street,
    "stale-by-district": stale_by_district,
}


def public_datasets() -> list[Dataset]:
    return [build() for build in PUBLIC_DATASETS.values()]


def staff_datasets() -> list[Dataset]:
    return [build() for build in STAFF_DATASETS.values()]
