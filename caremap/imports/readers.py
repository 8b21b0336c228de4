"""Read department sheets (xlsx, csv) into header texts and rows of cell texts.

CSV files arrive as UTF-8, UTF-8 with a byte-order mark, or GBK/GB18030 (what Excel writes on a
Chinese Windows). xlsx files may start with title rows and have headers over two rows, merged
across columns; merged cells are filled with their top-left value before headers are read.
Control characters are removed from every cell as it is read, and reading reports each cell it
changed and each column that has values but no header. A CSV cell loses the quote that a CSV
export puts before a value a spreadsheet would read as a formula (see csv_formulas).
"""

import csv
import dataclasses
import datetime
import io
import logging
import re

import openpyxl
from openpyxl.utils import get_column_letter

from .csv_formulas import unescape_formula
from .findings import Finding
from .mapping import field_for

logger = logging.getLogger(__name__)
HEADER_SEARCH_ROWS = 6
# C0 control characters except tab, line feed and carriage return, and DEL. A spreadsheet does
# not show them, PostgreSQL text cannot contain NUL, and openpyxl cannot write the C0 ones to
# the xlsx import report.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An xlsx file stores a character that XML cannot contain as _xHHHH_ (the form
# openpyxl.utils.escape writes), but openpyxl 3.1 reads the escape back as plain text. Escapes
# of C0 characters and DEL are decoded: tab, line feed and carriage return stay in the text,
# and CONTROL_CHARACTERS removes the others.
# NOTE: openpyxl also turns the escaped literal text _x005F_x0007_ into _x0007_, so a cell whose
# text really was "_x0007_" loses it here, with a control_characters_removed warning.
_XLSX_CONTROL_ESCAPE = re.compile(r"_x(00[01][0-9A-Fa-f]|007[Ff])_")


class UnreadableFile(ValueError):
    pass


@dataclasses.dataclass
class Table:
    # One header text per column, from the header row(s).
    headers: list[str]
    # (row number as the spreadsheet shows it, cell texts)
    rows: list[tuple[int, list[str]]]
    encoding: str = ""
    # Row number of the last header row, as the spreadsheet numbers it.
    header_row: int = 1
    # Warnings found while reading: column_unnamed and control_characters_removed.
    findings: list[Finding] = dataclasses.field(default_factory=list)


def column_label(index: int) -> str:
    """Return the name Excel and WPS show for the column at 0-based `index`, such as "G列"."""
    return f"{get_column_letter(index + 1)}列"


def decode_csv(data: bytes) -> tuple[str, str]:
    """Return (text, encoding): UTF-8 (with or without BOM), else GB18030, a superset of GBK."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise UnreadableFile("file is neither UTF-8 nor GBK/GB18030 text") from exc


def _cell_text(value) -> str:
    """Return the text of an xlsx cell value, unstripped and with its control characters."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if "_x" in text:
        text = _XLSX_CONTROL_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)
    return text


def _clean_cells(grid: list[list[str]]) -> set[tuple[int, int]]:
    """Remove control characters from every cell of `grid` and strip it, in place.

    Returns the (row index, column index) of each cell that contained a control character.
    """
    changed = set()
    for r, row in enumerate(grid):
        # One search per row spares the per-cell search in the rows without control characters.
        if CONTROL_CHARACTERS.search("".join(row)) is None:
            row[:] = [text.strip() for text in row]
            continue
        for c, text in enumerate(row):
            cleaned = CONTROL_CHARACTERS.sub("", text)
            if cleaned != text:
                changed.add((r, c))
            row[c] = cleaned.strip()
    return changed


def _header_rows(grid: list[list[str]], saved: dict | None) -> tuple[int, int]:
    """Return (first, last) index of the header rows among the first rows of `grid`."""
    scores = [
        sum(1 for cell in row if cell and field_for(cell, saved))
        for row in grid[:HEADER_SEARCH_ROWS]
    ]
    scoring = [i for i, s in enumerate(scores) if s >= 1]
    strong = [i for i, s in enumerate(scores) if s >= 2]
    if not strong:
        raise UnreadableFile("no header row with known column names in the first rows")
    last = strong[-1]
    first = min(i for i in scoring if i <= last)
    # Only rows adjacent to the last strong row belong to the header.
    while first < last and scores[first] == 0:
        first += 1
    if last - first > 2:
        first = last - 1
    return first, last


def _combine_headers(grid: list[list[str]], first: int, last: int, saved: dict | None) -> list[str]:
    width = max(len(row) for row in grid[first:last + 1])
    headers = []
    for col in range(width):
        texts = [grid[r][col] if col < len(grid[r]) else "" for r in range(last, first - 1, -1)]
        mapped = next((t for t in texts if t and field_for(t, saved)), None)
        headers.append(mapped or next((t for t in texts if t), ""))
    return headers


def _unnamed_column_findings(headers: list[str], rows: list[tuple[int, list[str]]],
                             header_row: int) -> list[Finding]:
    """Return one warning for each column that has a value in some row but no header.

    The finding's value is the column's first value, so the column can be found in the sheet.
    """
    findings = []
    width = max((len(cells) for _, cells in rows), default=0)
    for index in range(width):
        if index < len(headers) and headers[index]:
            continue
        values = [cells[index] for _, cells in rows if index < len(cells) and cells[index]]
        if values:
            findings.append(Finding(header_row, column_label(index), values[0], "column_unnamed"))
    return findings


def _control_character_findings(grid: list[list[str]], changed: set[tuple[int, int]],
                                headers: list[str], first: int, row_offset: int) -> list[Finding]:
    """Return one warning, with the cleaned value, for each cleaned cell from the header on.

    Title rows above the header are not imported, so their cells are not reported.
    """
    findings = []
    for r, c in sorted(changed):
        if r < first:
            continue
        column = headers[c] if c < len(headers) and headers[c] else column_label(c)
        findings.append(Finding(r + row_offset, column, grid[r][c], "control_characters_removed"))
    return findings


def _table_from_grid(grid: list[list[str]], saved: dict | None, changed: set[tuple[int, int]],
                     row_offset: int = 1) -> Table:
    """Find the header in a grid of cleaned cells and return the table below it.

    `changed` contains the (row index, column index) of each cell that had control characters.
    """
    first, last = _header_rows(grid, saved)
    headers = _combine_headers(grid, first, last, saved)
    header_row = last + row_offset
    # A row left empty once its control characters are removed is no data row.
    rows = [
        (index + row_offset, row) for index, row in enumerate(grid)
        if index > last and any(cell for cell in row)
    ]
    findings = [*_unnamed_column_findings(headers, rows, header_row),
                *_control_character_findings(grid, changed, headers, first, row_offset)]
    return Table(headers, rows, header_row=header_row, findings=findings)


def _unescape_formulas(grid: list[list[str]]) -> None:
    """Remove, in place, the quote that a CSV export puts before a formula-like cell.

    Only CSV cells change, because the xlsx export writes text cells without a quote. An xlsx
    cell keeps its leading quote.
    NOTE: an exported value that starts with a tab or carriage return comes back without it,
    because RowValidator strips every cell. Imports and Django forms store no such value.
    """
    for row in grid:
        # One search per row spares the per-cell check in rows without a quote.
        if "'" not in "".join(row):
            continue
        row[:] = [unescape_formula(cell) for cell in row]


def read_csv(data: bytes, saved: dict | None = None) -> Table:
    text, encoding = decode_csv(data)
    grid = list(csv.reader(io.StringIO(text)))
    changed = _clean_cells(grid)
    _unescape_formulas(grid)
    table = _table_from_grid(grid, saved, changed)
    table.encoding = encoding
    return table


def read_xlsx(data: bytes, saved: dict | None = None) -> Table:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a broken file
        raise UnreadableFile(f"not a readable xlsx file: {exc}") from exc
    sheet = book.worksheets[0]
    grid = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    # Cleaned before merged cells are filled, so a merged cell is reported once.
    changed = _clean_cells(grid)
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                grid[r][c] = value
    return _table_from_grid(grid, saved, changed)


def read_table(data: bytes, filename: str, saved: dict | None = None) -> Table:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return read_xlsx(data, saved)
    if name.endswith((".csv", ".txt")):
        return read_csv(data, saved)
    raise UnreadableFile(f"unsupported file type {filename!r}: expected .xlsx or .csv")
