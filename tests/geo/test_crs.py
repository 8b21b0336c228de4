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


# (WGS-84 lat, lng) -> GCJ-02 and BD-09 (lat, lng) as computed by the PyPI package
# coordtransform 0.2.1 (coordTransform.wgs84_to_gcj02 / wgs84_to_bd09), and GCJ-02 by
# eviltransform 0.1.1 (wgs2gcj). Both implement the published GCJ-02 and BD-09 formulas.
REFERENCE = [
    # Shenzhen: Futian, Longgang, Nanshan
    ((22.5431, 114.0579), (22.54038281422246, 114.06301399856547),
     (22.546041559073544, 114.06956398703267), (22.54038276821278, 114.06301408516)),
    ((22.7196, 114.247), (22.716766087265384, 114.25183602208834),
     (22.723048759852443, 114.25829894294267), (22.716766039279182, 114.25183610397595)),
    ((22.5, 113.9), (22.496945031454228, 113.90486389528537),
     (22.50303644089354, 113.9113490883621), (22.49694497972492, 113.90486397764496)),
    # Beijing, Shanghai, Changchun, Lhasa
    ((39.9042, 116.4074), (39.90560334316507, 116.41364225378803),
     (39.91186533561899, 116.42004633029816), (39.90560336692766, 116.41364235948714)),
    ((31.2304, 121.4737), (31.22845773757727, 121.47822305927693),
     (31.234310593689997, 121.484781468503), (31.228457704689244, 121.47822313586518)),
    ((43.8171, 125.3235), (43.819551391059925, 125.33000628945332),
     (43.82523134947304, 125.33663628097376), (43.81955143256894, 125.3300063996233)),
    ((29.652, 91.1721), (29.64921049417371, 91.17356737181642),
     (29.65526415629464, 91.18005967492859), (29.64921044693944, 91.1735673966632)),
]


@pytest.mark.parametrize(("wgs", "gcj", "bd", "evil_gcj"), REFERENCE)
def test_forward_matches_reference_within_1_m(wgs, gcj, bd, evil_gcj):
    assert haversine_m(*crs.from_wgs84(*wgs, crs.GCJ02), *gcj) < 1.0
    assert haversine_m(*crs.from_wgs84(*wgs, crs.GCJ02), *evil_gcj) < 1.0
    assert haversine_m(*crs.from_wgs84(*wgs, crs.BD09), *bd) < 1.0


@pytest.mark.parametrize(("wgs", "gcj", "bd", "evil_gcj"), REFERENCE)
def test_inverse_of_reference_within_10_cm(wgs, gcj, bd, evil_gcj):
    assert haversine_m(*crs.to_wgs84(*gcj, crs.GCJ02), *wgs) < 0.1
    assert haversine_m(*crs.to_wgs84(*bd, crs.BD09), *wgs) < 0.1


def test_bd09_gcj02_pair_matches_reference():
    # eviltransform 0.1.1 bd2gcj(22.546041559073544, 114.06956398703267)
    assert haversine_m(*crs.bd09_to_gcj02(22.546041559073544, 114.06956398703267),
                       22.540382707611204, 114.0630142052606) < 1.0


@pytest.mark.parametrize(("name", "point"), [
    ("Ulaanbaatar", (47.92, 106.92)),
    ("Seoul", (37.57, 126.98)),
    ("Pyongyang", (39.03, 125.75)),
    ("Hanoi", (21.03, 105.85)),
    ("Vientiane", (17.97, 102.6)),
    ("Kathmandu", (27.7, 85.32)),
])
def test_neighbours_inside_box_not_shifted(name, point):
    # Each of these lies inside China's bounding box but outside its outline.
    assert 73.66 < point[1] < 135.05
    assert 3.86 < point[0] < 53.55
    assert crs.outside_china(*point)
    assert crs.wgs84_to_gcj02(*point) == point
    assert crs.gcj02_to_wgs84(*point) == point


@pytest.mark.parametrize("point", [(22.5431, 114.0579), (40.12, 124.38), (43.8, 87.6), (16.83, 112.33)])
def test_points_in_china_shifted(point):
    assert not crs.outside_china(*point)
    assert crs.wgs84_to_gcj02(*point) != point
