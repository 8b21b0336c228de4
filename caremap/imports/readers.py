"""Read department sheets (xlsx, csv) into header texts and rows of cell texts.

CSV files arrive as UTF-8, UTF-8 with a byte-order mark, or GBK/GB18030 (what Excel writes on a
Chinese Windows). xlsx files may start with title rows and have headers over two rows, merged
across columns; merged cells are filled with their top-left value before headers are read.
"""

import csv
import dataclasses
import datetime
import io
import logging

import openpyxl

from .mapping import field_for

logger = logging.getLogger(__name__)
HEADER_SEARCH_ROWS = 6


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
    return str(value).strip()


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


def _table_from_grid(grid: list[list[str]], saved: dict | None, row_offset: int = 1) -> Table:
    first, last = _header_rows(grid, saved)
    # PostgreSQL text and JSON cannot contain NUL, and a header names unread columns in
    # the stored findings, so NUL is dropped from headers as from cells.
    headers = [h.replace("\x00", "") for h in _combine_headers(grid, first, last, saved)]
    rows = [
        (index + row_offset, row) for index, row in enumerate(grid)
        if index > last and any(cell for cell in row)
    ]
    return Table(headers, rows, header_row=last + row_offset)


def read_csv(data: bytes, saved: dict | None = None) -> Table:
    text, encoding = decode_csv(data)
    grid = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    table = _table_from_grid(grid, saved)
    table.encoding = encoding
    return table


def read_xlsx(data: bytes, saved: dict | None = None) -> Table:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a broken file
        raise UnreadableFile(f"not a readable xlsx file: {exc}") from exc
    sheet = book.worksheets[0]
    grid = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                grid[r][c] = value
    return _table_from_grid(grid, saved)


def read_table(data: bytes, filename: str, saved: dict | None = None) -> Table:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return read_xlsx(data, saved)
    if name.endswith((".csv", ".txt")):
        return read_csv(data, saved)
    raise UnreadableFile(f"unsupported file type {filename!r}: expected .xlsx or .csv")
