import pytest

from caremap.directory.models import Department, Location
from caremap.geo import crs
from caremap.geo.distance import haversine_m
from caremap.imports.models import ColumnMapping, ImportRun
from caremap.imports.pipeline import location_changed, locations_created, run_import

from . import sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def civil():
    return Department.objects.get(code="civil-affairs")


def _imported(department):
    return Location.objects.filter(department=department, is_demo=False)


def test_gbk_csv_report_exact(civil):
    report = run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    assert report.as_rows() == [
        (4, "地址", "address_old_name"),
        (5, "服务时间", "hours_unparseable"),
        (5, "统一社会信用代码", "credit_code_invalid"),
        (5, "联系电话", "phone_invalid"),
        (5, "联系电话", "phone_no_area_code"),
        (6, "机构名称", "name_missing"),
        (7, "名称", "duplicate_row"),
    ]
    assert report.counts["rows"] == 6
    assert report.counts["created"] == 4
    assert report.counts["rejected"] == 2


def test_gbk_csv_rows_land_once(civil):
    run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    names = sorted(_imported(civil).values_list("name", flat=True))
    assert names == sorted(["莲花街道测试儿童之家", "南头街道测试社工站", "光明街道测试儿童之家",
                            "桂园街道测试服务站"])
    first = _imported(civil).get(source_id="MZ-001")
    assert first.district_id == "440304"
    assert first.street.name == "莲花街道"
    assert [(p.number, p.tel, p.extension) for p in first.phones.all()] == [
        ("0755-8888 1234 转 123", "+86-755-88881234;ext=123", "123")]
    assert first.schedule["holidays"] == "closed"
    assert first.organization.credit_code == sheets.CREDIT_OK
    unparsed = _imported(civil).get(source_id="MZ-004")
    assert unparsed.hours_text == "请提前电话预约"
    assert unparsed.schedule is None
    assert unparsed.organization.credit_code == ""
    guangming = _imported(civil).get(source_id="MZ-003")
    assert guangming.district_id == "440311"


def test_credit_code_names_organisation_not_point(civil):
    run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    a = _imported(civil).get(source_id="MZ-001")
    b = _imported(civil).get(source_id="MZ-002")
    assert a.organization_id == b.organization_id
    assert a.id != b.id


def test_reimport_changes_nothing(civil):
    run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    before = {loc.id: loc.last_modified for loc in _imported(civil)}
    again = run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    assert again.counts["created"] == 0
    assert again.counts["updated"] == 0
    assert again.counts["unchanged"] == 4
    assert {loc.id: loc.last_modified for loc in _imported(civil)} == before


def test_dry_run_writes_nothing(civil):
    count = Location.objects.count()
    report = run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=True)
    assert report.counts["valid"] == 4
    assert Location.objects.count() == count
    assert ImportRun.objects.get(id=report.run.id).dry_run


def test_changed_row_updates_record(civil):
    run_import(sheets.utf8_bom_csv(sheets.CLEAN), "a.csv", civil, dry_run=False)
    changed = [list(r) for r in sheets.CLEAN]
    changed[1][4] = "13900139000"
    sent = []

    def listener(**kwargs):
        sent.append((kwargs["action"], kwargs["location"].source_id, kwargs["changes"]))

    location_changed.connect(listener)
    try:
        report = run_import(sheets.utf8_bom_csv(changed), "a.csv", civil, dry_run=False)
    finally:
        location_changed.disconnect(listener)
    assert (report.counts["updated"], report.counts["unchanged"]) == (1, 2)
    assert sent == [("updated", "MZ-002", {"phones": [[["13800138000", "+86-13800138000", ""]],
                                                      [["13900139000", "+86-13900139000", ""]]]})]
    loc = _imported(civil).get(source_id="MZ-002")
    assert [p.tel for p in loc.phones.all()] == ["+86-13900139000"]


def test_merged_header_xlsx(civil):
    education = Department.objects.get(code="education")
    ColumnMapping.objects.create(department=education,
                                 defaults={"category": "special-education-school"})
    report = run_import(sheets.merged_header_xlsx(), "教育.xlsx", education, dry_run=False)
    assert report.as_rows() == [(4, "联系电话", "phone_leading_zero")]
    assert report.counts["created"] == 2
    first = _imported(education).get(source_id="JY-01")
    assert first.name == "梅林街道测试特教资源中心"
    assert (first.latitude, first.longitude) == (22.57, 114.05)
    assert [p.tel for p in first.phones.all()] == ["+86-755-88776655"]
    assert first.last_verified.isoformat() == "2025-12-09"
    assert first.category.code == "special-education-school"


def test_bd09_file_converted(civil):
    rows = [list(r) for r in sheets.CLEAN]
    for row in rows:
        lat, lng = crs.from_wgs84(float(row[6]), float(row[5]), crs.BD09)
        row[5], row[6] = repr(lng), repr(lat)
    report = run_import(sheets.utf8_bom_csv(rows), "bd.csv", civil, "bd09", dry_run=False)
    assert report.as_rows() == [(4, "地址", "address_old_name")]
    for original in sheets.CLEAN:
        loc = _imported(civil).get(source_id=original[0])
        assert loc.source_crs == "bd09"
        assert haversine_m(loc.latitude, loc.longitude,
                           float(original[6]), float(original[5])) < 0.1


def test_swapped_and_misplaced_coordinates(civil):
    headers = ["编号", "机构名称", "类别", "地址", "坐标", "经度", "纬度"]
    rows = [
        ["S-1", "甲站", "儿童之家", "深圳市福田区莲花街道", "", "22.5522", "114.0469"],
        ["S-2", "乙站", "儿童之家", "深圳市罗湖区桂园街道", "", "113.9479", "22.5525"],
        ["S-3", "丙站", "儿童之家", "深圳市福田区莲花街道", "", "116.4074", "39.9042"],
        ["S-4", "丁站", "儿童之家", "深圳市福田区莲花街道", "114.0469,22.5522", "", ""],
        ["S-5", "戊站", "儿童之家", "深圳市福田区莲花街道", "", "东经114", "22.5"],
    ]
    report = run_import(sheets.utf8_bom_csv(rows, headers), "s.csv", civil, dry_run=False)
    assert report.as_rows() == [
        (2, "纬度", "coordinates_swapped"),
        (3, "纬度", "coordinates_outside_district"),
        (4, "纬度", "coordinates_outside_city"),
        (6, "纬度", "coordinates_invalid"),
    ]
    swapped = _imported(civil).get(source_id="S-1")
    assert (swapped.latitude, swapped.longitude) == (22.5522, 114.0469)
    pair = _imported(civil).get(source_id="S-4")
    assert (pair.latitude, pair.longitude) == (22.5522, 114.0469)
    assert not _imported(civil).filter(source_id__in=["S-3", "S-5"]).exists()


def test_stale_after_configured_days(civil):
    import datetime

    from caremap.imports.freshness import stale_locations

    headers = [*sheets.HEADERS, "核实日期"]
    rows = [list(sheets.CLEAN[0]) + ["2026-01-10"], list(sheets.CLEAN[1]) + ["2026-06-01"]]
    run_import(sheets.utf8_bom_csv(rows, headers), "a.csv", civil, dry_run=False)
    today = datetime.date(2026, 7, 1)
    stale_ids = set(stale_locations(today, days=100).filter(department=civil, is_demo=False)
                    .values_list("source_id", flat=True))
    assert stale_ids == {"MZ-001"}
    assert not stale_locations(today, days=1000).filter(department=civil, is_demo=False).exists()


def _bd09_csv() -> bytes:
    rows = [list(r) for r in sheets.CLEAN]
    for row in rows:
        lat, lng = crs.from_wgs84(float(row[6]), float(row[5]), crs.BD09)
        row[5], row[6] = repr(lng), repr(lat)
    return sheets.utf8_bom_csv(rows)


@pytest.mark.parametrize(("name", "build", "source_crs", "department_code", "landed"), [
    ("gbk.csv", sheets.gbk_csv, "wgs84", "civil-affairs", 4),
    ("merged.xlsx", sheets.merged_header_xlsx, "wgs84", "education", 2),
    ("bd09.csv", _bd09_csv, "bd09", "civil-affairs", 3),
])
def test_each_fixture_lands_once(name, build, source_crs, department_code, landed):
    department = Department.objects.get(code=department_code)
    ColumnMapping.objects.update_or_create(department=department,
                                           defaults={"defaults": {"category": "children-home"}})
    first = run_import(build(), name, department, source_crs, dry_run=False)
    assert first.counts["created"] == landed
    second = run_import(build(), name, department, source_crs, dry_run=False)
    assert (second.counts["created"], second.counts["updated"]) == (0, 0)
    assert second.counts["unchanged"] == landed
    assert _imported(department).count() == landed


def _entries(location_ids):
    from caremap.search.models import SearchEntry

    columns = [f.attname for f in SearchEntry._meta.concrete_fields if f.attname != "id"]
    return {e["location_id"]: e for e in
            SearchEntry.objects.filter(location_id__in=location_ids).values(*columns)}


def test_import_index_entries_match_rebuild(civil):
    from caremap.directory.models import Organization, Service, TaxonomyTerm, Visibility
    from caremap.search.index import index_locations

    # An existing organization (by credit code) whose 亲子关系促进 service is staff-only: the
    # new point links to it, and the public index must not show it.
    organization = Organization.objects.create(name="已有机构", credit_code=sheets.CREDIT_OK)
    hidden = Service.objects.create(organization=organization, name="内部服务",
                                    visibility=Visibility.STAFF)
    hidden.taxonomy_terms.add(TaxonomyTerm.objects.get(name="亲子关系促进"))
    run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    ids = list(_imported(civil).values_list("id", flat=True))
    assert len(ids) == 4
    from_import = _entries(ids)
    assert set(from_import) == set(ids)
    first = _imported(civil).get(source_id="MZ-001")
    assert "内部服务" not in from_import[first.id]["body"]
    assert from_import[first.id]["service_terms"] == ""
    index_locations(ids)
    assert _entries(ids) == from_import


@pytest.mark.parametrize(("column", "value", "header"), [
    (0, "X" * 65, "编号"),
    (1, "长" * 201, "机构名称"),
    (3, "深圳市福田区莲花街道福中路" + "号" * 300, "地址"),
    (7, "周一至周五 9:00-12:00" + "。" * 300, "服务时间"),
])
def test_too_long_value_rejects_row(civil, column, value, header):
    rows = [list(row) for row in sheets.CLEAN]
    rows[0][column] = value
    report = run_import(sheets.utf8_bom_csv(rows), "民政.csv", civil, dry_run=False)
    assert [(f.row, f.column, f.code) for f in report.findings if f.level == "error"] == [
        (2, header, "value_too_long")]
    assert (report.counts["created"], report.counts["rejected"]) == (2, 1)
    assert _imported(civil).count() == 2


def test_nul_characters_dropped(civil):
    rows = [list(row) for row in sheets.CLEAN]
    rows[0][1] = "莲花街道\x00测试儿童之家"
    report = run_import(sheets.utf8_bom_csv(rows), "民政.csv", civil, dry_run=False)
    assert report.counts["created"] == 3
    assert _imported(civil).filter(name="莲花街道测试儿童之家").exists()


def test_import_entry_text_order_matches_rebuild(civil):
    from caremap.search.index import index_locations

    rows = [list(row) for row in sheets.CLEAN]
    # Code order (migrant-children, pupils) differs from the vocabulary's order (中小学生 first).
    rows[0][8] = "流动儿童、中小学生、社区儿童"
    rows[0][9] = "心理服务网络搭建、亲子关系促进、兴趣范围拓展"
    run_import(sheets.utf8_bom_csv(rows), "民政.csv", civil, dry_run=False)
    ids = list(_imported(civil).values_list("id", flat=True))
    from_import = _entries(ids)
    index_locations(ids)
    rebuilt = _entries(ids)
    for location_id in ids:
        assert rebuilt[location_id]["body"] == from_import[location_id]["body"]
        assert rebuilt[location_id]["grams"] == from_import[location_id]["grams"]


def test_bulk_creation_announced_once(civil):
    sent = []

    def listener(**kwargs):
        sent.append((sorted(str(i) for i in kwargs["ids"]), kwargs["run"]))

    locations_created.connect(listener)
    try:
        report = run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    finally:
        locations_created.disconnect(listener)
    assert len(sent) == 1
    ids, run = sent[0]
    assert ids == sorted(str(i) for i in _imported(civil).values_list("id", flat=True))
    assert len(ids) == report.counts["created"] == 4
    assert run == report.run


def _in_thread(work):
    """Run `work` on a database connection of its own, committing as a worker process would."""
    import threading

    from django.db import connections

    errors = []

    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001  (reported by the assert below)
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_simultaneous_imports_create_once(civil):
    # Two uploads of one sheet at the same moment (a double-clicked button) must create each
    # record once. On PostgreSQL each upload runs on a connection of its own and commits.
    import threading

    from django.db import connection

    from caremap.backoffice.models import AuditEvent
    from caremap.imports.models import ImportRun
    from caremap.search.models import SearchEntry

    rows = [[f"RACE-{i}", f"并发测试站{i}", *row[2:]] for i, row in enumerate(sheets.CLEAN * 50)]
    data = sheets.utf8_bom_csv(rows)
    if connection.vendor == "sqlite":
        # The in-memory test database rejects a second connection's write with "table is
        # locked" instead of waiting, so the uploads run one after the other here; SQLite's
        # writers never overlap (BEGIN IMMEDIATE).
        for _ in range(2):
            run_import(data, "race.csv", civil, dry_run=False)
        assert Location.objects.filter(source_id__startswith="RACE-").count() == len(rows)
        return

    start = threading.Barrier(2)

    def upload():
        start.wait()
        run_import(data, "race.csv", civil, dry_run=False)

    uploads = [_in_thread(upload) for _ in range(2)]
    for thread, _errors in uploads:
        thread.join()
    counted = []
    thread, _ = _in_thread(lambda: counted.append(
        Location.objects.filter(source_id__startswith="RACE-").count()))
    thread.join()

    def clean_up():
        # Committed by the threads, so the test's rollback would not remove them.
        imported = Location.objects.filter(source_id__startswith="RACE-")
        organizations = list(imported.values_list("organization_id", flat=True).distinct())
        for entry in SearchEntry.objects.filter(location__in=imported):
            entry.delete()  # drops its cluster counts too
        imported.delete()
        from caremap.directory.models import Organization, Service

        Service.objects.filter(organization_id__in=organizations).delete()
        Organization.objects.filter(id__in=organizations).delete()
        runs = ImportRun.objects.filter(filename="race.csv")
        AuditEvent.objects.filter(object_type="import_run",
                                  object_id__in=[str(i) for i in runs.values_list("id", flat=True)]
                                  ).delete()
        runs.delete()

    thread, cleanup_errors = _in_thread(clean_up)
    thread.join()
    assert [errors for _thread, errors in uploads] == [[], []]
    assert cleanup_errors == []
    assert counted == [len(rows)]


def test_failed_run_record_writes_nothing(civil, monkeypatch):
    """A failure after the rows are written but before the run's audit event rolls them back."""
    from caremap.backoffice import audit

    def fail(action, *args, **kwargs):
        raise RuntimeError(f"audit store unavailable for {action}")

    monkeypatch.setattr(audit, "record", fail)
    runs = ImportRun.objects.count()
    with pytest.raises(RuntimeError, match="audit store unavailable"):
        run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    assert not _imported(civil).exists()
    assert ImportRun.objects.count() == runs


def test_reimport_matches_across_lookup_chunks(civil, monkeypatch):
    """Records looked up one per query are matched as when they are looked up together."""
    from caremap.imports import pipeline

    first = run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    monkeypatch.setattr(pipeline, "EXISTING_CHUNK", 1)
    again = run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    assert again.counts["unchanged"] == first.counts["created"]
    assert again.counts["created"] == 0
    assert again.counts["updated"] == 0
