"""The benefit navigator: match a child's situation against the benefit rules stored as data.

The rules live in the database (Benefit, BenefitRule) and are edited in the admin; this module
only evaluates them. A result is guidance for where to ask, never a decision on eligibility.
"""

from dataclasses import dataclass, field

import numpy as np

from caremap.directory.models import Location
from caremap.geo.distance import haversine_many_m

from .models import Benefit, BenefitRule, Condition

# Nearest service points listed per benefit.
NEAREST_POINTS = 3


@dataclass
class Situation:
    age: int
    local_hukou: bool
    orphan: bool = False
    de_facto_unsupported: bool = False
    disability: bool = False
    serious_illness: bool = False
    migrant: bool = False
    left_behind: bool = False
    family_difficulty: bool = False
    # Where the family is (WGS-84), to list the nearest service points; optional.
    near: tuple[float, float] | None = None


@dataclass
class Match:
    benefit: Benefit
    rules: list[BenefitRule]
    nearest: list[tuple[Location, float]] = field(default_factory=list)


def _condition_holds(condition: str, value: bool) -> bool:
    if condition == Condition.YES:
        return value
    if condition == Condition.NO:
        return not value
    return True


def rule_matches(rule: BenefitRule, situation: Situation) -> bool:
    """Return whether every condition of the rule holds for the situation."""
    if rule.min_age is not None and situation.age < rule.min_age:
        return False
    if rule.max_age is not None and situation.age > rule.max_age:
        return False
    if not _condition_holds(rule.local_hukou, situation.local_hukou):
        return False
    return all(_condition_holds(getattr(rule, flag), getattr(situation, flag))
               for flag in BenefitRule.FLAGS)


def nearest_locations(category_ids: list, near: tuple[float, float], limit: int):
    """Return up to `limit` (location, metres) of public points in the categories, nearest first."""
    rows = list(
        Location.objects.public()
        .filter(category_id__in=category_ids, status=Location.Status.ACTIVE,
                latitude__isnull=False, longitude__isnull=False)
        .values_list("id", "latitude", "longitude", "field_visibility")
    )
    rows = [r for r in rows if r[3].get("latitude", "public") == "public"]
    if not rows:
        return []
    distances = haversine_many_m(near[0], near[1], [r[1] for r in rows], [r[2] for r in rows])
    order = np.argsort(distances)[:limit]
    by_id = Location.objects.in_bulk([rows[i][0] for i in order])
    return [(by_id[rows[i][0]], float(distances[i])) for i in order]


def navigate(situation: Situation) -> list[Match]:
    """Return the active benefits that may apply to the situation, in the admin's order."""
    benefits = (Benefit.objects.filter(active=True)
                .prefetch_related("rules", "policies", "handled_at"))
    matches = []
    for benefit in benefits:
        matching = [rule for rule in benefit.rules.all() if rule_matches(rule, situation)]
        if not matching:
            continue
        match = Match(benefit, matching)
        categories = [term.id for term in benefit.handled_at.all()]
        if situation.near is not None and categories:
            match.nearest = nearest_locations(categories, situation.near, NEAREST_POINTS)
        matches.append(match)
    return matches
