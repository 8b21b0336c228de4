"""District outlines and point-in-district checks with a tolerance.

The bundled outlines are strongly simplified (segments of 1–2 km), so a point close to a border
may fall on the wrong side; checks accept points within a tolerance of the outline.
"""

import json
import math
from functools import lru_cache
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.prepared import prep

DATA_DIR = Path(__file__).resolve().parent.parent / "regions" / "data"
DISTRICTS_FILE = DATA_DIR / "shenzhen_districts.geojson"
CITY_FILE = DATA_DIR / "shenzhen_city.geojson"
METRES_PER_DEGREE_LAT = 111_320.0


@lru_cache(maxsize=1)
def district_shapes() -> dict:
    """Return {district code: shapely geometry} from the bundled outlines (WGS-84 lng/lat)."""
    with open(DISTRICTS_FILE, encoding="utf-8") as f:
        collection = json.load(f)
    return {feat["properties"]["code"]: shape(feat["geometry"]) for feat in collection["features"]}


@lru_cache(maxsize=64)
def _prepared(code: str):
    return prep(district_shapes()[code])


def distance_outside_m(code: str, lat: float, lng: float) -> float:
    """Return how far (metres, approximate) a point lies outside district `code`; 0 if inside."""
    if _prepared(code).contains(Point(lng, lat)):
        return 0.0
    degrees = district_shapes()[code].distance(Point(lng, lat))
    # Degrees of longitude are shorter than degrees of latitude; use the mean of the two so the
    # figure errs by at most cos(lat) ≈ 0.92 at Shenzhen's latitude.
    scale = METRES_PER_DEGREE_LAT * (1 + math.cos(math.radians(lat))) / 2
    return degrees * scale


def in_district(code: str, lat: float, lng: float, tolerance_m: float = 1000.0) -> bool:
    return distance_outside_m(code, lat, lng) <= tolerance_m
