"""Generate demonstration anchor points for streets and communities.

Real anchors are the street office's and the community's addresses, which the division data do
not give. For the demo every street gets a centre inside its district's outline and every
community a point near its street's centre, so coverage and distances look like a real city's.
Deterministic: the same seed gives the same anchors.
"""

import random

from shapely.geometry import Point, box

from caremap.geo.outlines import district_shapes

from .models import DAPENG_CODE, Division, Level

# 大鹏新区 is the eastern peninsula of 龙岗区's outline; the rest of 龙岗区 lies west of it.
_DAPENG_WEST_LNG = 114.40
_LONGGANG_EAST_LNG = 114.36
# Keep generated anchors this far (degrees, about 500 m) inside the simplified outlines.
_INSET_DEG = 0.005


def district_area(district: Division):
    """Return the shapely area that a public district's anchors are drawn in."""
    shapes = district_shapes()
    if district.code == DAPENG_CODE:
        area = shapes[district.outline_code].intersection(box(_DAPENG_WEST_LNG, 0, 180, 90))
    else:
        area = shapes[district.code]
        if district.code == "440307":
            area = area.intersection(box(0, 0, _LONGGANG_EAST_LNG, 90))
    inset = area.buffer(-_INSET_DEG)
    return inset if not inset.is_empty else area


def random_point_in(area, rng: random.Random, near=None, spread_deg: float = 0.0):
    """Return (lat, lng) inside `area`: uniform, or normally spread around `near` (lat, lng)."""
    west, south, east, north = area.bounds
    for _ in range(2000):
        if near is None:
            lng, lat = rng.uniform(west, east), rng.uniform(south, north)
        else:
            lat, lng = rng.gauss(near[0], spread_deg), rng.gauss(near[1], spread_deg)
        if area.contains(Point(lng, lat)):
            return lat, lng
    # A tiny or thin area can defeat sampling; its representative point is always inside.
    p = area.representative_point()
    return p.y, p.x


def generate_anchors(seed: int = 2020, overwrite: bool = False) -> int:
    """Give every street and community without an anchor a generated one; return how many."""
    rng = random.Random(seed)
    changed = []
    districts = Division.objects.filter(level=Level.DISTRICT).order_by("code")
    for district in districts:
        area = district_area(district)
        streets = Division.objects.filter(level=Level.STREET, public_district=district)
        for street in streets.order_by("code"):
            if overwrite or street.anchor_lat is None:
                street.anchor_lat, street.anchor_lng = random_point_in(area, rng)
                changed.append(street)
            centre = (street.anchor_lat, street.anchor_lng)
            for community in street.children.order_by("code"):
                if overwrite or community.anchor_lat is None:
                    community.anchor_lat, community.anchor_lng = random_point_in(
                        area, rng, near=centre, spread_deg=0.012
                    )
                    changed.append(community)
    Division.objects.bulk_update(changed, ["anchor_lat", "anchor_lng"])
    return len(changed)
