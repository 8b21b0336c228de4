import pytest

from caremap.imports.csv_formulas import escape_formula, unescape_formula
from caremap.imports.readers import read_csv, read_xlsx

from . import sheets

# (record value, CSV export cell)
ESCAPED = [
    ("=1+1", "'=1+1"),
    ("+86 755 8888 1234", "'+86 755 8888 1234"),
    ("-12.5", "'-12.5"),
    ("@所有人", "'@所有人"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    # A value that really starts with quotes before a trigger gets one quote more.
    ("'=1+1", "''=1+1"),
    ("''-1", "'''-1"),
]
# Values without a trigger at the start: exported and imported as they are.
UNCHANGED = ["", "莲花街道测试儿童之家", "'s-Hertogenbosch", "'", "''", "0755-88881234",
             "1+1", " =1+1", "a=b", "＝1+1"]


@pytest.mark.parametrize(("value", "cell"), ESCAPED)
def test_escape_formula_adds_quote(value, cell):
    assert escape_formula(value) == cell


@pytest.mark.parametrize(("value", "cell"), ESCAPED)
def test_unescape_formula_removes_quote(value, cell):
    assert unescape_formula(cell) == value


@pytest.mark.parametrize("value", UNCHANGED)
def test_plain_text_not_escaped(value):
    assert escape_formula(value) == value
    assert unescape_formula(value) == value


@pytest.mark.parametrize("value", [value for value, _cell in ESCAPED] + UNCHANGED)
def test_unescape_inverts_escape(value):
    assert unescape_formula(escape_formula(value)) == value


def _name_cells(table):
    column = table.headers.index("机构名称")
    return [cells[column] for _row, cells in table.rows]


def test_read_csv_removes_export_quote():
    rows = [list(sheets.CLEAN[0]) for _ in range(3)]
    rows[0][1] = "'=1+1莲花街道测试儿童之家"
    rows[1][1] = "''+莲花街道测试儿童之家"
    rows[2][1] = "'s 莲花街道测试儿童之家"
    table = read_csv(sheets.utf8_bom_csv(rows))
    assert _name_cells(table) == ["=1+1莲花街道测试儿童之家", "'+莲花街道测试儿童之家",
                                  "'s 莲花街道测试儿童之家"]


def test_read_xlsx_keeps_leading_quote():
    row = list(sheets.CLEAN[0])
    row[1] = "'=1+1莲花街道测试儿童之家"
    table = read_xlsx(sheets.xlsx([sheets.HEADERS, row]))
    assert _name_cells(table) == ["'=1+1莲花街道测试儿童之家"]
