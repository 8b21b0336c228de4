"""Messy department sheets for the import tests, written in code so every byte is visible."""

import csv
import io

import openpyxl

CREDIT_OK = "91440300708461136T"
CREDIT_OK_2 = "52440300MJL1783834"
CREDIT_BAD = "91440300708461136A"

HEADERS = ["编号", "机构名称", "类别", "地址", "联系电话", "经度", "纬度", "服务时间", "服务对象",
           "服务内容", "统一社会信用代码"]

# Clean rows inside the districts their addresses name (WGS-84).
CLEAN = [
    ["MZ-001", "莲花街道测试儿童之家", "儿童之家", "深圳市福田区莲花街道福中路1号",
     "0755-8888 1234 转 123", "114.0469", "22.5522",
     "周一至周五 9:00-12:00，14:00-17:30；节假日休息", "社区儿童、留守儿童", "亲子关系促进", CREDIT_OK],
    ["MZ-002", "南头街道测试社工站", "社会工作服务站点", "深圳市南山区南头街道南头路2号",
     "13800138000", "113.9479", "22.5525", "24小时", "困境儿童", "心理服务网络搭建", CREDIT_OK],
    ["MZ-003", "光明街道测试儿童之家", "儿童之家", "深圳市光明新区光明街道光明路3号",
     "12355", "113.9312", "22.7646", "周二至周日 9:00-17:00", "社区儿童", "", CREDIT_OK_2],
]


# 是否免费 cells of the GBK sheet's rows: free, charged, partly charged, not stated.
GBK_FEES = ["是", "否", "部分收费", "", "", "是"]


def gbk_csv() -> bytes:
    """A GBK CSV with bad phones, unparseable hours, a bad credit code and a repeated row.

    Its last column, 是否免费, states a fee for some rows and leaves others empty.
    """
    rows = [*CLEAN]
    rows.append(["MZ-004", "桂园街道测试服务站", "社会工作服务站点", "深圳市罗湖区桂园街道红岭路4号",
                 "0755-123；8888 5678", "114.1383", "22.5753", "请提前电话预约", "社区儿童", "", CREDIT_BAD])
    rows.append(["MZ-005", "", "儿童之家", "深圳市罗湖区桂园街道", "0755-88881234",
                 "114.1383", "22.5753", "", "", "", ""])
    rows.append(list(CLEAN[0]))  # the first row again
    rows = [[*HEADERS, "是否免费"], *([*row, fee] for row, fee in zip(rows, GBK_FEES, strict=True))]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("gbk")


def utf8_bom_csv(rows, headers=HEADERS) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def xlsx(rows) -> bytes:
    """Return an xlsx workbook whose first sheet has these rows, from row 1."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def merged_header_xlsx() -> bytes:
    """An xlsx with a merged title row and a two-row header merged across columns.

    Row 1: title over A1:F1. Row 2: 基本信息 over A2:C2, 坐标 over D2:E2, 联系电话 over F2:F3.
    Row 3: 编号, 机构名称, 地址, 经度, 纬度. Data from row 4: a phone stored as a number that lost
    its leading 0, and a verification date stored as an Excel serial number.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "深圳市教育局特殊教育资源点名单（2026年）"
    sheet.merge_cells("A1:G1")
    sheet["A2"], sheet["D2"], sheet["F2"], sheet["G2"] = "基本信息", "坐标", "联系电话", "核实日期"
    sheet.merge_cells("A2:C2")
    sheet.merge_cells("D2:E2")
    sheet.merge_cells("F2:F3")
    sheet.merge_cells("G2:G3")
    for col, text in zip("ABCDE", ["编号", "机构名称", "地址", "经度", "纬度"], strict=True):
        sheet[f"{col}3"] = text
    sheet.append(["JY-01", "梅林街道测试特教资源中心", "深圳市福田区梅林街道梅林路5号",
                  114.0500, 22.5700, 75588776655, 46000])
    sheet.append(["JY-02", "蛇口街道测试特教资源中心", "深圳市南山区蛇口街道工业路6号",
                  113.9150, 22.4900, "0755-2666 7777", "2026-03-01"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
