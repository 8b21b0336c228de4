"""Findings that keep an import from silently dropping or overriding values in a sheet."""

import io

import openpyxl
import pytest
from django.core.management import call_command

from caremap.directory.models import Department, Location
from caremap.imports.pipeline import run_import

from . import sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def civil():
    return Department.objects.get(code="civil-affairs")


def test_unmapped_columns_reported_once(civil):
    headers = [*sheets.HEADERS, "联糸电话", "", "备注"]
    rows = [[*row, "0755-1", "x", "备注文字"] for row in sheets.CLEAN]
    report = run_import(sheets.utf8_bom_csv(rows, headers), "a.csv", civil, dry_run=False)
    unread = [(f.row, f.column, f.value, f.code) for f in report.findings
              if f.code.startswith("column_")]
    assert unread == [(1, "M列", "x", "column_unnamed"), (1, "备注", "", "column_unmapped"),
                      (1, "联糸电话", "", "column_unmapped")]
    assert all(f.level == "warning" for f in report.findings if f.code.startswith("column_"))
    assert report.counts["created"] == 3
    assert report.counts["warnings"] == len(report.findings)


def test_nul_in_header_dropped(civil):
    # PostgreSQL rejects NUL in the findings' JSON: the whole import failed with a DataError.
    headers = [*sheets.HEADERS, "备\x00注"]
    rows = [[*row, "x"] for row in sheets.CLEAN]
    report = run_import(sheets.utf8_bom_csv(rows, headers), "a.csv", civil, dry_run=False)
    assert [(f.row, f.column, f.code) for f in report.findings if f.row == 1] == [
        (1, "备注", "column_unmapped"), (1, "备注", "control_characters_removed")]
    assert report.counts["created"] == 3
    assert report.run.findings[0]["column"] == "备注"


# (headers added after the clean sheet's, cells added to each row, header-row findings)
HEADER_CASES = [
    # A second phone column: the first one is read.
    (["电话"], ["13900139000"], [(1, "电话", "column_repeated")]),
    # Unnamed columns with no value anywhere are not reported, unlike an unknown header.
    (["", "", "备注"], ["", "", "备注文字"], [(1, "备注", "column_unmapped")]),
]


@pytest.mark.parametrize(("extra_headers", "extra_cells", "expected"), HEADER_CASES)
def test_header_row_findings(civil, extra_headers, extra_cells, expected):
    headers = [*sheets.HEADERS, *extra_headers]
    rows = [[*row, *extra_cells] for row in sheets.CLEAN]
    report = run_import(sheets.utf8_bom_csv(rows, headers), "a.csv", civil, dry_run=True)
    assert [(f.row, f.column, f.code) for f in report.findings if f.row == 1] == expected


def test_unmapped_column_after_title_rows(civil):
    data = sheets.xlsx([
        ["深圳市民政局服务点名单"],
        ["编号", "机构名称", "类别", "地址", "经度", "纬度", "负责人"],
        ["T-1", "莲花街道测试儿童之家", "儿童之家", "深圳市福田区莲花街道福中路1号",
         "114.0469", "22.5522", "张三"],
    ])
    report = run_import(data, "t.xlsx", civil, dry_run=True)
    assert report.as_rows() == [(2, "负责人", "column_unmapped")]


def test_finding_messages_in_both_languages():
    from caremap.imports.findings import Finding

    for code in ("column_unmapped", "column_repeated", "column_unnamed",
                 "control_characters_removed"):
        message = Finding(1, "备注", "", code).as_dict()
        assert message["level"] == "warning"
        assert message["message_zh"]
        assert message["message_en"]


def test_command_department_differs_from_row(tmp_path):
    rows = [[*sheets.CLEAN[0], "教育"], [*sheets.CLEAN[1], "卫健"]]
    source = tmp_path / "g.csv"
    source.write_bytes(sheets.utf8_bom_csv(rows, headers=[*sheets.HEADERS, "部门"]))
    out = io.StringIO()
    call_command("import", str(source), "--department", "卫健", stdout=out, stderr=io.StringIO())
    lines = [line for line in out.getvalue().splitlines() if "department_differs" in line]
    assert lines == ["row 2 部门 department_differs (warning): "
                     "该行写明的部门（≠ 左侧）与导入所选部门（≠ 右侧）不同，该行按其写明的部门处理 / "
                     "the row names a department (left of ≠) other than the one chosen for the "
                     "import (right of ≠); the row is treated as that department's [教育 ≠ 卫健]"]
    assert Location.objects.get(source_id="MZ-001", is_demo=False).department_id == "education"
    assert Location.objects.get(source_id="MZ-002", is_demo=False).department_id == "health"


def test_department_named_by_code_not_flagged(civil):
    rows = [[*row, name] for row, name in zip(sheets.CLEAN, ["民政", "民政局", "civil-affairs"],
                                                strict=True)]
    report = run_import(sheets.utf8_bom_csv(rows, headers=[*sheets.HEADERS, "部门"]), "a.csv",
                        civil, dry_run=True)
    assert [f for f in report.findings if f.code == "department_differs"] == []
    assert report.counts["valid"] == 3


def test_coordinates_out_of_range(civil):
    headers = ["编号", "机构名称", "类别", "地址", "经度", "纬度", "经纬度"]
    rows = [
        ["R-1", "甲站", "儿童之家", "深圳市福田区莲花街道", "200", "95", ""],
        ["R-2", "乙站", "儿童之家", "深圳市福田区莲花街道", "200", "22.5", ""],
        ["R-3", "丙站", "儿童之家", "深圳市福田区莲花街道", "-181", "-91", ""],
        ["R-4", "丁站", "儿童之家", "深圳市福田区莲花街道", "", "", "114.0469,95"],
        ["R-5", "戊站", "儿童之家", "深圳市福田区莲花街道", "东经114", "22.5", ""],
        ["R-6", "己站", "儿童之家", "深圳市福田区莲花街道", "22.5522", "114.0469", ""],
    ]
    report = run_import(sheets.utf8_bom_csv(rows, headers), "r.csv", civil, dry_run=True)
    assert report.as_rows() == [
        (2, "纬度", "coordinates_out_of_range"),
        (3, "纬度", "coordinates_out_of_range"),
        (4, "纬度", "coordinates_out_of_range"),
        (5, "经纬度", "coordinates_out_of_range"),
        (6, "纬度", "coordinates_invalid"),
        (7, "纬度", "coordinates_swapped"),
    ]
    assert report.findings[0].value == "95,200"
    assert report.findings[3].value == "114.0469,95"
    assert report.counts["rejected"] == 5


def test_report_xlsx_keeps_sheet_text_as_text(civil):
    from caremap.imports.report import report_xlsx

    headers = [*sheets.HEADERS, "备\x01注", "是否免费"]
    rows = [[*sheets.CLEAN[0], "x", "=HYPERLINK(\"http://127.0.0.1/\")"]]
    report = run_import(sheets.utf8_bom_csv(rows, headers), "a.csv", civil, dry_run=True)
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report.run)))
    lines = list(book["问题"].iter_rows(min_row=2, values_only=True))
    assert [(line[1], line[3]) for line in lines] == [
        ("备注", "column_unmapped"), ("备注", "control_characters_removed"),
        ("是否免费", "fee_unknown")]
    fee_cell = book["问题"].cell(row=4, column=3)
    assert fee_cell.data_type == "s"
    assert fee_cell.value == "=HYPERLINK(\"http://127.0.0.1/\")"


def test_unnamed_columns_with_values_reported(civil):
    # Columns L and N hold values under an empty header, and column M is empty in every row.
    headers = [*sheets.HEADERS, "", " ", ""]
    rows = [[*row, "备注文字", "", ""] for row in sheets.CLEAN]
    rows[2][13] = "第三行才有"
    report = run_import(sheets.utf8_bom_csv(rows, headers), "a.csv", civil, dry_run=True)
    assert [(f.row, f.column, f.value, f.code) for f in report.findings if f.row == 1] == [
        (1, "L列", "备注文字", "column_unnamed"), (1, "N列", "第三行才有", "column_unnamed")]
    assert all(f.level == "warning" for f in report.findings if f.row == 1)
    assert report.counts["valid"] == 3


def test_values_beyond_last_header_reported(civil):
    rows = [list(row) for row in sheets.CLEAN]
    rows[1].append("多出的值")
    report = run_import(sheets.utf8_bom_csv(rows), "a.csv", civil, dry_run=True)
    assert [(f.row, f.column, f.value, f.code) for f in report.findings if f.row == 1] == [
        (1, "L列", "多出的值", "column_unnamed")]


def test_unnamed_xlsx_column_named_by_letter(civil):
    data = sheets.xlsx([
        ["深圳市民政局服务点名单"],
        ["编号", "机构名称", "类别", "地址", "经度", "纬度", None, None],
        ["T-1", "莲花街道测试儿童之家", "儿童之家", "深圳市福田区莲花街道福中路1号",
         "114.0469", "22.5522", "张三", None],
    ])
    report = run_import(data, "t.xlsx", civil, dry_run=True)
    assert report.as_rows() == [(2, "G列", "column_unnamed")]
    assert report.findings[0].value == "张三"


def test_control_characters_removed_and_reported(civil):
    headers = [*sheets.HEADERS, "简介"]
    rows = [[*row, ""] for row in sheets.CLEAN]
    rows[0][1] = "莲花街道\x07测试\x1b儿童之家\x7f"
    rows[1][3] = "深圳市南山区\x00南头街道南头路2号"
    # Tab, line feed and carriage return are text, not control characters to remove.
    rows[2][11] = "第一行\r\n第二行\t完"
    # A row that contains nothing but a control character is no row once it is removed.
    rows.append(["\x08", "", "", "", "", "", "", "", "", "", "", ""])
    report = run_import(sheets.utf8_bom_csv(rows, headers), "a.csv", civil, dry_run=False)
    removed = [(f.row, f.column, f.value, f.level) for f in report.findings
               if f.code == "control_characters_removed"]
    assert removed == [(2, "机构名称", "莲花街道测试儿童之家", "warning"),
                       (3, "地址", "深圳市南山区南头街道南头路2号", "warning"),
                       (5, "编号", "", "warning")]
    assert report.counts["rows"] == 3
    assert report.counts["created"] == 3
    imported = Location.objects.filter(department=civil, is_demo=False)
    assert imported.get(source_id="MZ-001").name == "莲花街道测试儿童之家"
    assert imported.get(source_id="MZ-002").address == "深圳市南山区南头街道南头路2号"
    assert imported.get(source_id="MZ-003").description == "第一行\r\n第二行\t完"


def test_xlsx_control_character_escapes_removed(civil):
    # An xlsx stores a character that XML cannot contain as _xHHHH_, which openpyxl reads as text.
    data = sheets.xlsx([
        ["编号", "机构名称", "类别", "地址", "经度", "纬度", "简介"],
        ["T-1", "莲花街道_x0007_测试儿童之家", "儿童之家", "深圳市福田区莲花街道福中路1号",
         "114.0469", "22.5522", "第一行_x000D_\n第二行"],
    ])
    report = run_import(data, "t.xlsx", civil, dry_run=False)
    assert report.as_rows() == [(2, "机构名称", "control_characters_removed")]
    assert report.findings[0].value == "莲花街道测试儿童之家"
    location = Location.objects.get(department=civil, source_id="T-1", is_demo=False)
    assert location.name == "莲花街道测试儿童之家"
    assert location.description == "第一行\r\n第二行"
