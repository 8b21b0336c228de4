"""Reason codes of import findings, with their level and Chinese and English text.

An "error" rejects the row; a "warning" keeps the row and flags the value.
"""

import dataclasses

ERROR = "error"
WARNING = "warning"

REASONS = {
    "name_missing": (ERROR, "缺少名称", "name is missing"),
    "category_unknown": (ERROR, "类别不在词表中，且该部门没有默认类别",
                         "category not in the vocabulary and the department has no default"),
    "coordinates_invalid": (ERROR, "坐标不是有效的数字", "coordinates are not valid numbers"),
    "coordinates_out_of_range": (ERROR, "坐标超出有效范围（纬度 -90 到 90，经度 -180 到 180）",
                                 "coordinates out of range (latitude -90 to 90, "
                                 "longitude -180 to 180)"),
    "coordinates_outside_city": (ERROR, "坐标不在本市范围内", "coordinates lie outside the city"),
    "duplicate_row": (ERROR, "与本文件中前面的一行重复", "repeats an earlier row of this file"),
    "department_unknown": (ERROR, "部门名称无法识别", "department not recognised"),
    "district_outside_scope": (ERROR, "该行所在区不在您的管辖范围内",
                               "the row's district is outside your scope"),
    "department_outside_scope": (ERROR, "该行所属部门不在您的权限范围内",
                                 "the row's department is outside your scope"),
    "value_too_long": (ERROR, "内容超过该列允许的最大长度", "value longer than the column allows"),
    "column_unmapped": (WARNING, "无法识别该列的表头，整列未导入",
                        "column header not recognised; the column was not imported"),
    "column_repeated": (WARNING, "前面已有一列提供同一字段，本列未导入",
                        "an earlier column gives the same field; this column was not imported"),
    "column_unnamed": (WARNING, "该列有内容但没有表头，整列未导入（值为该列第一个非空单元格）",
                       "the column has values but no header; the column was not imported "
                       "(the value is its first non-empty cell)"),
    "control_characters_removed": (WARNING, "单元格中不可见的控制字符已删除，值为删除后的内容",
                                   "invisible control characters were removed from the cell; "
                                   "the value is the cleaned text"),
    "department_differs": (WARNING,
                           "该行写明的部门（≠ 左侧）与导入所选部门（≠ 右侧）不同，该行按其写明的部门处理",
                           "the row names a department (left of ≠) other than the one chosen for "
                           "the import (right of ≠); the row is treated as that department's"),
    "coordinates_swapped": (WARNING, "经纬度填反，已交换", "latitude and longitude swapped; corrected"),
    "coordinates_missing": (WARNING, "缺少坐标", "coordinates are missing"),
    "coordinates_outside_district": (WARNING, "坐标距地址所在区超过 1 公里",
                                     "coordinates more than 1 km outside the address's district"),
    "address_unmatched": (WARNING, "地址无法对应到区", "address matches no district"),
    "address_old_name": (WARNING, "地址使用旧区名，已对应到现行区划",
                         "address uses an old district name; matched to the current one"),
    "address_district_mismatch": (WARNING, "地址中的区与街道不一致，按街道确定",
                                  "district and street in the address disagree; street used"),
    "phone_invalid": (WARNING, "电话号码无效，未导入", "invalid phone number; not imported"),
    "phone_no_area_code": (WARNING, "电话缺少区号，已补本地区号",
                           "phone number lacks an area code; the local one was added"),
    "phone_leading_zero": (WARNING, "电话区号前的 0 丢失，已补回",
                           "the phone number lost its leading 0; restored"),
    "hours_unparseable": (WARNING, "服务时间无法解析，原文保留",
                          "opening hours not understood; text kept as written"),
    "credit_code_invalid": (WARNING, "统一社会信用代码校验位错误，未导入",
                            "unified social credit code fails its check digit; not imported"),
    "target_group_unknown": (WARNING, "服务对象不在词表中", "target group not in the vocabulary"),
    "service_unknown": (WARNING, "服务内容不在词表中", "service content not in the vocabulary"),
    "date_invalid": (WARNING, "日期无法识别", "date not recognised"),
    "age_invalid": (WARNING, "年龄应为 0 到 17 的整数", "age should be a whole number 0 to 17"),
    "fee_unknown": (WARNING, "是否免费无法识别，按未说明导入",
                    "whether it is free not recognised; imported as not stated"),
    "outcome_unknown": (WARNING, "核实结果无法识别", "verification outcome not recognised"),
    "duplicate_across_departments": (WARNING, "其他部门已有同一服务点，待合并",
                                     "another department already lists this place; held for merge"),
}


@dataclasses.dataclass(frozen=True)
class Finding:
    row: int
    column: str
    value: str
    code: str

    @property
    def level(self) -> str:
        return REASONS[self.code][0]

    def as_dict(self) -> dict:
        level, zh, en = REASONS[self.code]
        return {"row": self.row, "column": self.column, "value": self.value, "code": self.code,
                "level": level, "message_zh": zh, "message_en": en}
