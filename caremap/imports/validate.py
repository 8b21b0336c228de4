"""Turn one sheet row into a clean record (the payload `pipeline.apply_row` writes) and findings."""

import datetime
import hashlib
import re
import unicodedata

from caremap.directory.hours import UnparseableHours, parse_hours
from caremap.directory.models import Department, Location, Organization, Phone, TaxonomyTerm
from caremap.directory.taxonomies import CATEGORY, SERVICE_CONTENT, TARGET_GROUP
from caremap.geo import crs as crs_module
from caremap.search.normalize import normalize

from . import places
from .credit_code import is_valid_credit_code
from .findings import ERROR, Finding
from .mapping import export_headers, field_for
from .phones import normalise_phones

HEADERS = export_headers()
EXCEL_EPOCH = datetime.date(1899, 12, 30)
_LIST_SPLIT = re.compile(r"[、,，;；/\s]+")
OUTCOMES = {
    "verified": "verified", "已核实": "verified", "核实": "verified", "正常": "verified",
    "partly_verified": "partly_verified", "部分核实": "partly_verified",
    "unreachable": "unreachable", "无法联系": "unreachable", "联系不上": "unreachable",
    "closed": "closed", "已关闭": "closed", "关闭": "closed",
}
# Fee cells whose meaning does not depend on the column header.
FEE_WORDS = {
    "免费": True, "全免": True, "全部免费": True, "不收费": True, "无偿": True,
    "收费": False, "部分收费": False, "有偿": False, "需收费": False,
}
# A bare yes or no means free or charged according to the header (是否免费 or 是否收费).
YES_NO = {"是": True, "否": False, "yes": True, "no": False, "y": True, "n": False}


# Payload fields stored in length-limited columns: (sheet field named in a finding, column).
# PostgreSQL rejects a longer value and would fail the whole import, so the row is rejected.
_LIMITED_COLUMNS = {
    "name": ("name", Location._meta.get_field("name")),
    "address": ("address", Location._meta.get_field("address")),
    "hours_text": ("hours", Location._meta.get_field("hours_text")),
    "email": ("email", Location._meta.get_field("email")),
    "verified_by": ("verified_by", Location._meta.get_field("verified_by")),
    "source_id": ("source_id", Location._meta.get_field("source_id")),
    "organization": ("organization", Organization._meta.get_field("name")),
}
_PHONE_LIMITS = [Phone._meta.get_field(name).max_length
                 for name in ("number", "tel", "extension")]


def match_key(name: str, address: str) -> str:
    """Return the stand-in source id of a row without one: a digest of name and address."""
    text = f"{normalize(name).replace(' ', '')}|{normalize(address).replace(' ', '')}"
    return "nk:" + hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]


def parse_date(text: str) -> datetime.date | None:
    text = unicodedata.normalize("NFKC", text).strip()
    if re.fullmatch(r"\d{5}(?:\.0+)?", text):
        # An Excel date serial: days since 1899-12-30 (Excel's 1900 leap-year bug included).
        return EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        return None
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _terms_by_name(taxonomy: str) -> dict[str, str]:
    by_name = {}
    for code, name in TaxonomyTerm.objects.filter(taxonomy__code=taxonomy).values_list("code", "name"):
        by_name[name] = code
        by_name[code] = code
    return by_name


class RowValidator:
    """Check and normalise rows of one sheet; loads vocabularies and divisions once."""

    def __init__(self, department: Department, headers: list[str], source_crs: str,
                 saved_columns: dict | None = None, defaults: dict | None = None,
                 area_code: str = "0755") -> None:
        self.department = department
        self.headers = headers
        self.source_crs = source_crs
        self.defaults = defaults or {}
        self.area_code = area_code
        # {field: (column index, header text)}; the first column of a field wins.
        self.columns: dict[str, tuple[int, str]] = {}
        # {header: reason code} of non-empty headers whose column is not read, in sheet order.
        self.unread: dict[str, str] = {}
        for index, header in enumerate(headers):
            field = field_for(header, saved_columns)
            if field and field not in self.columns:
                self.columns[field] = (index, header)
            elif header.strip():
                self.unread.setdefault(header, "column_repeated" if field else "column_unmapped")
        self.categories = _terms_by_name(CATEGORY)
        self.groups = _terms_by_name(TARGET_GROUP)
        self.contents = _terms_by_name(SERVICE_CONTENT)
        self.departments = {}
        for d in Department.objects.all():
            self.departments[d.code] = d.code
            self.departments[d.short_name] = d.code
            self.departments[d.name] = d.code
        self.matcher = places.AddressMatcher()

    def column_findings(self, header_row: int) -> list[Finding]:
        """Return one warning for each header whose column the import does not read."""
        return [Finding(header_row, header, "", code) for header, code in self.unread.items()]

    def _get(self, cells: list[str], field: str) -> tuple[str, str]:
        """Return (value, header) of a field in a row; ("", "") when the sheet lacks it."""
        if field not in self.columns:
            return "", ""
        index, header = self.columns[field]
        return (cells[index].strip() if index < len(cells) else ""), header

    def clean(self, row: int, cells: list[str]) -> tuple[dict | None, list[Finding]]:
        """Return a row's payload (None when an error rejects the row) and its findings.

        `cells` are as readers.read_table returns them, without control characters.
        """
        findings: list[Finding] = []

        def flag(field: str, value: str, code: str) -> None:
            # A field the sheet lacks is named by its default header.
            header = self.columns[field][1] if field in self.columns else HEADERS[field]
            findings.append(Finding(row, header, value, code))

        name, _ = self._get(cells, "name")
        name = unicodedata.normalize("NFKC", name).strip()
        if not name:
            flag("name", "", "name_missing")
        address, _ = self._get(cells, "address")
        payload: dict = {"name": name, "address": address}

        payload["department"] = self.department.code
        department_text, _ = self._get(cells, "department")
        if department_text:
            if department_text not in self.departments:
                flag("department", department_text, "department_unknown")
            else:
                payload["department"] = self.departments[department_text]
                if payload["department"] != self.department.code:
                    # The row keeps the department it names, and the report names both.
                    flag("department", f"{department_text} ≠ {self.department.short_name}",
                         "department_differs")

        category_text, _ = self._get(cells, "category")
        category = self.categories.get(category_text) or self.categories.get(
            self.defaults.get("category", "")
        )
        if category is None:
            flag("category", category_text, "category_unknown")
        payload["category"] = category

        self._clean_place(cells, payload, flag)
        self._clean_contact(cells, payload, flag)
        self._clean_hours(cells, payload, flag)
        self._clean_vocabularies(cells, payload, flag)
        self._clean_verification(cells, payload, flag)
        self._clean_fee(cells, payload, flag)

        organization, _ = self._get(cells, "organization")
        payload["organization"] = organization or name
        credit, _ = self._get(cells, "credit_code")
        credit = unicodedata.normalize("NFKC", credit).strip().upper()
        if credit and not is_valid_credit_code(credit):
            flag("credit_code", credit, "credit_code_invalid")
            credit = ""
        payload["credit_code"] = credit
        payload["description"], _ = self._get(cells, "description")

        source_id, _ = self._get(cells, "source_id")
        payload["source_id"] = source_id or match_key(name, address)
        self._check_lengths(payload, flag)

        if any(f.level == ERROR for f in findings):
            return None, findings
        return payload, findings

    @staticmethod
    def _check_lengths(payload, flag) -> None:
        for key, (field, column) in _LIMITED_COLUMNS.items():
            value = payload[key]
            if key == "organization" and value == payload["name"]:
                continue  # An organization named after its point would repeat the finding.
            if len(value) > column.max_length:
                flag(field, f"{value[:column.max_length]}…", "value_too_long")
        for phone in payload["phones"]:
            if any(len(part) > limit for part, limit in zip(phone, _PHONE_LIMITS, strict=True)):
                flag("phone", phone[0], "value_too_long")

    def _clean_place(self, cells, payload, flag) -> None:
        street, _ = self._get(cells, "street")
        community, _ = self._get(cells, "community")
        district, _ = self._get(cells, "district")
        match = self.matcher.match(payload["address"], street, community, district)
        for code in match.problems:
            flag("address", payload["address"], code)
        payload["district"] = match.district.code if match.district else None
        payload["street"] = match.street.code if match.street else None
        payload["community"] = match.community.code if match.community else None

        lat_text, _ = self._get(cells, "latitude")
        lng_text, _ = self._get(cells, "longitude")
        pair_text, _ = self._get(cells, "lnglat")
        coordinate_field = "latitude"
        if pair_text and not (lat_text or lng_text):
            coordinate_field = "lnglat"
            pair = places.split_pair(pair_text)
            lng_text, lat_text = pair if pair else (pair_text, "")
        payload.update(latitude=None, longitude=None, source_crs=self.source_crs)
        raw = f"{lat_text},{lng_text}" if coordinate_field == "latitude" else pair_text
        if not lat_text and not lng_text:
            flag(coordinate_field, "", "coordinates_missing")
            return

        lat, lng = places.parse_degrees(lat_text), places.parse_degrees(lng_text)
        if lat is None or lng is None:
            flag(coordinate_field, raw, "coordinates_invalid")
            return
        if not (places.in_degree_range(lat, lng) or places.in_degree_range(lng, lat)):
            # Numbers, but no position on Earth in either order.
            flag(coordinate_field, raw, "coordinates_out_of_range")
            return
        if not places.in_city_bounds(lat, lng) and places.in_city_bounds(lng, lat):
            flag(coordinate_field, raw, "coordinates_swapped")
            lat, lng = lng, lat
        lat, lng = crs_module.to_wgs84(lat, lng, self.source_crs)

        # Inside the named district (the common case) implies inside the city: one test.
        if match.district is None or places.outside_district_m(match.district, lat, lng) > 0:
            if not places.in_city(lat, lng):
                # The row is rejected; a district check would only repeat the problem.
                flag(coordinate_field, raw, "coordinates_outside_city")
                return
            if match.district is not None and places.outside_district_m(
                    match.district, lat, lng) > places.DISTANCE_TOLERANCE_M:
                flag(coordinate_field, raw, "coordinates_outside_district")
        payload["latitude"], payload["longitude"] = round(lat, 7), round(lng, 7)

    def _clean_contact(self, cells, payload, flag) -> None:
        phone_text, _ = self._get(cells, "phone")
        result = normalise_phones(phone_text, self.area_code)
        for code, part in result.problems:
            flag("phone", part, code)
        payload["phones"] = [[p.number, p.tel, p.extension] for p in result.phones]
        email, _ = self._get(cells, "email")
        payload["email"] = email if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) else ""

    def _clean_hours(self, cells, payload, flag) -> None:
        text, _ = self._get(cells, "hours")
        payload["hours_text"] = text
        payload["schedule"] = None
        if not text:
            return
        try:
            payload["schedule"] = parse_hours(text)
        except UnparseableHours:
            flag("hours", text, "hours_unparseable")

    def _clean_vocabularies(self, cells, payload, flag) -> None:
        for field, vocabulary, code in (("target_groups", self.groups, "target_group_unknown"),
                                        ("services", self.contents, "service_unknown")):
            text, _ = self._get(cells, field)
            found = []
            for item in _LIST_SPLIT.split(text):
                if not item:
                    continue
                if item in vocabulary:
                    if vocabulary[item] not in found:
                        found.append(vocabulary[item])
                else:
                    flag(field, item, code)
            payload[field] = sorted(found)
        for field in ("min_age", "max_age"):
            text, _ = self._get(cells, field)
            payload[field] = None
            if text:
                if text.isdigit() and int(text) <= 17:
                    payload[field] = int(text)
                else:
                    flag(field, text, "age_invalid")

    def _clean_verification(self, cells, payload, flag) -> None:
        text, _ = self._get(cells, "last_verified")
        payload["last_verified"] = None
        if text:
            date = parse_date(text)
            if date is None:
                flag("last_verified", text, "date_invalid")
            else:
                payload["last_verified"] = date.isoformat()
        payload["verified_by"], _ = self._get(cells, "verified_by")
        outcome, _ = self._get(cells, "verification_outcome")
        payload["verification_outcome"] = OUTCOMES.get(outcome, "")
        if outcome and outcome not in OUTCOMES:
            flag("verification_outcome", outcome, "outcome_unknown")

    def _clean_fee(self, cells, payload, flag) -> None:
        """Set `is_free`: True or False where the row states it, else None (not stated)."""
        text, header = self._get(cells, "is_free")
        payload["is_free"] = None
        value = unicodedata.normalize("NFKC", text).strip().lower()
        if not value:
            return
        if value in FEE_WORDS:
            payload["is_free"] = FEE_WORDS[value]
        elif value in YES_NO:
            # 是 under 是否免费 means free, but under 是否收费 or 收费 it means charges apply.
            asks_charges = "收费" in header and "免费" not in header
            payload["is_free"] = YES_NO[value] != asks_charges
        else:
            flag("is_free", text, "fee_unknown")
