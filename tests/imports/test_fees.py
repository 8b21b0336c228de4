"""Whether a point is free: read from the sheet's fee column, and unknown when it has none."""

import pytest

from caremap.directory.models import Department, Location
from caremap.imports.pipeline import run_import
from caremap.search.models import SearchEntry

from . import sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def civil():
    return Department.objects.get(code="civil-affairs")


def _fees(department) -> dict:
    rows = Location.objects.filter(department=department, is_demo=False)
    return dict(rows.values_list("source_id", "is_free"))


def test_sheet_without_fee_column_states_nothing(civil):
    run_import(sheets.utf8_bom_csv(sheets.CLEAN), "a.csv", civil, dry_run=False)
    assert _fees(civil) == {"MZ-001": None, "MZ-002": None, "MZ-003": None}
    ids = Location.objects.filter(department=civil, is_demo=False).values_list("id", flat=True)
    entries = SearchEntry.objects.filter(location_id__in=ids)
    assert entries.count() == 3
    assert set(entries.values_list("is_free", flat=True)) == {None}


def test_fee_column_read(civil):
    report = run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    assert not [f for f in report.findings if f.code == "fee_unknown"]
    assert _fees(civil) == {"MZ-001": True, "MZ-002": False, "MZ-003": False, "MZ-004": None}


@pytest.mark.parametrize(("header", "cell", "expected"), [
    ("是否免费", "是", True),
    ("是否免费", "否", False),
    ("是否免费（必填）", "免费", True),
    ("收费情况", "部分收费", False),
    ("收费情况", "收费", False),
    ("收费情况", "免费", True),
    ("是否收费", "是", False),
    ("是否收费", "否", True),
    ("收费", "是", False),
    ("是否免费", "", None),
])
def test_fee_cell_values(civil, header, cell, expected):
    data = sheets.utf8_bom_csv([[*sheets.CLEAN[0], cell]], headers=[*sheets.HEADERS, header])
    report = run_import(data, "a.csv", civil, dry_run=False)
    assert report.counts["created"] == 1
    assert report.findings == []
    assert _fees(civil) == {"MZ-001": expected}


def test_unknown_fee_cell_warns(civil):
    data = sheets.utf8_bom_csv([[*sheets.CLEAN[0], "看情况"]], headers=[*sheets.HEADERS, "是否免费"])
    report = run_import(data, "a.csv", civil, dry_run=False)
    assert report.as_rows() == [(2, "是否免费", "fee_unknown")]
    assert report.findings[0].value == "看情况"
    assert report.findings[0].level == "warning"
    assert _fees(civil) == {"MZ-001": None}


def test_fee_reimport_unchanged_then_updated(civil):
    run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    again = run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    assert (again.counts["updated"], again.counts["unchanged"]) == (0, 4)
    # The same rows without the fee column: the stated fees become unknown again.
    rows = [list(r) for r in sheets.CLEAN]
    dropped = run_import(sheets.utf8_bom_csv(rows), "民政.csv", civil, dry_run=False)
    assert (dropped.counts["updated"], dropped.counts["unchanged"]) == (3, 0)
    assert _fees(civil)["MZ-001"] is None


def test_free_filter_matches_only_stated(civil, api_get, django_capture_on_commit_callbacks):
    Location.objects.filter(is_demo=True).delete()
    with django_capture_on_commit_callbacks(execute=True):
        run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    by_value = {}
    for value in ("true", "false"):
        status, body = api_get("/api/v1/points", free=value, page_size=100)
        assert status == 200
        by_value[value] = sorted(p["name"] for p in body["results"])
    assert by_value["true"] == ["莲花街道测试儿童之家"]
    assert by_value["false"] == ["光明街道测试儿童之家", "南头街道测试社工站"]
    _, everything = api_get("/api/v1/points", page_size=100)
    unknown = [p for p in everything["results"] if p["name"] == "桂园街道测试服务站"]
    assert len(unknown) == 1
    assert unknown[0]["is_free"] is None


def test_point_page_hides_unknown_cost(civil, client):
    run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    pages = {}
    for source_id in ("MZ-001", "MZ-002", "MZ-004"):
        point = Location.objects.get(department=civil, source_id=source_id)
        pages[source_id] = client.get(f"/points/{point.id}/").content.decode()
    assert "免费" in pages["MZ-001"]
    assert "收费" in pages["MZ-002"]
    assert "免费" not in pages["MZ-004"]
    assert "收费" not in pages["MZ-004"]
    assert "费用" not in pages["MZ-004"]


def test_review_shows_fee_change(civil):
    from caremap.imports import review
    from caremap.imports.models import ImportRun
    from caremap.imports.validate import RowValidator

    run_import(sheets.gbk_csv(), "民政.csv", civil, dry_run=False)
    headers = [*sheets.HEADERS, "是否免费"]
    payload, findings = RowValidator(civil, headers, "wgs84").clean(2, [*sheets.CLEAN[0], "否"])
    assert findings == []
    run = ImportRun.objects.create(department=civil, filename="a.csv", dry_run=False,
                                   pending_rows=[[2, payload]])
    summary = review.pending_changes(run)
    assert summary["updated"] == 1
    fields = summary["records"][0]["fields"]
    assert [(f["field"], f["before"], f["after"]) for f in fields] == [("is_free", "是", "否")]


def test_rows_staged_before_fee_column_apply(civil):
    from caremap.imports.models import ImportRun
    from caremap.imports.pipeline import apply_stored
    from caremap.imports.validate import RowValidator

    payload, _ = RowValidator(civil, sheets.HEADERS, "wgs84").clean(2, list(sheets.CLEAN[0]))
    del payload["is_free"]  # what a run staged by an earlier version stored
    run = ImportRun.objects.create(department=civil, filename="a.csv", dry_run=False,
                                   pending_rows=[[2, payload]])
    counts, _ = apply_stored(run)
    assert counts["created"] == 1
    assert _fees(civil) == {"MZ-001": None}
