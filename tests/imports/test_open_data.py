import json
from pathlib import Path

import jsonschema
import pytest

from caremap.directory.models import Department, Location, Service
from caremap.imports.pipeline import run_import

from . import sheets

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).resolve().parents[2] / "caremap" / "imports" / "hsds_schema"
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _validator(name: str):
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=FORMATS)


def test_format_checker_rejects_bad_uuid():
    validator = _validator("compiled/organization.json")
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"id": "not-a-uuid", "name": "x", "description": "y"})


def test_hsds_full_service_validates(client):
    civil = Department.objects.get(code="civil-affairs")
    run_import(sheets.utf8_bom_csv(sheets.CLEAN), "a.csv", civil, dry_run=False)
    location = Location.objects.get(source_id="MZ-001", department=civil)
    service = Service.objects.get(at_locations__location=location)
    body = client.get(f"/api/hsds/services/{service.id}").json()
    _validator("compiled/service.json").validate(body)
    assert body["organization"]["organization_identifiers"][0]["identifier"] == sheets.CREDIT_OK
    place = body["service_at_locations"][0]["location"]
    assert place["addresses"][0]["address_1"] == "深圳市福田区莲花街道福中路1号"
    assert place["phones"][0]["extension"] == 123
    assert place["phones"][0]["type"] == "voice"
    assert {s["byday"] for s in place["schedules"]} == {"MO", "TU", "WE", "TH", "FR"}
    assert body["attributes"][0]["taxonomy_term"]["name"] == "亲子关系促进"


@pytest.mark.parametrize(("path", "schema"), [
    ("/api/hsds/services", "compiled/service.json"),
    ("/api/hsds/organizations", "compiled/organization.json"),
    ("/api/hsds/service_at_locations", "compiled/service_at_location.json"),
    ("/api/hsds/taxonomies", "taxonomy.json"),
    ("/api/hsds/taxonomy_terms", "taxonomy_term.json"),
])
def test_hsds_lists_validate(client, path, schema):
    body = client.get(path, {"per_page": "2"}).json()
    assert body["size"] == 2
    assert body["total_items"] > 2
    validator = _validator(schema)
    for item in body["contents"]:
        validator.validate(item)


def test_hsds_filters(client):
    civil = Department.objects.get(code="civil-affairs")
    run_import(sheets.utf8_bom_csv(sheets.CLEAN), "a.csv", civil, dry_run=False)
    location = Location.objects.get(source_id="MZ-002", department=civil)
    body = client.get("/api/hsds/services", {"organization_id": str(location.organization_id)}).json()
    assert body["total_items"] == 2
    mobile = client.get(f"/api/hsds/organizations/{location.organization_id}").json()
    phones = {p["number"]: p["type"] for loc in mobile["locations"] for p in loc["phones"]}
    assert phones["13800138000"] == "cell"
    near = client.get("/api/hsds/services", {"proximity": "22.5525,113.9479,5",
                                             "search": "心理"}).json()
    assert [s["name"] for s in near["contents"]] == ["心理服务网络搭建"]
    later = client.get("/api/hsds/organizations", {"modified_after": "2999-01-01T00:00:00Z"}).json()
    assert later["total_items"] == 0
    bad = client.get("/api/hsds/services", {"per_page": "1000"})
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "per_page"


def _state(department):
    rows = []
    for loc in Location.objects.filter(department=department).order_by("source_id"):
        rows.append((loc.id, loc.name, loc.address, loc.description, loc.latitude,
                     loc.longitude, loc.hours_text,
                     json.dumps(loc.schedule, sort_keys=True), loc.category_id, loc.street_id,
                     loc.community_id, loc.organization_id, loc.last_modified,
                     tuple(loc.phones.values_list("number", "tel")),
                     tuple(sorted(loc.target_groups.values_list("code", flat=True))),
                     loc.is_free))
    return rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_import_round_trip(client, fmt, django_capture_on_commit_callbacks):
    civil = Department.objects.get(code="civil-affairs")
    # Only imported records: the demo ones use phone numbers no real line has, which an
    # import rightly flags.
    Location.objects.filter(department=civil, is_demo=True).delete()
    with django_capture_on_commit_callbacks(execute=True):  # updates the search index
        run_import(sheets.gbk_csv(), "a.csv", civil, dry_run=False)
    before = _state(civil)
    assert len(before) == 4
    assert {row[-1] for row in before} == {True, False, None}
    response = client.get(f"/api/v1/export.{fmt}", {"department": "civil-affairs"})
    assert response.status_code == 200
    report = run_import(response.content, f"export.{fmt}", civil, dry_run=False)
    assert report.counts["created"] == 0
    assert report.counts["updated"] == 0
    assert report.counts["unchanged"] == 4
    assert _state(civil) == before


@pytest.fixture
def formula_records(django_capture_on_commit_callbacks):
    """The civil-affairs department with only three imported records whose texts start
    with =, +, -, @ or a quote. Returns {source id: {column: record value}}."""
    civil = Department.objects.get(code="civil-affairs")
    Location.objects.filter(department=civil, is_demo=True).delete()
    rows = [list(row) for row in sheets.CLEAN]
    rows[0][1] = "=1+1莲花街道测试儿童之家"
    rows[0][4] = "+86 755 8888 1234"
    rows[1][1] = "+南头街道测试社工站"
    rows[1][3] = "-深圳市南山区南头街道南头路2号"
    descriptions = ["@所有人：请先预约", "-12.5", ""]
    sheet = sheets.utf8_bom_csv([[*row, text] for row, text in zip(rows, descriptions,
                                                                      strict=True)],
                                [*sheets.HEADERS, "简介"])
    with django_capture_on_commit_callbacks(execute=True):  # updates the search index
        report = run_import(sheet, "a.csv", civil, dry_run=False)
    assert report.counts["created"] == 3
    # Values that really start with a quote cannot come from a CSV sheet, whose reader
    # would take the quote for an export's.
    Location.objects.filter(department=civil, source_id="MZ-003").update(
        name="'=光明街道测试儿童之家", description="'s 简介")
    return {
        "MZ-001": {"名称": "=1+1莲花街道测试儿童之家", "联系电话": "+86 755 8888 1234",
                   "简介": "@所有人：请先预约"},
        "MZ-002": {"名称": "+南头街道测试社工站", "地址": "-深圳市南山区南头街道南头路2号",
                   "简介": "-12.5"},
        "MZ-003": {"名称": "'=光明街道测试儿童之家", "简介": "'s 简介"},
    }


def _exported_cells(response, fmt: str) -> dict:
    """Return {source id: {header: cell text}} of an export response."""
    import csv
    import io

    import openpyxl

    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content))["服务点"]
        rows = [["" if value is None else value for value in row]
                for row in sheet.iter_rows(values_only=True)]
    header, *records = rows
    return {cells[0]: dict(zip(header, cells, strict=True)) for cells in records}


def test_export_csv_quotes_formula_cells(client, formula_records):
    response = client.get("/api/v1/export.csv", {"department": "civil-affairs"})
    assert response.status_code == 200
    cells = _exported_cells(response, "csv")
    assert cells["MZ-001"]["名称"] == "'=1+1莲花街道测试儿童之家"
    assert cells["MZ-001"]["联系电话"] == "'+86 755 8888 1234"
    assert cells["MZ-001"]["简介"] == "'@所有人：请先预约"
    assert cells["MZ-002"]["名称"] == "'+南头街道测试社工站"
    assert cells["MZ-002"]["地址"] == "'-深圳市南山区南头街道南头路2号"
    assert cells["MZ-002"]["简介"] == "'-12.5"
    # A value starting with a quote and a trigger gets one quote more; one without a
    # trigger after its quote is written as it is.
    assert cells["MZ-003"]["名称"] == "''=光明街道测试儿童之家"
    assert cells["MZ-003"]["简介"] == "'s 简介"


def test_export_xlsx_formula_cells_unquoted(client, formula_records):
    response = client.get("/api/v1/export.xlsx", {"department": "civil-affairs"})
    assert response.status_code == 200
    cells = _exported_cells(response, "xlsx")
    for source_id, values in formula_records.items():
        for header, value in values.items():
            assert cells[source_id][header] == value, (source_id, header)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_cells_round_trip(client, fmt, formula_records):
    civil = Department.objects.get(code="civil-affairs")
    before = _state(civil)
    names = {row[1] for row in before}
    assert names == {values["名称"] for values in formula_records.values()}
    response = client.get(f"/api/v1/export.{fmt}", {"department": "civil-affairs"})
    assert response.status_code == 200
    report = run_import(response.content, f"export.{fmt}", civil, dry_run=False)
    assert report.counts["created"] == 0
    assert report.counts["updated"] == 0
    assert report.counts["unchanged"] == 3
    assert _state(civil) == before


def test_export_xlsx_cells_are_text(client, django_capture_on_commit_callbacks):
    import io

    import openpyxl

    civil = Department.objects.get(code="civil-affairs")
    row = list(sheets.CLEAN[0])
    row[1] = "=1+1莲花\x01儿童之家"
    with django_capture_on_commit_callbacks(execute=True):
        run_import(sheets.utf8_bom_csv([row]), "a.csv", civil, dry_run=False)
    response = client.get("/api/v1/export.xlsx", {"department": "civil-affairs", "q": "莲花"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["服务点"]
    names = [cell for cell in sheet["C"][1:] if cell.value.startswith("=")]
    assert [cell.value for cell in names] == ["=1+1莲花儿童之家"]
    assert names[0].data_type == "s"


def test_export_geojson(client):
    body = json.loads(client.get("/api/v1/export.geojson", {"district": "440304"}).content)
    assert body["type"] == "FeatureCollection"
    assert body["features"]
    first = body["features"][0]
    assert first["geometry"]["type"] == "Point"
    assert all(f["properties"]["department"] for f in body["features"])


def test_datapackage_validates(tmp_path):
    import csv
    import io
    import zipfile

    from django.core.management import call_command

    from caremap.directory.demo import remove_demo
    from caremap.imports import datapackage

    remove_demo()  # a small data set keeps the test quick; the demo is covered by the API tests
    civil = Department.objects.get(code="civil-affairs")
    run_import(sheets.utf8_bom_csv(sheets.CLEAN), "a.csv", civil, dry_run=False)
    target = tmp_path / "hsds.zip"
    call_command("export", str(target), stdout=io.StringIO())
    with zipfile.ZipFile(target) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        assert [r["name"] for r in descriptor["resources"]] == list(datapackage.TABLES)
        for resource in descriptor["resources"]:
            rows = list(csv.DictReader(io.StringIO(archive.read(resource["path"]).decode())))
            header = archive.read(resource["path"]).decode().splitlines()[0].split(",")
            assert header == [f["name"] for f in resource["schema"]["fields"]]
            if resource["name"] not in ("accessibility", "organization_identifier"):
                assert rows, resource["name"]
    tables = datapackage.build_tables()
    for table, rows in tables.items():
        validator = jsonschema.Draft202012Validator(datapackage.table_schema(table),
                                                    format_checker=FORMATS)
        for row in rows:
            validator.validate(row)
    identifiers = [r["identifier"] for r in tables["organization_identifier"]]
    assert sheets.CREDIT_OK in identifiers


def test_export_rejects_bad_filter(client):
    response = client.get("/api/v1/export.csv", {"age": "99"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "age"
