"""The report of an import run as an xlsx workbook: counts, then one line per finding."""

import io

import openpyxl
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .models import ImportRun

# Names of the counts in ImportRun.counts (set by pipeline.run_import), for screens and reports.
COUNT_LABELS = {
    "rows": _("Rows"),
    "valid": _("Valid rows"),
    "created": _("Records created"),
    "updated": _("Records updated"),
    "unchanged": _("Rows unchanged"),
    "rejected": _("Rows rejected"),
    "duplicates": _("Rows held as duplicates"),
    "warnings": _("Warnings"),
}
# Names of the finding levels in findings.REASONS.
LEVEL_LABELS = {
    "error": _("Error"),
    "warning": _("Warning"),
}


def no_data_rows_message(filename: str) -> str:
    """Return the error that `caremap import` and the upload page show for a sheet without rows."""
    return gettext("%(file)s has a header row but no data rows. Fill in rows below the header "
                   "and import the file again.") % {"file": filename}


def labelled_counts(counts: dict) -> list[tuple[str, int]]:
    """Return (label, number) pairs of a run's counts, keeping a key without a label as is."""
    return [(str(COUNT_LABELS.get(key, key)), value) for key, value in counts.items()]


def report_xlsx(run: ImportRun) -> bytes:
    # The workbook's sheet names and headers are Chinese, so its labels are too.
    with translation.override("zh-hans"):
        return _build_workbook(run)


def _text(value):
    """Return a cell value without the control characters a worksheet cannot store."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _append_text_row(sheet, values: list) -> None:
    """Append a row whose strings stay text: a sheet's "=..." cell must not become a formula."""
    sheet.append([_text(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def _build_workbook(run: ImportRun) -> bytes:
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "汇总"
    _append_text_row(summary, ["文件", run.filename])
    summary.append(["部门", run.department.short_name])
    summary.append(["试运行", "是" if run.dry_run else "否"])
    for label, value in labelled_counts(run.counts):
        summary.append([label, value])
    sheet = book.create_sheet("问题")
    sheet.append(["行号", "列", "值", "代码", "级别", "说明", "Reason"])
    for f in run.findings:
        level = str(LEVEL_LABELS.get(f["level"], f["level"]))
        _append_text_row(sheet, [f["row"], f["column"], f["value"], f["code"], level,
                                 f["message_zh"], f["message_en"]])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
