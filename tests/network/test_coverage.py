"""Coverage on a small known network far from the demo city, with its expected gaps."""

import pytest

from caremap.directory.models import Department, Location, Organization
from caremap.directory.taxonomies import CATEGORY, terms
from caremap.geo.distance import haversine_m
from caremap.network.coverage import sub_unit_rows, unit_coverage
from caremap.network.models import ChildPopulation, Post
from caremap.regions.models import Division, Level

pytestmark = pytest.mark.django_db

# Anchors in an empty area (no demo point within hundreds of kilometres).
A = (40.0, 100.0)
B = (40.0, 100.02)   # about 1.7 km east of A
C = (40.05, 100.0)   # about 5.6 km north of A
HOME = (40.0009, 100.0)   # 100 m north of A
CENTRE = (40.0, 100.0205)  # about 43 m east of B


@pytest.fixture
def network():
    district = Division.objects.create(code="990100", name="测试区", level=Level.DISTRICT)
    district.public_district = district
    district.save()
    street = Division.objects.create(code="990100001", name="测试街道", level=Level.STREET,
                                     parent=district, public_district=district,
                                     anchor_lat=A[0], anchor_lng=A[1])
    communities = {}
    for suffix, anchor in (("001", A), ("002", B), ("003", C)):
        communities[suffix] = Division.objects.create(
            code=f"990100001{suffix}", name=f"测试{suffix}社区", level=Level.COMMUNITY,
            parent=street, public_district=district, anchor_lat=anchor[0], anchor_lng=anchor[1])
    categories = terms(CATEGORY)
    department = Department.objects.get(code="civil-affairs")
    org = Organization.objects.create(name="测试机构")
    for name, category, community, position in (
        ("测试儿童之家", "children-home", communities["001"], HOME),
        ("测试党群服务中心", "party-mass-centre", communities["002"], CENTRE),
    ):
        Location.objects.create(name=name, organization=org, department=department,
                                category=categories[category], district=district, street=street,
                                community=community, latitude=position[0], longitude=position[1])
    Post.objects.create(kind=Post.Kind.SUPERVISOR, division=street, title="测试街道儿童督导员",
                        work_phone="0755-0000 0001")
    shared = Post.objects.create(kind=Post.Kind.DIRECTOR, division=communities["001"],
                                 title="测试001儿童主任", work_phone="0755-0000 0002")
    shared.also_covers.add(communities["002"])
    Post.objects.create(kind=Post.Kind.DIRECTOR, division=communities["003"],
                        title="测试003儿童主任", filled=False)
    ChildPopulation.objects.create(division=communities["001"], children=2000)
    ChildPopulation.objects.create(division=communities["003"], children=1000)
    return street, communities


def test_community_rows(network):
    street, _ = network
    rows = {row.community.code[-3:]: row for row in unit_coverage(street).communities}

    assert rows["001"].director_filled
    assert rows["001"].nearest_children_home_m == pytest.approx(haversine_m(*A, *HOME), abs=1)
    assert rows["001"].points_per_10k == 5.0
    assert not rows["001"].children_home_gap

    assert rows["002"].director_filled  # covered by 001's shared post
    assert rows["002"].nearest_children_home_m == pytest.approx(haversine_m(*B, *HOME), abs=1)
    assert rows["002"].children_home_gap
    assert rows["002"].nearest_point_m == pytest.approx(haversine_m(*B, *CENTRE), abs=1)
    assert not rows["002"].point_gap
    assert rows["002"].points_per_10k is None  # population unknown

    assert not rows["003"].director_filled
    assert rows["003"].children_home_gap
    assert rows["003"].point_gap
    assert rows["003"].points_per_10k == 0.0


def test_street_totals_and_gaps(network):
    street, _ = network
    unit = unit_coverage(street)
    assert unit.point_count == 2
    assert unit.children is None  # one community's population is unknown
    assert (unit.supervisor_filled, unit.supervisor_posts) == (1, 1)
    assert (unit.director_filled, unit.director_posts) == (1, 2)
    assert unit.communities_with_director == 2
    assert [c.community.code for c in unit.children_home_gaps] == ["990100001002", "990100001003"]
    assert [c.community.code for c in unit.point_gaps] == ["990100001003"]
    assert [c.community.code for c in unit.director_gaps] == ["990100001003"]
    assert [p.title for p in unit.vacant_posts] == ["测试003儿童主任"]


def test_population_known_gives_rate(network):
    street, communities = network
    ChildPopulation.objects.create(division=communities["002"], children=1000)
    unit = unit_coverage(street)
    assert unit.children == 4000
    assert unit.points_per_10k == 5.0


def test_district_level_counts_streets(network):
    street, _ = network
    unit = unit_coverage(street.parent)
    assert len(unit.communities) == 3
    assert unit.supervisor_posts == 1


def test_region_api_has_posts_and_gaps(network, api_get):
    status, body = api_get("/api/v1/regions/990100001002")
    assert status == 200
    assert [p["title"] for p in body["posts"]] == ["测试001儿童主任"]
    assert body["posts"][0]["also_covers"] == ["990100001002"]
    assert body["coverage"]["communities_without_children_home_nearby"] == ["990100001002"]
    status, body = api_get("/api/v1/regions/990100001")
    assert body["coverage"]["vacant_posts"] == 1
    assert body["coverage"]["director_posts_filled"] == 1
    assert body["coverage"]["communities_without_service_point_nearby"] == ["990100001003"]


def test_sub_unit_rows_group_by_street(network):
    street, _ = network
    rows = sub_unit_rows(unit_coverage(street.parent), [street])
    assert len(rows) == 1
    assert rows[0].communities == 3
    assert rows[0].with_director == 2
    assert rows[0].children_home_gaps == 2
    assert rows[0].point_gaps == 1


def test_district_page_shows_street_gaps(network, client):
    page = client.get("/regions/990100/").content.decode()
    assert 'id="sub-unit-coverage"' in page
    assert "测试街道" in page
    assert "测试001社区" not in page  # communities are listed on the street's page
    street_page = client.get("/regions/990100001/").content.decode()
    assert "测试003儿童主任" in street_page
    assert "测试001社区" in street_page
