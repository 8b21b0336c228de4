"""Point queries: filters, text match and ranking, distance, bounding box, paging and facets.

One `PointQuery` describes what the user asked for; `run_query` runs it on either database.
Every filter, the exact text check, the ranking score, the distance and the LIMIT are SQL over
the index table (`SearchEntry`, alias `e`), so a query reads only the rows it returns plus what
its indexes point at. `plan.py` chooses how each query uses the indexes. Coordinates here are
WGS-84; the API converts other systems before and after.

Ranking (see docs/architecture.md): the whole query equal to the compact name (+10000), or its
start (+8000); then per term the best of exact name 1000 > name prefix 800 > name contains 600 >
name pinyin or initials 500 > services and target groups 300 > address 100, summed; then
distance when `near` is given (distance first), then the most recently verified, then the id.
"""

import dataclasses
import datetime
import uuid
from collections import Counter

from caremap.directory.schedule import is_open
from caremap.geo.distance import bbox_around

from . import plan as planner
from .normalize import compact, is_cjk, matching_alternatives, normalize, query_terms
from .segment import segmented_terms

# Ranking tiers of a term's best match; a point's score is the sum over the query's terms.
EXACT_NAME = 1000
NAME_PREFIX = 800
NAME_CONTAINS = 600
NAME_PINYIN = 500
SERVICES_OR_GROUPS = 300
ADDRESS = 100
WHOLE_NAME_BONUS = EXACT_NAME * 10
WHOLE_PREFIX_BONUS = NAME_PREFIX * 10

FACETS = ("category", "department", "district", "target_group")
# Counts past these are reported as lower bounds ("2000+"): counting every match of a term
# that most of the country shares would cost more than the whole rest of the query.
COUNT_CAP = 2000
FACET_SAMPLE = 2000


@dataclasses.dataclass
class PointQuery:
    q: str = ""
    category: list[str] = dataclasses.field(default_factory=list)
    department: list[str] = dataclasses.field(default_factory=list)
    district: str = ""
    street: str = ""
    community: str = ""
    target_group: list[str] = dataclasses.field(default_factory=list)
    service: list[str] = dataclasses.field(default_factory=list)
    age: tuple[int, int] | None = None  # (low, high) in years; points serving any of it
    free: bool | None = None
    open_now: bool | None = None
    near: tuple[float, float] | None = None  # (lat, lng), WGS-84
    radius: float | None = None  # metres
    bbox: tuple[float, float, float, float] | None = None  # (west, south, east, north), WGS-84
    page: int = 1
    page_size: int = 20
    now: datetime.datetime | None = None
    # False: text matches come in index order, without scores (the map's markers need no rank).
    ranked: bool = True


@dataclasses.dataclass
class Hit:
    entry_id: int
    location_id: object
    name: str = ""
    score: int = 0
    distance_m: float | None = None
    last_verified: datetime.date | None = None
    facet_values: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class PointResult:
    count: int
    hits: list[Hit]
    facets: dict[str, Counter]
    # True when `count` (or the facet counts) stopped at the cap and are lower bounds.
    count_capped: bool = False
    facets_capped: bool = False


class Where:
    """SQL conditions over the entry alias `e`, with their parameters in order."""

    def __init__(self):
        self.parts: list[str] = []
        self.params: list = []
        # Parameters of the FROM clause (see Planner.source), which come before these.
        self.from_params: list = []

    def add(self, sql: str, params=()) -> None:
        self.parts.append(sql)
        self.params.extend(params)

    def extend(self, other: "Where") -> None:
        self.parts.extend(other.parts)
        self.params.extend(other.params)
        self.from_params.extend(other.from_params)

    def sql(self) -> str:
        return " AND ".join(self.parts) if self.parts else "1 = 1"


def _in(column: str, values) -> tuple[str, list]:
    values = list(values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _codes_any(column: str, codes) -> tuple[str, list]:
    """Match rows whose space-delimited code list contains any of the codes."""
    codes = list(codes)
    return "(" + " OR ".join([f"{column} LIKE %s"] * len(codes)) + ")", [f"% {c} %" for c in codes]


def facet_conditions(query: PointQuery, skip: str = "") -> Where:
    """Conditions of the facet filters (category, department, district, target group)."""
    w = Where()
    if query.category and skip != "category":
        w.add(*_in("e.category", query.category))
    if query.department and skip != "department":
        w.add(*_in("e.department", query.department))
    if query.district and skip != "district":
        w.add("e.district = %s", [query.district])
    if query.target_group and skip != "target_group":
        w.add(*_codes_any("e.target_groups", query.target_group))
    return w


def filter_conditions(query: PointQuery, backend) -> Where:
    """Conditions of the other filters and of the geometry (not text, not facets)."""
    w = Where()
    if query.street:
        w.add("e.street = %s", [query.street])
    if query.community:
        w.add("e.community = %s", [query.community])
    if query.service:
        w.add(*_codes_any("e.service_terms", query.service))
    if query.age is not None:
        low, high = query.age
        w.add("(e.min_age IS NULL OR e.min_age <= %s)", [high])
        w.add("(e.max_age IS NULL OR e.max_age >= %s)", [low])
    if query.free is not None:
        w.add("e.is_free = %s", [query.free])
    if query.bbox:
        w.add(*backend.box_condition(*query.bbox, categories=query.category))
    if query.near and query.radius:
        box = bbox_around(query.near[0], query.near[1], query.radius)
        w.add(*backend.box_condition(*box, categories=query.category))
        dist_sql, dist_params = backend.distance(*query.near)
        w.add(f"{dist_sql} <= %s", [*dist_params, query.radius])
    return w


def text_check(terms, backend, name_only: bool = False) -> Where:
    """The exact text check: each term (one of its alternatives) occurs as written.

    The n-gram index matches bigrams anywhere in the text, so '特殊教育' could match '特殊…教育'
    in different words; this check keeps only entries where each term really occurs. With
    `name_only`, every term must occur in the name (the ranking walk's condition).
    """
    w = Where()
    for alternatives in terms:
        options, params = [], []
        for alt in matching_alternatives(alternatives):
            columns = ["e.name"] if name_only else ["e.name", "e.body", "e.address"]
            for column in columns:
                options.append(backend.contains(column))
                params.append(alt)
            if not name_only and not is_cjk(alt):
                options.append("e.name_pinyin LIKE %s")
                params.append(f"% {alt}%")
        w.add("(" + " OR ".join(options) + ")", params)
    return w


def score_sql(terms, whole: str, backend) -> tuple[str, list]:
    """SQL for the rank score of an entry (see the module docstring)."""
    parts, params = [], []
    for alternatives in terms:
        cases = []
        for alt in alternatives:
            prefix_sql, prefix_params = backend.prefix_condition("e.name_compact", alt)
            case = (f"CASE WHEN e.name_compact = %s THEN {EXACT_NAME} "
                    f"WHEN {prefix_sql} THEN {NAME_PREFIX} "
                    f"WHEN {backend.contains('e.name')} THEN {NAME_CONTAINS} ")
            params += [alt, *prefix_params, alt]
            if not is_cjk(alt):
                case += f"WHEN e.name_pinyin LIKE %s THEN {NAME_PINYIN} "
                params.append(f"% {alt}%")
            case += (f"WHEN {backend.contains('e.body')} THEN {SERVICES_OR_GROUPS} "
                     f"WHEN {backend.contains('e.address')} THEN {ADDRESS} ELSE 0 END")
            params += [alt, alt]
            cases.append(case)
        parts.append(backend.greatest(cases))
    if whole:
        prefix_sql, prefix_params = backend.prefix_condition("e.name_compact", whole)
        parts.append(f"CASE WHEN e.name_compact = %s THEN {WHOLE_NAME_BONUS} "
                     f"WHEN {prefix_sql} THEN {WHOLE_PREFIX_BONUS} ELSE 0 END")
        params += [whole, *prefix_params]
    return "(" + " + ".join(parts) + ")", params


def _location_id(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _verified_date(ordinal: int) -> datetime.date | None:
    return datetime.date.fromordinal(ordinal) if ordinal else None


def run_query(query: PointQuery, *, facets: bool = True, count: bool = True) -> PointResult:
    """Run a point query: one page of hits, the (capped) count and the facets."""
    terms = query_terms(query.q) if query.q else []
    whole = compact(normalize(query.q)) if query.q else ""
    if query.q.strip() and not terms:
        # Text with nothing searchable (emoji, punctuation, scripts the index does not cover)
        # matches nothing; treating it as no text filter would list every point.
        return PointResult(count=0, hits=[], facets={name: Counter() for name in FACETS})
    result = _answer(query, terms, whole, facets=facets, count=count)
    if not result.hits and query.page == 1:
        # Nothing matched the query as typed: try again with 南山心理 read as 南山 + 心理.
        split = segmented_terms(query.q) if query.q else None
        if split:
            result = _answer(query, split, whole, facets=facets, count=count)
    return result


def _answer(query: PointQuery, terms, whole: str, *, facets: bool, count: bool) -> PointResult:
    if query.open_now is not None:
        return _run_in_python(query, terms, whole)
    p = planner.Planner(query, terms, whole)
    hits = p.page()
    result = PointResult(count=0, hits=hits, facets={name: Counter() for name in FACETS})
    if facets:
        result.facets, result.facets_capped = p.facets(FACET_SAMPLE)
    if count and facets and p.counted is not None and FACET_SAMPLE == COUNT_CAP:
        result.count, result.count_capped = p.counted
    elif count:
        result.count, result.count_capped = p.count(COUNT_CAP)
    if count:
        if not result.count_capped and result.count < len(hits) + (query.page - 1) * query.page_size:
            result.count = len(hits) + (query.page - 1) * query.page_size
    return result


def hit_from_row(row, ranked: bool, near: bool) -> Hit:
    """Build a Hit from (id, location_id, name, verified[, score][, distance]) columns."""
    entry_id, location_id, name, verified, *rest = row
    hit = Hit(entry_id, _location_id(location_id), name=name, last_verified=_verified_date(verified))
    if ranked:
        hit.score = int(rest.pop(0))
    if near:
        hit.distance_m = float(rest.pop(0))
    return hit


def _run_in_python(query: PointQuery, terms, whole: str) -> PointResult:
    """Run a query with `open_now`: opening hours are checked in Python on every match.

    The weekly schedules and public holidays cannot be written as SQL, so this path reads every
    row that passes the other filters; it is meant for a city, not for a national query.
    """
    from caremap.directory.models import Location

    p = planner.Planner(query, terms, whole)
    rows = p.all_rows()
    schedules = {}
    ids = [r["location_id"] for r in rows]
    for start in range(0, len(ids), 500):
        schedules.update(
            Location.objects.filter(id__in=ids[start : start + 500]).values_list("id", "schedule")
        )
    rows = [r for r in rows
            if is_open(schedules.get(r["location_id"]), query.now) is query.open_now]

    def passes(row, skip=""):
        for name in FACETS:
            wanted = getattr(query, name)
            if name == skip or not wanted:
                continue
            wanted = {wanted} if isinstance(wanted, str) else set(wanted)
            if not row["facets"][name] & wanted:
                return False
        return True

    matching = [r for r in rows if passes(r)]
    if query.near:
        matching.sort(key=lambda r: (r["distance"], -r["score"], -r["verified"], str(r["location_id"])))
    elif terms and query.ranked:
        matching.sort(key=lambda r: (-r["score"], -r["verified"], str(r["location_id"])))
    elif terms:
        matching.sort(key=lambda r: r["id"])
    else:
        matching.sort(key=lambda r: (r["name"], str(r["location_id"])))
    start = (query.page - 1) * query.page_size
    hits = [
        Hit(r["id"], r["location_id"], name=r["name"], score=r["score"],
            distance_m=r["distance"], last_verified=_verified_date(r["verified"]))
        for r in matching[start : start + query.page_size]
    ]
    facet_counts = {
        name: Counter(v for r in rows if passes(r, skip=name) for v in r["facets"][name])
        for name in FACETS
    }
    return PointResult(count=len(matching), hits=hits, facets=facet_counts)
