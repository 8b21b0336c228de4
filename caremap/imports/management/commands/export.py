"""`caremap export FILE`: write public points as CSV, xlsx, GeoJSON or an HSDS datapackage."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from caremap.api.errors import ApiError
from caremap.api.params import KNOWN, parse_point_query
from caremap.imports import exports
from caremap.imports.datapackage import write_zip
from caremap.search.query import run_query


class Command(BaseCommand):
    help = ("Export public service points to FILE (.csv, .xlsx or .geojson; filters as in the "
            "points API, e.g. --filter department=民政 --filter district=440304 or "
            "district=福田区), or every public record as an HSDS 3.0 tabular datapackage (.zip).")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--filter", action="append", default=[],
                            help="NAME=VALUE, a points API filter; repeat for several")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if path.suffix.lower() == ".zip":
            if options["filter"]:
                raise CommandError("--filter is not supported for the HSDS datapackage (.zip), "
                                   "which contains every public record")
            with open(path, "wb") as out:
                counts = write_zip(out)
            self.stdout.write(f"exported an HSDS datapackage to {path}: "
                              + " ".join(f"{t}={n}" for t, n in counts.items()))
            return
        params = QueryDict(mutable=True)
        for item in options["filter"]:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"invalid filter {item!r}: expected NAME=VALUE")
            params.appendlist(name, value)
        try:
            query = parse_point_query(params)
        except ApiError as exc:
            hint = ""
            if exc.code == "unknown_parameter":
                hint = f"; expected one of {', '.join(sorted(KNOWN))}"
            raise CommandError(f"{exc.message_en}{hint}") from None
        query.page, query.page_size = 1, 10_000_000
        locations = exports.export_queryset([h.location_id for h in run_query(query).hits])
        suffix = path.suffix.lower()
        if suffix == ".csv":
            with open(path, "w", encoding="utf-8", newline="") as out:
                count = exports.write_csv(locations, out)
        elif suffix == ".xlsx":
            path.write_bytes(exports.write_xlsx(locations))
            count = len(locations)
        elif suffix == ".geojson":
            with open(path, "w", encoding="utf-8") as out:
                count = exports.write_geojson(locations, out)
        else:
            raise CommandError(f"unsupported file type {suffix!r}: expected .csv, .xlsx, .geojson or .zip")
        self.stdout.write(f"exported {count} points to {path}")
