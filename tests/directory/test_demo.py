import re

import pytest

from caremap.directory.models import Location
from caremap.geo.outlines import distance_outside_m
from caremap.regions.models import DAPENG_CODE, Division, Level

pytestmark = pytest.mark.django_db


def test_demo_has_at_least_1500_points():
    assert Location.objects.public().count() >= 1500


def test_demo_records_are_marked():
    for loc in Location.objects.prefetch_related("phones"):
        assert loc.is_demo
        assert loc.name.endswith("（演示）"), loc.name
        assert "演示路" in loc.address, loc.address
        for phone in loc.phones.all():
            # A local number that starts with 0 cannot exist in China's numbering plan.
            assert re.fullmatch(r"0755-0\d{3} \d{4}", phone.number), phone.number
            assert phone.tel.startswith("+86-755-0")


def test_every_point_inside_its_district_outline():
    far = []
    for loc in Location.objects.select_related("district"):
        outline = loc.district.outline_code or loc.district.code
        if distance_outside_m(outline, loc.latitude, loc.longitude) > 1000:
            far.append(loc.name)
    assert far == []


def test_dapeng_points_use_longgang_outline():
    dapeng_points = Location.objects.filter(district_id=DAPENG_CODE)
    assert dapeng_points.count() > 20
    for loc in dapeng_points:
        assert distance_outside_m("440307", loc.latitude, loc.longitude) == 0


def test_some_communities_lack_children_home():
    communities = Division.objects.public().filter(level=Level.COMMUNITY)
    with_home = set(
        Location.objects.filter(category__code="children-home").values_list("community_id", flat=True)
    )
    without = communities.exclude(code__in=with_home).count()
    assert 0 < without < communities.count() // 4


def test_every_point_links_services_and_groups():
    for loc in Location.objects.prefetch_related("service_links", "target_groups")[:200]:
        assert loc.service_links.count() >= 1
        assert loc.target_groups.count() >= 1


def test_demo_generation_is_deterministic():
    from caremap.directory.demo import generate_demo

    before = sorted(Location.objects.values_list("id", "name", "latitude", "longitude"))
    generate_demo()
    after = sorted(Location.objects.values_list("id", "name", "latitude", "longitude"))
    assert before == after
