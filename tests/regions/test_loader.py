import pytest

from caremap.geo.outlines import district_shapes
from caremap.regions.models import DAPENG_CODE, DAPENG_STREET_CODES, Division, Level, Special

pytestmark = pytest.mark.django_db


def test_public_division_counts():
    public = Division.objects.public()
    assert public.filter(level=Level.DISTRICT).count() == 10
    assert public.filter(level=Level.STREET).count() == 74
    assert public.filter(level=Level.COMMUNITY).count() == 783


def test_special_zones_kept_but_flagged():
    assert Division.objects.filter(special=Special.ZONE, level=Level.STREET).count() == 5
    assert Division.objects.filter(special=Special.VIRTUAL, level=Level.COMMUNITY).count() == 5
    assert Division.objects.get(name="前海合作区").special == Special.ZONE


def test_dapeng_is_functional_district():
    dapeng = Division.objects.get(code=DAPENG_CODE)
    assert dapeng.name == "大鹏新区"
    assert dapeng.special == Special.FUNCTIONAL
    assert dapeng.outline_code == "440307"
    assert not DAPENG_CODE.isdigit()
    streets = Division.objects.filter(public_district=dapeng, level=Level.STREET)
    assert sorted(s.code for s in streets) == list(DAPENG_STREET_CODES)
    for street in streets:
        assert street.parent_id == "440307"  # NBS parent stays 龙岗区
        assert street.outline_code == "440307"


def test_communities_of_dapeng_streets_belong_to_dapeng():
    community = Division.objects.filter(parent_id="440307010").first()
    assert community.public_district_id == DAPENG_CODE


def test_longgang_keeps_its_other_streets():
    longgang_streets = Division.objects.public().filter(level=Level.STREET, public_district_id="440307")
    assert longgang_streets.count() == 11
    assert not longgang_streets.filter(code__in=DAPENG_STREET_CODES).exists()


def test_nine_district_outlines_loaded():
    with_outline = Division.objects.filter(level=Level.DISTRICT).exclude(outline=None)
    assert with_outline.count() == 9
    assert set(with_outline.values_list("code", flat=True)) == set(district_shapes())


def test_every_public_unit_has_anchor_inside_district():
    from caremap.geo.outlines import in_district

    units = Division.objects.public().filter(level__in=[Level.STREET, Level.COMMUNITY])
    for unit in units:
        assert unit.anchor_lat is not None, unit
        assert in_district(unit.outline_code, unit.anchor_lat, unit.anchor_lng, 0), unit


def test_loader_is_idempotent_and_keeps_anchors():
    from caremap.regions.loader import load_divisions

    street = Division.objects.get(code="440304001")
    before = (street.anchor_lat, street.anchor_lng)
    load_divisions()
    street.refresh_from_db()
    assert (street.anchor_lat, street.anchor_lng) == before
    assert Division.objects.count() == 877 + 1  # NBS rows (city included) plus 大鹏新区
