import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from caremap.directory.models import Department, Location
from caremap.imports.models import ColumnMapping, ImportRun

from . import sheets

pytestmark = pytest.mark.django_db


def test_import_command_dry_run_then_apply(tmp_path, capsys):
    source = tmp_path / "民政.csv"
    source.write_bytes(sheets.gbk_csv())
    report = tmp_path / "report.xlsx"
    out = io.StringIO()
    call_command("import", str(source), "--department", "民政", "--dry-run",
                 "--report", str(report), stdout=out)
    assert "row 5 服务时间 hours_unparseable" in out.getvalue()
    assert "dry run: rows=6 valid=4" in out.getvalue()
    assert report.read_bytes()[:2] == b"PK"
    assert "[" in capsys.readouterr().err  # the progress bar
    assert not Location.objects.filter(source_id="MZ-001").exists()

    out = io.StringIO()
    call_command("import", str(source), "--department", "civil-affairs", stdout=out)
    assert "created=4" in out.getvalue()
    assert ImportRun.objects.filter(dry_run=False).get().counts["created"] == 4


def test_import_command_rejects_bad_input(tmp_path):
    with pytest.raises(CommandError, match="file not found"):
        call_command("import", str(tmp_path / "none.csv"), "--department", "民政")
    source = tmp_path / "a.csv"
    source.write_bytes(sheets.gbk_csv())
    with pytest.raises(CommandError, match="unknown department"):
        call_command("import", str(source), "--department", "税务")
    source.write_bytes(b"just,some\nwords,here\n")
    with pytest.raises(CommandError, match="no header row"):
        call_command("import", str(source), "--department", "民政")


def test_export_command_writes_filtered_csv(tmp_path):
    target = tmp_path / "out.csv"
    out = io.StringIO()
    call_command("export", str(target), "--filter", "district=440304", stdout=out)
    text = target.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("编号,部门,名称,运营机构")
    count = int(out.getvalue().split()[1])
    assert count == len(text.splitlines()) - 1
    assert count == Location.objects.public().filter(district_id="440304").count()
    with pytest.raises(CommandError, match="Unknown parameter"):
        call_command("export", str(target), "--filter", "colour=red")


def test_export_unknown_filter_named_once(tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("export", str(tmp_path / "out.csv"), "--filter", "distrct=440304")
    message = str(raised.value)
    assert message.count("distrct") == 1
    assert message.startswith("Unknown parameter: distrct;")
    assert "district" in message


def test_export_district_name_as_code(tmp_path):
    by_code, by_name = tmp_path / "code.csv", tmp_path / "name.csv"
    call_command("export", str(by_code), "--filter", "district=440304", stdout=io.StringIO())
    call_command("export", str(by_name), "--filter", "district=福田区", stdout=io.StringIO())
    rows = by_name.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) > 1
    assert rows == by_code.read_text(encoding="utf-8-sig").splitlines()


def test_export_unknown_district_name_rejected(tmp_path):
    with pytest.raises(CommandError, match="expected a division code or the name"):
        call_command("export", str(tmp_path / "out.csv"), "--filter", "district=福田")


def test_saved_mapping_reads_department_headers():
    from caremap.imports.pipeline import run_import

    women = Department.objects.get(code="womens-federation")
    ColumnMapping.objects.create(department=women, columns={"阵地名": "name", "阵地类型": "category",
                                                             "位置": "address"})
    data = sheets.utf8_bom_csv([["FL-1", "测试妇女儿童之家", "妇女儿童之家", "深圳市南山区蛇口街道1号"]],
                               headers=["编号", "阵地名", "阵地类型", "位置"])
    report = run_import(data, "f.csv", women, dry_run=False)
    assert report.as_rows() == [(2, "纬度", "coordinates_missing")]
    created = Location.objects.get(department=women, source_id="FL-1")
    assert (created.name, created.category.code, created.district_id) == (
        "测试妇女儿童之家", "women-station", "440305")


def _with_department_column(departments) -> bytes:
    rows = [[*row, department] for row, department in zip(sheets.CLEAN, departments, strict=True)]
    return sheets.utf8_bom_csv(rows, headers=[*sheets.HEADERS, "部门"])


def test_import_department_from_sheet(tmp_path):
    source = tmp_path / "sheet.csv"
    source.write_bytes(_with_department_column(["民政", "民政局", "civil-affairs"]))
    out = io.StringIO()
    call_command("import", str(source), stdout=out, stderr=io.StringIO())
    assert "created=3" in out.getvalue()
    run = ImportRun.objects.get(dry_run=False)
    assert run.department_id == "civil-affairs"


@pytest.mark.parametrize(("departments", "message"), [
    (["民政", "教育", "民政"], "names 教育, 民政, not exactly one"),
    (["", "", ""], "names none, not exactly one"),
    (["民政", "税务", "民政"], "unknown department: '税务'"),
])
def test_import_department_unclear(tmp_path, departments, message):
    source = tmp_path / "sheet.csv"
    source.write_bytes(_with_department_column(departments))
    with pytest.raises(CommandError, match=message) as raised:
        call_command("import", str(source), stdout=io.StringIO(), stderr=io.StringIO())
    assert "--department" in str(raised.value)
    assert not ImportRun.objects.exists()


def test_import_without_department_column(tmp_path):
    source = tmp_path / "sheet.csv"
    source.write_bytes(sheets.utf8_bom_csv(sheets.CLEAN))
    with pytest.raises(CommandError, match=r"no department column \(部门\); name the department"):
        call_command("import", str(source), stdout=io.StringIO(), stderr=io.StringIO())


def test_import_editor_own_department(tmp_path):
    from django.contrib.auth import get_user_model

    from caremap.backoffice.models import Role
    from caremap.backoffice.roles import assign_role

    editor = get_user_model().objects.create_user("editor")
    assign_role(editor, Role.DEPARTMENT_EDITOR, department=Department.objects.get(code="education"))
    source = tmp_path / "sheet.csv"
    source.write_bytes(sheets.utf8_bom_csv(sheets.CLEAN))
    call_command("import", str(source), user="editor", dry_run=True, stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert ImportRun.objects.get().department_id == "education"


def test_import_command_fails_when_no_row_valid(tmp_path):
    rows = [["B-1", "", "儿童之家", "深圳市福田区莲花街道", "", "114.0469", "22.5522"],
            ["B-2", "乙站", "儿童之家", "深圳市福田区莲花街道", "", "200", "95"]]
    source = tmp_path / "bad.csv"
    source.write_bytes(sheets.utf8_bom_csv(rows, headers=sheets.HEADERS[:7]))
    report = tmp_path / "report.xlsx"
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"no valid row in bad\.csv: all 2 rows were rejected"):
        call_command("import", str(source), "--department", "民政", "--report", str(report),
                     stdout=out, stderr=io.StringIO())
    assert "row 2 机构名称 name_missing" in out.getvalue()
    assert "row 3 纬度 coordinates_out_of_range" in out.getvalue()
    assert "rows=2 valid=0" in out.getvalue()
    assert report.read_bytes()[:2] == b"PK"
    assert ImportRun.objects.get().counts["rejected"] == 2


def _header_only_xlsx() -> bytes:
    """An xlsx with a title row, a header row and below it only a row of blank cells."""
    return sheets.xlsx([["深圳市民政局服务点名单"], sheets.HEADERS, [" ", None, "  "]])


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize(("name", "content"), [
    ("empty.csv", lambda: sheets.utf8_bom_csv([])),
    ("empty.xlsx", _header_only_xlsx),
], ids=["csv", "xlsx"])
def test_import_command_fails_on_sheet_without_rows(tmp_path, dry_run, name, content):
    source = tmp_path / name
    source.write_bytes(content())
    out = io.StringIO()
    options = ["--dry-run"] if dry_run else []
    with translation.override("zh-hans"), pytest.raises(
            CommandError, match=rf"{name} 只有表头，没有数据行。请在表头下方填写数据，然后重新导入。"):
        call_command("import", str(source), "--department", "民政", *options, stdout=out,
                     stderr=io.StringIO())
    assert "rows=0 valid=0" in out.getvalue()
    assert ImportRun.objects.get().dry_run == dry_run


def test_import_command_succeeds_with_one_valid_row(tmp_path):
    rows = [list(sheets.CLEAN[0]), ["B-1", "", "儿童之家", "深圳市福田区莲花街道"]]
    source = tmp_path / "mixed.csv"
    source.write_bytes(sheets.utf8_bom_csv(rows))
    out = io.StringIO()
    call_command("import", str(source), "--department", "民政", stdout=out, stderr=io.StringIO())
    assert "rows=2 valid=1" in out.getvalue()
