"""The HSDS 3.0 tabular datapackage: one CSV per HSDS table plus datapackage.json.

Tables, file names and columns follow the schema `compiled/tabular.json` shipped in
hsds_schema/. Rows come from the same forms the HSDS API serves, flattened: nested lists
become rows of their own tables, linked by their `*_id` columns.
"""

import csv
import io
import json
import zipfile
from functools import lru_cache
from pathlib import Path

from caremap.directory.models import Organization, Service, Taxonomy, TaxonomyTerm, Visibility

from . import hsds

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"
TABLES = ("organization", "organization_identifier", "service", "location", "service_at_location",
          "phone", "address", "schedule", "accessibility", "attribute", "taxonomy", "taxonomy_term")


@lru_cache(maxsize=1)
def tabular_schema() -> dict:
    return json.loads((SCHEMA_DIR / "compiled" / "tabular.json").read_text(encoding="utf-8"))


def table_schema(table: str) -> dict:
    return tabular_schema()["properties"][table]["items"]


def _scalar_columns(table: str) -> list[str]:
    return [name for name, spec in table_schema(table)["properties"].items()
            if spec.get("type") not in ("array", "object")]


def _row(table: str, data: dict) -> dict:
    return {column: data[column] for column in _scalar_columns(table)
            if data.get(column) is not None}


def _put_services(ids: list, put) -> None:
    services = (Service.objects.filter(id__in=ids).select_related("organization")
                .prefetch_related("taxonomy_terms__taxonomy", "at_locations__location__phones",
                                  "at_locations__location__target_groups__taxonomy",
                                  "at_locations__location__category__taxonomy",
                                  "at_locations__location__district"))
    for service in services:
        data = hsds.service_json(service)
        put("service", data)
        for attribute in data["attributes"]:
            put("attribute", attribute)
        for link in data["service_at_locations"]:
            put("service_at_location", link)
            place = link["location"]
            put("location", place)
            for table, key in (("phone", "phones"), ("address", "addresses"),
                               ("schedule", "schedules"), ("accessibility", "accessibility"),
                               ("attribute", "attributes")):
                for item in place[key]:
                    put(table, item)


def build_tables() -> dict[str, list[dict]]:
    """Return {table: [row, ...]} of every public record, rows without absent (None) cells."""
    tables: dict[str, dict[str, dict]] = {t: {} for t in TABLES}

    def put(table: str, data: dict) -> None:
        tables[table].setdefault(data["id"], _row(table, data))

    ids = list(Service.objects.public()
               .filter(at_locations__location__visibility=Visibility.PUBLIC)
               .values_list("id", flat=True).distinct().order_by("id"))
    for start in range(0, len(ids), 400):
        # Chunks keep SQLite's expression depth under its limit of 1,000 in the prefetches.
        _put_services(ids[start:start + 400], put)
    for organization in Organization.objects.public():
        data = hsds.organization_json(organization, with_locations=False)
        put("organization", data)
        for identifier in data["organization_identifiers"]:
            put("organization_identifier", identifier)
    for taxonomy in Taxonomy.objects.all():
        put("taxonomy", hsds.taxonomy_json(taxonomy))
    for term in TaxonomyTerm.objects.select_related("taxonomy"):
        put("taxonomy_term", hsds.taxonomy_term_json(term))
    return {table: list(rows.values()) for table, rows in tables.items()}


def descriptor() -> dict:
    resources = []
    for table in TABLES:
        schema = table_schema(table)
        resources.append({
            "name": table, "path": schema["path"], "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": [
                {"name": c, "type": schema["properties"][c].get("datapackage_type")
                 or schema["properties"][c].get("type", "string")}
                for c in _scalar_columns(table)
            ], "primaryKey": "id"},
        })
    return {"name": "caremap-hsds", "title": "caremap 儿童关爱服务资源 (HSDS 3.0)",
            "profile": "tabular-data-package",
            "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
            "resources": resources}


def write_zip(out) -> dict[str, int]:
    """Write datapackage.json and the CSV files into a zip file; return rows per table."""
    tables = build_tables()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json",
                         json.dumps(descriptor(), ensure_ascii=False, indent=2))
        for table, rows in tables.items():
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=_scalar_columns(table))
            writer.writeheader()
            writer.writerows(rows)
            archive.writestr(table_schema(table)["path"], text.getvalue())
    return {table: len(rows) for table, rows in tables.items()}
