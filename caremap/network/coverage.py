"""Coverage of the four-level network: posts filled, points per child, distances to services.

A community is covered by a 儿童主任 when a filled director post has it as its division or
lists it in `also_covers`. Distances run from the community's anchor point to the nearest
public, active service point with a public position (great circle, WGS-84). A community whose
nearest 儿童之家 or nearest service point is farther than GAP_RADIUS_M is a coverage gap.
"""

from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count

from caremap.directory.models import Location
from caremap.geo.distance import haversine_many_m
from caremap.regions.models import Division, Level

from .models import ChildPopulation, Post

GAP_RADIUS_M = 1000.0
CHILDREN_HOME = "children-home"


@dataclass
class CommunityCoverage:
    community: Division
    director_filled: bool
    point_count: int
    children: int | None
    # Metres from the anchor; None when the anchor or every candidate point is missing.
    nearest_children_home_m: float | None
    nearest_point_m: float | None

    @property
    def points_per_10k(self) -> float | None:
        return per_10k(self.point_count, self.children)

    @property
    def children_home_gap(self) -> bool:
        return self.nearest_children_home_m is None or self.nearest_children_home_m > GAP_RADIUS_M

    @property
    def point_gap(self) -> bool:
        return self.nearest_point_m is None or self.nearest_point_m > GAP_RADIUS_M


@dataclass
class UnitCoverage:
    division: Division
    communities: list[CommunityCoverage]
    point_count: int
    children: int | None
    supervisor_posts: int
    supervisor_filled: int
    director_posts: int
    director_filled: int
    vacant_posts: list[Post] = field(default_factory=list)

    @property
    def points_per_10k(self) -> float | None:
        return per_10k(self.point_count, self.children)

    @property
    def communities_with_director(self) -> int:
        return sum(1 for c in self.communities if c.director_filled)

    @property
    def children_home_gaps(self) -> list[CommunityCoverage]:
        return [c for c in self.communities if c.children_home_gap]

    @property
    def point_gaps(self) -> list[CommunityCoverage]:
        return [c for c in self.communities if c.point_gap]

    @property
    def director_gaps(self) -> list[CommunityCoverage]:
        return [c for c in self.communities if not c.director_filled]


@dataclass
class SubUnitRow:
    """Coverage of one street (on a district page) or one district (on the city page)."""

    division: Division
    communities: int
    with_director: int
    children_home_gaps: int
    point_gaps: int


def sub_unit_rows(unit: UnitCoverage, sub_units: list[Division]) -> list[SubUnitRow]:
    """Group a district's or the city's community rows by street or by public district."""
    key = "parent_id" if unit.division.level == Level.DISTRICT else "public_district_id"
    rows = {d.code: SubUnitRow(d, 0, 0, 0, 0) for d in sub_units}
    for community in unit.communities:
        row = rows.get(getattr(community.community, key))
        if row is None:
            continue
        row.communities += 1
        row.with_director += community.director_filled
        row.children_home_gaps += community.children_home_gap
        row.point_gaps += community.point_gap
    return list(rows.values())


def per_10k(points: int, children: int | None) -> float | None:
    if not children:
        return None
    return round(points * 10000 / children, 2)


def communities_of(division: Division):
    """Return the public communities inside a division (the division itself for a community)."""
    public = Division.objects.public().filter(level=Level.COMMUNITY)
    if division.level == Level.COMMUNITY:
        return public.filter(code=division.code)
    if division.level == Level.STREET:
        return public.filter(parent=division)
    if division.level == Level.DISTRICT:
        return public.filter(public_district=division)
    return public


def points_of(division: Division):
    """Return the public service points inside a division."""
    public = Location.objects.public()
    if division.level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY):
        return public.filter(**{division.level: division})
    return public


def _positions(category: str | None) -> tuple[np.ndarray, np.ndarray]:
    qs = Location.objects.public().filter(
        status=Location.Status.ACTIVE, latitude__isnull=False, longitude__isnull=False
    )
    if category:
        qs = qs.filter(category__code=category)
    rows = [(lat, lng) for lat, lng, fv in qs.values_list("latitude", "longitude", "field_visibility")
            if fv.get("latitude", "public") == "public" and fv.get("longitude", "public") == "public"]
    if not rows:
        return np.empty(0), np.empty(0)
    array = np.array(rows)
    return array[:, 0], array[:, 1]


def _nearest(anchor: tuple[float | None, float | None], lats: np.ndarray, lngs: np.ndarray):
    if anchor[0] is None or anchor[1] is None or lats.size == 0:
        return None
    return float(haversine_many_m(anchor[0], anchor[1], lats, lngs).min())


def population_by_division(divisions) -> dict[str, int]:
    """Return {division code: children} where the child population is known."""
    codes = [d.code for d in divisions]
    known = dict(ChildPopulation.objects.filter(division_id__in=codes)
                 .values_list("division_id", "children"))
    for division in divisions:
        if division.code not in known and division.population_children is not None:
            known[division.code] = division.population_children
    return known


def covered_communities() -> set[str]:
    """Return the codes of communities that a filled 儿童主任 post covers."""
    filled = Post.objects.filter(kind=Post.Kind.DIRECTOR, filled=True)
    codes = set(filled.values_list("division_id", flat=True))
    codes |= set(filled.filter(also_covers__isnull=False).values_list("also_covers", flat=True))
    return codes


def community_coverage(communities: list[Division]) -> list[CommunityCoverage]:
    homes = _positions(CHILDREN_HOME)
    points = _positions(None)
    covered = covered_communities()
    population = population_by_division(communities)
    counts = dict(
        Location.objects.public().filter(community__in=communities)
        .values_list("community_id").annotate(n=Count("id"))
    )
    return [
        CommunityCoverage(
            community=c,
            director_filled=c.code in covered,
            point_count=counts.get(c.code, 0),
            children=population.get(c.code),
            nearest_children_home_m=_nearest((c.anchor_lat, c.anchor_lng), *homes),
            nearest_point_m=_nearest((c.anchor_lat, c.anchor_lng), *points),
        )
        for c in communities
    ]


def unit_population(division: Division, communities: list[CommunityCoverage]) -> int | None:
    """Return the unit's own child population, else the sum over its communities if all known."""
    own = population_by_division([division]).get(division.code)
    if own is not None:
        return own
    if communities and all(c.children is not None for c in communities):
        return sum(c.children for c in communities)
    return None


def unit_coverage(division: Division) -> UnitCoverage:
    """Compute the coverage of a city, district, street or community."""
    communities = community_coverage(list(communities_of(division).order_by("code")))
    community_codes = [c.community.code for c in communities]
    if division.level == Level.COMMUNITY:
        street_codes = [division.parent_id]
    elif division.level == Level.STREET:
        street_codes = [division.code]
    else:
        street_codes = list(
            Division.objects.public().filter(level=Level.STREET, children__code__in=community_codes)
            .values_list("code", flat=True).distinct()
        )
    supervisors = Post.objects.filter(kind=Post.Kind.SUPERVISOR, division_id__in=street_codes)
    directors = Post.objects.filter(kind=Post.Kind.DIRECTOR, division_id__in=community_codes)
    posts = list(supervisors.select_related("division")) + list(directors.select_related("division"))
    return UnitCoverage(
        division=division,
        communities=communities,
        point_count=points_of(division).count(),
        children=unit_population(division, communities),
        supervisor_posts=sum(1 for p in posts if p.kind == Post.Kind.SUPERVISOR),
        supervisor_filled=sum(1 for p in posts if p.kind == Post.Kind.SUPERVISOR and p.filled),
        director_posts=sum(1 for p in posts if p.kind == Post.Kind.DIRECTOR),
        director_filled=sum(1 for p in posts if p.kind == Post.Kind.DIRECTOR and p.filled),
        vacant_posts=[p for p in posts if not p.filled],
    )
