"""Great-circle distances and bounding boxes on the WGS-84 sphere approximation."""

import math

EARTH_RADIUS_M = 6371008.8  # mean Earth radius (IUGG)


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Return the great-circle distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bbox_around(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """Return (west, south, east, north) enclosing every point within radius_m of (lat, lng)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    coslat = max(math.cos(math.radians(lat)), 1e-6)
    dlng = min(180.0, math.degrees(radius_m / (EARTH_RADIUS_M * coslat)))
    return lng - dlng, lat - dlat, lng + dlng, lat + dlat


def haversine_many_m(lat: float, lng: float, lats, lngs):
    """Return a numpy array of great-circle metres from (lat, lng) to each (lats[i], lngs[i])."""
    import numpy as np

    lat1, lng1 = np.radians(lat), np.radians(lng)
    lat2, lng2 = np.radians(np.asarray(lats, dtype=float)), np.radians(np.asarray(lngs, dtype=float))
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lng2 - lng1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))
