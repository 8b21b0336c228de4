"""The report of an import run as an xlsx workbook: counts, then one line per finding."""

import io

import openpyxl
from django.utils import translation
from django.utils.translation import gettext_lazy as _

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


def labelled_counts(counts: dict) -> list[tuple[str, int]]:
    """Return (label, number) pairs of a run's counts, keeping a key without a label as is."""
    return [(str(COUNT_LABELS.get(key, key)), value) for key, value in counts.items()]


def report_xlsx(run: ImportRun) -> bytes:
    # The workbook's sheet names and headers are Chinese, so its labels are too.
    with translation.override("zh-hans"):
        return _build_workbook(run)


def _build_workbook(run: ImportRun) -> bytes:
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "汇总"
    summary.append(["文件", run.filename])
    summary.append(["部门", run.department.short_name])
    summary.append(["试运行", "是" if run.dry_run else "否"])
    for label, value in labelled_counts(run.counts):
        summary.append([label, value])
    sheet = book.create_sheet("问题")
    sheet.append(["行号", "列", "值", "代码", "级别", "说明", "Reason"])
    for f in run.findings:
        level = str(LEVEL_LABELS.get(f["level"], f["level"]))
        sheet.append([f["row"], f["column"], f["value"], f["code"], level,
                      f["message_zh"], f["message_en"]])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
