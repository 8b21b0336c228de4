"""Open-data exports of public service points: CSV, xlsx and GeoJSON.

CSV and xlsx use the import's default Chinese headers, so an exported file imports back to the
same records. Coordinates are WGS-84 with full precision. Fields marked staff-only are left
empty, like everywhere the public reads.
"""

import csv
import io
import json

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from caremap.directory.models import SERVICE_LINKS, Location, Visibility

from .csv_formulas import escape_formula
from .mapping import export_headers

COLUMNS = (
    "source_id", "department", "name", "organization", "credit_code", "category", "address",
    "street", "community", "phone", "longitude", "latitude", "hours", "target_groups",
    "services", "email", "description", "min_age", "max_age", "is_free", "last_verified",
    "verified_by", "verification_outcome",
)
# 是否免费 cells: the import reads 是 as free, 否 as charged and an empty cell as not stated.
FEE_CELLS = {True: "是", False: "否", None: ""}


def export_queryset(ids=None):
    qs = Location.objects.public()
    if ids is not None:
        qs = qs.filter(id__in=ids)
    return (
        qs.select_related("department", "organization", "category", "street", "community")
        .prefetch_related("phones", "target_groups", SERVICE_LINKS,
                          "service_links__service__taxonomy_terms")
        .order_by("department_id", "source_id", "id")
    )


def _public(location: Location, field: str, value):
    return value if location.field_is_public(field) else ""


def record(location: Location) -> dict:
    """Return {column: value} of one point, in the export's columns."""
    phones = [p.number for p in location.phones.all() if p.visibility == Visibility.PUBLIC]
    services = sorted({
        term.name for link in location.service_links.all()
        for term in link.service.taxonomy_terms.all()
    })
    position = location.has_public_position
    return {
        "source_id": location.source_id,
        "department": location.department.short_name,
        "name": location.name,
        "organization": location.organization.name,
        "credit_code": location.organization.credit_code,
        "category": location.category.name,
        "address": _public(location, "address", location.address),
        "street": location.street.name if location.street else "",
        "community": location.community.name if location.community else "",
        "phone": _public(location, "phones", "；".join(phones)),
        "longitude": repr(location.longitude) if position else "",
        "latitude": repr(location.latitude) if position else "",
        "hours": _public(location, "hours_text", location.hours_text),
        "target_groups": "、".join(t.name for t in location.target_groups.all()),
        "services": "、".join(services),
        "email": _public(location, "email", location.email),
        "description": _public(location, "description", location.description),
        "min_age": "" if location.min_age is None else str(location.min_age),
        "max_age": "" if location.max_age is None else str(location.max_age),
        "is_free": FEE_CELLS[location.is_free],
        "last_verified": location.last_verified.isoformat() if location.last_verified else "",
        "verified_by": location.verified_by,
        "verification_outcome": location.verification_outcome,
    }


def header_row() -> list[str]:
    headers = export_headers()
    return [headers[c] for c in COLUMNS]


def write_csv(locations, out) -> int:
    """Write UTF-8 CSV with a byte-order mark (so Excel reads the Chinese); return the count.

    A cell that a spreadsheet would run as a formula gets a leading quote (see csv_formulas),
    which the CSV import removes again.
    """
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header_row())
    count = 0
    for location in locations:
        row = record(location)
        writer.writerow([escape_formula(row[c]) for c in COLUMNS])
        count += 1
    return count


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    """Return a text cell: without control characters, which a worksheet cannot store, and
    never a formula, so a name starting with = is shown rather than run by Excel."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def write_xlsx(locations) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("服务点")
    sheet.append(header_row())
    for location in locations:
        row = record(location)
        # Text cells throughout, so numbers keep their leading zeros.
        sheet.append([_text_cell(sheet, row[c]) for c in COLUMNS])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def geojson(locations) -> dict:
    features = []
    for location in locations:
        properties = record(location)
        properties.pop("longitude")
        properties.pop("latitude")
        properties["id"] = str(location.id)
        geometry = None
        if location.has_public_position:
            geometry = {"type": "Point", "coordinates": [location.longitude, location.latitude]}
        features.append({"type": "Feature", "id": str(location.id), "geometry": geometry,
                         "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def write_geojson(locations, out) -> int:
    collection = geojson(locations)
    json.dump(collection, out, ensure_ascii=False)
    return len(collection["features"])
