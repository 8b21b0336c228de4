import pytest

from caremap.geo import crs
from caremap.geo.distance import haversine_m

SHENZHEN = (22.543, 114.058)


def test_gcj02_offset_in_shenzhen():
    shifted = crs.wgs84_to_gcj02(*SHENZHEN)
    assert 200 < haversine_m(*SHENZHEN, *shifted) < 700


@pytest.mark.parametrize("system", [crs.GCJ02, crs.BD09])
def test_round_trip_within_10_cm(system):
    out = crs.from_wgs84(*SHENZHEN, system)
    back = crs.to_wgs84(*out, system)
    assert haversine_m(*SHENZHEN, *back) < 0.1


def test_outside_china_unchanged():
    london = (51.5, -0.12)
    assert crs.wgs84_to_gcj02(*london) == london


def test_unknown_system_rejected():
    with pytest.raises(ValueError, match="unknown coordinate system"):
        crs.from_wgs84(*SHENZHEN, "mars")
