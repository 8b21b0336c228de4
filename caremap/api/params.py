"""Read and check the points API's query parameters into a `PointQuery`.

Every parameter arrives as text and is checked here, so a bad value becomes a 400 in the API's
error shape with a Chinese and an English message, never a 422 or a 500.
"""

import math

from django.http import QueryDict

from caremap.geo import crs as crs_module
from caremap.search.query import PointQuery

from .errors import ApiError, invalid

MAX_PAGE_SIZE = 100
MAX_RADIUS_M = 50_000
MAX_QUERY_LENGTH = 100
KNOWN = {
    "q", "category", "department", "district", "street", "community", "target_group", "service",
    "age", "free", "open_now", "near", "radius", "bbox", "crs", "page", "page_size", "zoom",
    "lang", "format", "facets", "rank",
}


def _one(params: QueryDict, name: str) -> str:
    values = params.getlist(name)
    if len(values) > 1:
        raise invalid(name, ",".join(values), "只能给出一次", "give it once")
    return values[0].strip() if values else ""


def _list(params: QueryDict, name: str) -> list[str]:
    """Read a parameter that may repeat or hold comma-separated values."""
    items = []
    for value in params.getlist(name):
        items.extend(v.strip() for v in value.split(",") if v.strip())
    for item in items:
        if len(item) > 64 or not all(c.isalnum() or c in "-_" for c in item):
            raise invalid(name, item, "应为代码", "expected a code")
    return items


def _int(params, name, low, high) -> int | None:
    text = _one(params, name)
    if not text:
        return None
    try:
        if not (text.isascii() and text.lstrip("-").isdigit()):
            raise ValueError(text)
        value = int(text)
    except ValueError:
        raise invalid(name, text, f"应为 {low} 到 {high} 之间的整数",
                      f"expected a whole number from {low} to {high}") from None
    if not low <= value <= high:
        raise invalid(name, text, f"应为 {low} 到 {high} 之间的整数",
                      f"expected a whole number from {low} to {high}")
    return value


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _age(params: QueryDict) -> tuple[int, int] | None:
    """Read `age` as years ("7") or a band ("6-11"); return the (low, high) range."""
    text = _one(params, "age")
    if not text:
        return None
    low_text, dash, high_text = text.partition("-")
    try:
        if not _ascii_digits(low_text) or (dash and not _ascii_digits(high_text)):
            raise ValueError(text)
        low = int(low_text)
        high = int(high_text) if dash else low
    except ValueError:
        raise invalid("age", text, "应为 0 到 17 的整数或“6-11”这样的区间",
                      "expected a whole number from 0 to 17, or a band such as '6-11'") from None
    if not 0 <= low <= high <= 17:
        raise invalid("age", text, "应为 0 到 17 的整数或“6-11”这样的区间",
                      "expected a whole number from 0 to 17, or a band such as '6-11'")
    return low, high


def _float(name: str, text: str) -> float:
    try:
        # float() also reads full-width and other Unicode digits, and "1_0"; accept plain ASCII.
        if not text.isascii() or "_" in text:
            raise ValueError(text)
        value = float(text)
    except ValueError:
        raise invalid(name, text, "应为数字", "expected a number") from None
    if not math.isfinite(value):
        raise invalid(name, text, "应为有限的数字", "expected a finite number")
    return value


def _bool(params, name) -> bool | None:
    text = _one(params, name).lower()
    if not text:
        return None
    if text in ("1", "true", "yes"):
        return True
    if text in ("0", "false", "no"):
        return False
    raise invalid(name, text, "应为 true 或 false", "expected true or false")


def _division_code(params, name: str) -> str:
    """Read a district, street or community as its code, or as its name (福田区) when unique."""
    text = _one(params, name)
    if not text:
        return text
    if len(text) <= 12 and text.isascii() and text.isalnum():
        return text
    return _division_code_by_name(name, text)


def _division_code_by_name(level: str, text: str) -> str:
    from caremap.regions.models import Division

    codes = list(Division.objects.public().filter(level=level, name=text)
                 .values_list("code", flat=True)[:2])
    if len(codes) == 1:
        return codes[0]
    if codes:
        raise invalid(level, text, "有多个同名区划，请改用行政区划代码",
                      "several divisions have this name: use the division code")
    raise invalid(level, text, "应为行政区划代码或本市区划的名称",
                  "expected a division code or the name of one of the city's divisions")


def _department_codes(values: list[str]) -> list[str]:
    """Accept a department's code or its Chinese short name (民政, 教育 ...)."""
    from caremap.directory.models import Department

    by_name = dict(Department.objects.values_list("short_name", "code"))
    return [by_name.get(v, v) for v in values]


def parse_crs(params: QueryDict) -> str:
    text = _one(params, "crs").lower() or crs_module.WGS84
    if text not in crs_module.SYSTEMS:
        raise invalid("crs", text, "应为 wgs84、gcj02 或 bd09", "expected wgs84, gcj02 or bd09")
    return text


def parse_near(params: QueryDict, system: str) -> tuple[float, float] | None:
    text = _one(params, "near")
    if not text:
        return None
    parts = text.split(",")
    if len(parts) != 2:
        raise invalid("near", text, "应为“纬度,经度”", "expected 'lat,lng'")
    lat, lng = (_float("near", p) for p in parts)
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise invalid("near", text, "纬度应在 ±90 内、经度应在 ±180 内",
                      "expected latitude within ±90 and longitude within ±180")
    return crs_module.to_wgs84(lat, lng, system)


def parse_bbox(params: QueryDict, system: str) -> tuple[float, float, float, float] | None:
    text = _one(params, "bbox")
    if not text:
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise invalid("bbox", text, "应为“西,南,东,北”", "expected 'west,south,east,north'")
    west, south, east, north = (_float("bbox", p) for p in parts)
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise invalid("bbox", text, "应满足 西<东、南<北 且在经纬度范围内",
                      "expected west < east and south < north, within longitude and latitude range")
    south, west = crs_module.to_wgs84(south, west, system)
    north, east = crs_module.to_wgs84(north, east, system)
    return west, south, east, north


def parse_point_query(params: QueryDict) -> PointQuery:
    unknown = sorted(set(params) - KNOWN)
    if unknown:
        raise ApiError("unknown_parameter", f"未知参数：{', '.join(unknown)}",
                       f"Unknown parameter: {', '.join(unknown)}", unknown[0])
    q = _one(params, "q")
    if len(q) > MAX_QUERY_LENGTH:
        raise invalid("q", q, f"不能超过 {MAX_QUERY_LENGTH} 个字符",
                      f"at most {MAX_QUERY_LENGTH} characters")
    system = parse_crs(params)
    near = parse_near(params, system)
    radius = _int(params, "radius", 1, MAX_RADIUS_M)
    if radius is not None and near is None:
        raise invalid("radius", str(radius), "需要同时给出 near", "requires near")
    return PointQuery(
        q=q,
        category=_list(params, "category"),
        department=_department_codes(_list(params, "department")),
        district=_division_code(params, "district"),
        street=_division_code(params, "street"),
        community=_division_code(params, "community"),
        target_group=_list(params, "target_group"),
        service=_list(params, "service"),
        age=_age(params),
        free=_bool(params, "free"),
        open_now=_bool(params, "open_now"),
        near=near,
        radius=radius,
        bbox=parse_bbox(params, system),
        page=_int(params, "page", 1, 10_000) or 1,
        page_size=_int(params, "page_size", 1, MAX_PAGE_SIZE) or 20,
        ranked=_bool(params, "rank") is not False,
    )
