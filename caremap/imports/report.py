"""The report of an import run as an xlsx workbook: counts, then one line per finding."""

import io

import openpyxl

from .models import ImportRun


def report_xlsx(run: ImportRun) -> bytes:
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "汇总"
    summary.append(["文件", run.filename])
    summary.append(["部门", run.department.short_name])
    summary.append(["试运行", "是" if run.dry_run else "否"])
    for key, value in run.counts.items():
        summary.append([key, value])
    sheet = book.create_sheet("问题")
    sheet.append(["行号", "列", "值", "代码", "级别", "说明", "Reason"])
    for f in run.findings:
        sheet.append([f["row"], f["column"], f["value"], f["code"], f["level"],
                      f["message_zh"], f["message_en"]])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
