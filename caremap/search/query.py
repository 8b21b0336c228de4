"""Point queries: filters, text match and ranking, distance, bounding box, paging and facets.

A `PointQuery` describes the request. `run_query` runs it on either database: the backend's text
and spatial indexes find candidates, and exact checks decide which of them match.
Coordinates here are WGS-84; the API converts other systems before and after.
"""

import dataclasses
import datetime
from collections import Counter

from django.db.models import Q

from caremap.directory.schedule import is_open
from caremap.geo.distance import bbox_around, haversine_m

from .backends import get_backend
from .models import SearchEntry
from .normalize import is_cjk, normalize, query_terms, runs

# Ranking tiers of a term's best match; a point's score is the sum over the query's terms.
EXACT_NAME = 1000
NAME_PREFIX = 800
NAME_CONTAINS = 600
NAME_PINYIN = 500
SERVICES_OR_GROUPS = 300
ADDRESS = 100

FACETS = ("category", "department", "district", "target_group")


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


def _term_score(alternatives: list[str], entry: SearchEntry) -> int:
    best = 0
    for alt in alternatives:
        if entry.name == alt:
            score = EXACT_NAME
        elif entry.name.startswith(alt):
            score = NAME_PREFIX
        elif alt in entry.name:
            score = NAME_CONTAINS
        elif not is_cjk(alt) and any(t.startswith(alt) for t in entry.name_pinyin.split()):
            score = NAME_PINYIN
        elif alt in entry.body:
            score = SERVICES_OR_GROUPS
        elif alt in entry.address:
            score = ADDRESS
        else:
            score = 0
        best = max(best, score)
    return best


def _compact(text: str) -> str:
    """Return normalised text without spaces and punctuation, for whole-name comparison."""
    return "".join(runs(text))


def score_entry(terms: list[list[str]], entry: SearchEntry, whole_query: str = "") -> int:
    """Return the entry's rank score, or 0 when some term has no real match.

    The index matches bigrams anywhere in the text, so '特殊教育' could match '特殊…教育' in
    different words; this check keeps only entries where each term occurs as written. A query
    equal to the whole name, or its start, ranks above any per-term match.
    """
    total = 0
    for alternatives in terms:
        score = _term_score(alternatives, entry)
        if score == 0:
            return 0
        total += score
    if whole_query:
        name = _compact(entry.name)
        if name == whole_query:
            total += EXACT_NAME * 10
        elif name.startswith(whole_query):
            total += NAME_PREFIX * 10
    return total


def _filters(query: PointQuery) -> Q:
    """Return the database filters that are not facets (facets are applied in `run_query`)."""
    f = Q(location__visibility="public")
    if query.street:
        f &= Q(location__street_id=query.street)
    if query.community:
        f &= Q(location__community_id=query.community)
    if query.service:
        f &= Q(location__service_links__service__taxonomy_terms__code__in=query.service)
    if query.age is not None:
        low, high = query.age
        f &= Q(location__min_age__isnull=True) | Q(location__min_age__lte=high)
        f &= Q(location__max_age__isnull=True) | Q(location__max_age__gte=low)
    if query.free is not None:
        f &= Q(location__is_free=query.free)
    return f


def _candidate_ids(query: PointQuery, terms) -> set[int] | None:
    """Return entry ids allowed by the text and spatial indexes, or None when unrestricted."""
    backend = get_backend()
    ids: set[int] | None = None
    if terms:
        ids = backend.match(terms)
    if query.bbox:
        box = backend.within_bbox(*query.bbox)
        ids = box if ids is None else ids & box
    if query.near and query.radius:
        box = backend.within_bbox(*bbox_around(query.near[0], query.near[1], query.radius))
        ids = box if ids is None else ids & box
    return ids


_ROW_FIELDS = (
    "id", "location_id", "name", "name_pinyin", "body", "address", "latitude", "longitude",
    "location__last_verified", "location__schedule", "location__category__code",
    "location__department__code", "location__district_id",
)


def _passes(hit: Hit, query: PointQuery, skip: str = "") -> bool:
    """Check the facet filters (category, department, district, target group) except `skip`."""
    for name in FACETS:
        wanted = getattr(query, name)
        if name == skip or not wanted:
            continue
        wanted = {wanted} if isinstance(wanted, str) else set(wanted)
        if not (hit.facet_values[name] & wanted):
            return False
    return True


def run_query(query: PointQuery) -> PointResult:
    terms = query_terms(query.q) if query.q else []
    if query.q.strip() and not terms:
        # Text with nothing searchable (emoji, punctuation, scripts the index does not cover)
        # matches nothing; treating it as no text filter would list every point.
        return PointResult(count=0, hits=[], facets={name: Counter() for name in FACETS})
    candidates = _candidate_ids(query, terms)
    qs = SearchEntry.objects.filter(_filters(query))
    if candidates is not None:
        qs = qs.filter(id__in=candidates)
    qs = qs.distinct()

    groups: dict[int, set] = {}
    for entry_id, code in qs.values_list("id", "location__target_groups__code"):
        groups.setdefault(entry_id, set()).add(code)

    checked = [hit for row in qs.values_list(*_ROW_FIELDS) if (hit := _check(row, query, terms))]
    for hit in checked:
        hit.facet_values["target_group"] = groups.get(hit.entry_id, set()) - {None}

    hits = [h for h in checked if _passes(h, query)]
    hits.sort(key=_sort_key(query, bool(terms)))
    facets = {
        name: Counter(v for h in checked if _passes(h, query, skip=name) for v in h.facet_values[name])
        for name in FACETS
    }
    start = (query.page - 1) * query.page_size
    return PointResult(count=len(hits), hits=hits[start : start + query.page_size], facets=facets)


def _check(row, query: PointQuery, terms) -> Hit | None:
    """Apply the exact checks (text, distance, opening hours) to one row; None if it fails."""
    (entry_id, location_id, name, name_pinyin, body, address, lat, lng, verified, schedule,
     category, department, district) = row
    hit = Hit(entry_id, location_id, name=name, last_verified=verified)
    hit.facet_values = {"category": {category}, "department": {department}, "district": {district}}
    if terms:
        entry = SearchEntry(name=name, name_pinyin=name_pinyin, body=body, address=address)
        hit.score = score_entry(terms, entry, _compact(normalize(query.q)))
        if hit.score == 0:
            return None
    if query.near:
        if lat is None:
            return None
        hit.distance_m = haversine_m(query.near[0], query.near[1], lat, lng)
        if query.radius and hit.distance_m > query.radius:
            return None
    if query.open_now is not None and is_open(schedule, query.now) is not query.open_now:
        return None
    return hit


def _sort_key(query: PointQuery, ranked: bool):
    def freshness(hit: Hit) -> int:
        return -(hit.last_verified.toordinal() if hit.last_verified else 0)

    if query.near:
        return lambda h: (h.distance_m, -h.score, freshness(h), str(h.location_id))
    if ranked:
        return lambda h: (-h.score, freshness(h), str(h.location_id))
    return lambda h: (h.name, str(h.location_id))
