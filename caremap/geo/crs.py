"""Conversions between China's three coordinate systems.

WGS-84 is what GPS, OpenStreetMap and 天地图 use and what caremap stores. GCJ-02 (the "Mars"
datum) is mandated for published maps in mainland China and used by 高德 and 腾讯; BD-09 is 百度's
further offset of GCJ-02. The GCJ-02 offset is a published obfuscation formula with no exact
inverse, so GCJ-02 → WGS-84 iterates the forward formula until it converges.

All functions take and return (lat, lng) in degrees.
"""

import json
import math
from functools import lru_cache
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.prepared import prep

WGS84 = "wgs84"
GCJ02 = "gcj02"
BD09 = "bd09"
SYSTEMS = (WGS84, GCJ02, BD09)

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


CHINA_OUTLINE_FILE = Path(__file__).resolve().parent / "data" / "china_outline.geojson"
# A generous box around the outline: points outside it skip the polygon test.
_BOX = (73.0, 3.0, 136.0, 54.0)  # west, south, east, north


@lru_cache(maxsize=1)
def _china():
    """Return the prepared outline of the area where the GCJ-02 offset applies (lng/lat).

    The outline is the union of China's county-level outlines (including Hong Kong, Macau and
    Taiwan, which the reference implementations shift too), buffered by about 2 km and
    simplified, so a point on the border itself counts as inside.
    """
    with open(CHINA_OUTLINE_FILE, encoding="utf-8") as f:
        collection = json.load(f)
    return prep(shape(collection["features"][0]["geometry"]))


def outside_china(lat: float, lng: float) -> bool:
    """Return True where no GCJ-02 offset applies: a point outside China's outline."""
    west, south, east, north = _BOX
    if not (west < lng < east and south < lat < north):
        return True
    return not _china().contains(Point(lng, lat))


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if outside_china(lat, lng):
        return lat, lng
    dlat = _transform_lat(lng - 105.0, lat - 35.0)
    dlng = _transform_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """Invert the GCJ-02 offset by fixed-point iteration (converges to < 1 cm in a few steps)."""
    if outside_china(lat, lng):
        return lat, lng
    wlat, wlng = lat, lng
    for _ in range(30):
        glat, glng = wgs84_to_gcj02(wlat, wlng)
        dlat, dlng = glat - lat, glng - lng
        wlat, wlng = wlat - dlat, wlng - dlng
        if abs(dlat) < 1e-10 and abs(dlng) < 1e-10:
            break
    return wlat, wlng


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def _bd09_to_gcj02_approx(lat: float, lng: float) -> tuple[float, float]:
    x = lng - 0.0065
    y = lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def bd09_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """Invert BD-09 to GCJ-02.

    The published inverse formula is off by up to ~0.15 m; a few fixed-point steps of the
    forward formula bring it below 1 mm.
    """
    glat, glng = _bd09_to_gcj02_approx(lat, lng)
    for _ in range(10):
        blat, blng = gcj02_to_bd09(glat, glng)
        dlat, dlng = blat - lat, blng - lng
        glat, glng = glat - dlat, glng - dlng
        if abs(dlat) < 1e-10 and abs(dlng) < 1e-10:
            break
    return glat, glng


def from_wgs84(lat: float, lng: float, system: str) -> tuple[float, float]:
    """Convert a stored WGS-84 position to `system` for output."""
    if system == WGS84:
        return lat, lng
    glat, glng = wgs84_to_gcj02(lat, lng)
    if system == GCJ02:
        return glat, glng
    if system == BD09:
        return gcj02_to_bd09(glat, glng)
    raise ValueError(f"unknown coordinate system {system!r}; expected one of {SYSTEMS}")


def to_wgs84(lat: float, lng: float, system: str) -> tuple[float, float]:
    """Convert input given in `system` to WGS-84 for storage and queries."""
    if system == WGS84:
        return lat, lng
    if system == GCJ02:
        return gcj02_to_wgs84(lat, lng)
    if system == BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lat, lng))
    raise ValueError(f"unknown coordinate system {system!r}; expected one of {SYSTEMS}")
