"""Match addresses to districts, streets and communities, and read and check coordinates.

Addresses are matched by the official names. Old names still appear in department sheets:
光明新区, 龙华新区 and 坪山新区 became districts in 2016–2018, and addresses written before the
split of 宝安区 name 宝安区 with a street that now lies in 光明区 or 龙华区. 大鹏新区 is matched
as the public district of its three streets.
"""

import dataclasses
import json
import math
import re
import unicodedata
from functools import lru_cache

import shapely
from shapely.geometry import Point, shape

from caremap.geo.outlines import CITY_FILE, distance_outside_m, district_shapes
from caremap.regions.models import DAPENG_CODE, Division, Level

# Old district names and the district that contains them now.
OLD_DISTRICT_NAMES = {"光明新区": "440311", "龙华新区": "440309", "坪山新区": "440310"}
DISTANCE_TOLERANCE_M = 1000.0


def short_community(name: str) -> str:
    return name.removesuffix("居民委员会").removesuffix("居委会")


@dataclasses.dataclass
class PlaceMatch:
    district: Division | None = None
    street: Division | None = None
    community: Division | None = None
    problems: list[str] = dataclasses.field(default_factory=list)


class AddressMatcher:
    """Find divisions named in addresses; loads the division table once."""

    def __init__(self) -> None:
        divisions = list(
            Division.objects.public().select_related("public_district")
            .defer("outline", "public_district__outline")
        )
        self.districts = {d.name: d for d in divisions if d.level == Level.DISTRICT}
        self.by_code = {d.code: d for d in divisions}
        self.streets = {d.name: d for d in divisions if d.level == Level.STREET}
        self.communities: dict[str, dict[str, Division]] = {}
        for d in divisions:
            if d.level == Level.COMMUNITY:
                self.communities.setdefault(d.parent_id, {})[short_community(d.name)] = d
        # Longest names first, so 大鹏新区 is tried before a shorter name inside it.
        self.district_names = sorted(
            [*self.districts, *OLD_DISTRICT_NAMES], key=len, reverse=True
        )
        # One alternation of every street name: a single regex search per address.
        self.street_pattern = re.compile(
            "|".join(re.escape(n) for n in sorted(self.streets, key=len, reverse=True))
        ) if self.streets else None

    def _street_in(self, text: str) -> Division | None:
        if self.street_pattern is None:
            return None
        found = self.street_pattern.search(text)
        return self.streets[found.group(0)] if found else None

    def _community_in(self, street: Division, text: str) -> Division | None:
        for name, community in self.communities.get(street.code, {}).items():
            if name in text:
                return community
        return None

    def match(self, address: str, street_name: str = "", community_name: str = "",
              district_name: str = "") -> PlaceMatch:
        text = unicodedata.normalize("NFKC", f"{district_name} {street_name} {address}")
        result = PlaceMatch()
        named_district = next((n for n in self.district_names if n in text), None)
        if named_district in OLD_DISTRICT_NAMES:
            result.district = self.by_code[OLD_DISTRICT_NAMES[named_district]]
            result.problems.append("address_old_name")
        elif named_district:
            result.district = self.districts[named_district]

        result.street = self._street_in(text)
        if result.street is not None:
            actual = result.street.public_district
            if result.district is None:
                result.district = actual
            elif result.district != actual:
                if result.district.name == "宝安区" and actual.code in ("440309", "440311"):
                    result.problems.append("address_old_name")  # written before the split
                elif not (result.district.name == "龙岗区" and actual.code == DAPENG_CODE):
                    result.problems.append("address_district_mismatch")
                result.district = actual
            community_text = f"{community_name} {address}"
            result.community = self._community_in(result.street, community_text)
        if result.district is None:
            result.problems.append("address_unmatched")
        return result


@lru_cache(maxsize=1)
def city_bounds() -> tuple[float, float, float, float]:
    """Return (west, south, east, north) of the city outline, WGS-84 degrees."""
    with open(CITY_FILE, encoding="utf-8") as f:
        collection = json.load(f)
    return shape(collection["features"][0]["geometry"]).bounds


@lru_cache(maxsize=1)
def _city_shape():
    with open(CITY_FILE, encoding="utf-8") as f:
        collection = json.load(f)
    return shape(collection["features"][0]["geometry"])


def in_city_bounds(lat: float, lng: float, margin: float = 0.05) -> bool:
    west, south, east, north = city_bounds()
    return west - margin <= lng <= east + margin and south - margin <= lat <= north + margin


@lru_cache(maxsize=1)
def _city_prepared():
    geometry = _city_shape()
    shapely.prepare(geometry)
    return geometry


def in_city(lat: float, lng: float, tolerance_m: float = DISTANCE_TOLERANCE_M) -> bool:
    if shapely.contains_xy(_city_prepared(), lng, lat):
        return True
    degrees = _city_shape().distance(Point(lng, lat))
    return degrees * 111_320.0 * math.cos(math.radians(lat)) <= tolerance_m


_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def parse_degrees(value: str) -> float | None:
    text = unicodedata.normalize("NFKC", value or "").strip().rstrip("°")
    if not _NUMBER.match(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def in_degree_range(lat: float, lng: float) -> bool:
    """Return whether the pair is a position on Earth: |lat| <= 90 and |lng| <= 180 degrees."""
    return -90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0


def split_pair(cell: str) -> tuple[str, str] | None:
    """Split a "lng,lat" cell into its two parts."""
    parts = re.split(r"[,，\s;；]+", unicodedata.normalize("NFKC", cell or "").strip())
    parts = [p for p in parts if p]
    return (parts[0], parts[1]) if len(parts) == 2 else None


@lru_cache(maxsize=32)
def _district_prepared(code: str):
    geometry = district_shapes()[code]
    shapely.prepare(geometry)
    return geometry


def outside_district_m(district: Division, lat: float, lng: float) -> float:
    code = district.outline_code or district.code
    if shapely.contains_xy(_district_prepared(code), lng, lat):
        return 0.0  # the common case, without building a Point
    return distance_outside_m(code, lat, lng)
