"""Map a sheet's column headers to import fields: the department's saved mapping, then defaults."""

import re
import unicodedata

# Import fields. `lnglat` is a single "lng,lat" cell.
FIELDS = (
    "source_id", "name", "organization", "credit_code", "department", "category", "address",
    "district", "street", "community", "phone", "longitude", "latitude", "lnglat", "hours",
    "target_groups", "services", "email", "description", "min_age", "max_age", "is_free",
    "last_verified", "verified_by", "verification_outcome",
)

# Headers seen in department sheets, after `clean_header`.
DEFAULT_HEADERS = {
    "编号": "source_id", "机构编号": "source_id", "点位编号": "source_id", "站点编号": "source_id",
    "id": "source_id", "source_id": "source_id",
    "名称": "name", "机构名称": "name", "服务点名称": "name", "站点名称": "name",
    "阵地名称": "name", "单位名称": "name",
    "运营机构": "organization", "所属机构": "organization", "承接机构": "organization",
    "主办单位": "organization",
    "统一社会信用代码": "credit_code", "信用代码": "credit_code",
    "部门": "department", "所属部门": "department",
    "类别": "category", "类型": "category", "服务点类别": "category",
    "地址": "address", "详细地址": "address", "服务地址": "address",
    "所属区": "district", "行政区": "district", "区": "district",
    "所属街道": "street", "街道": "street",
    "所属社区": "community", "社区": "community",
    "联系电话": "phone", "电话": "phone", "咨询电话": "phone", "服务热线": "phone",
    "经度": "longitude", "纬度": "latitude", "经纬度": "lnglat", "坐标": "lnglat",
    "服务时间": "hours", "开放时间": "hours", "办公时间": "hours",
    "服务对象": "target_groups", "服务内容": "services",
    "邮箱": "email", "电子邮箱": "email",
    "简介": "description", "机构简介": "description",
    "最小年龄": "min_age", "最大年龄": "max_age",
    "是否免费": "is_free", "免费": "is_free", "收费情况": "is_free", "是否收费": "is_free",
    "收费": "is_free",
    "核实日期": "last_verified", "核实人": "verified_by", "核实结果": "verification_outcome",
}

_BRACKETED = re.compile(r"[(\[【（].*?[)\]】）]")


def clean_header(text: str) -> str:
    """Return a header without spaces, marks such as * and bracketed notes like （必填）."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = _BRACKETED.sub("", text)
    return re.sub(r"[\s*:：]", "", text).lower()


def field_for(header: str, saved: dict[str, str] | None = None) -> str | None:
    cleaned = clean_header(header)
    if saved:
        for written, field in saved.items():
            if clean_header(written) == cleaned and field in FIELDS:
                return field
    return DEFAULT_HEADERS.get(cleaned)


def export_headers() -> dict[str, str]:
    """Return {field: header} for exports: the first default header of each field."""
    headers: dict[str, str] = {}
    for header, field in DEFAULT_HEADERS.items():
        headers.setdefault(field, header)
    headers["source_id"] = "编号"
    return headers
