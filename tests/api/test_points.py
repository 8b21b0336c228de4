import pytest

from caremap.geo.crs import wgs84_to_gcj02
from caremap.geo.distance import haversine_m

pytestmark = pytest.mark.django_db

POINTS = "/api/v1/points"


def assert_error_shape(body, field=None):
    error = body["error"]
    assert set(error) == {"code", "message_zh", "message_en", "field"}
    assert error["message_zh"]
    assert error["message_en"]
    if field:
        assert error["field"] == field


def test_points_count_at_least_1500(api_get):
    status, body = api_get(POINTS)
    assert status == 200
    assert body["count"] >= 1500
    assert len(body["results"]) == 20


def test_point_summary_fields(api_get):
    _, body = api_get(POINTS, page_size=1)
    point = body["results"][0]
    for key in ("id", "name", "category", "department", "address", "region", "location",
                "phones", "hours_text", "open_now"):
        assert key in point, key
    assert set(point["region"]) == {"district", "street", "community"}
    assert point["location"]["crs"] == "wgs84"


def test_json_is_utf8_not_escaped(client):
    response = client.get(POINTS, {"q": "福田", "page_size": 1})
    assert "福田".encode() in response.content
    assert b"\\u" not in response.content


def test_near_radius_orders_by_distance(api_get):
    status, body = api_get(POINTS, near="22.543,114.058", radius=2000, page_size=100)
    assert status == 200
    distances = [r["distance_m"] for r in body["results"]]
    assert distances
    assert distances == sorted(distances)
    assert all(d <= 2000 for d in distances)
    first = body["results"][0]["location"]
    assert abs(haversine_m(22.543, 114.058, first["lat"], first["lng"]) - distances[0]) < 1


def test_crs_gcj02_shifts_output(api_get):
    _, plain = api_get(POINTS, page_size=1)
    _, shifted = api_get(POINTS, page_size=1, crs="gcj02")
    a, b = plain["results"][0]["location"], shifted["results"][0]["location"]
    assert b["crs"] == "gcj02"
    expected = wgs84_to_gcj02(a["lat"], a["lng"])
    assert abs(b["lat"] - expected[0]) < 1e-5
    assert abs(b["lng"] - expected[1]) < 1e-5
    assert 200 < haversine_m(a["lat"], a["lng"], b["lat"], b["lng"]) < 700


def test_crs_applies_to_near_input(api_get):
    lat, lng = wgs84_to_gcj02(22.543, 114.058)
    _, wgs = api_get(POINTS, near="22.543,114.058", radius=1500)
    _, gcj = api_get(POINTS, near=f"{lat},{lng}", radius=1500, crs="gcj02")
    assert [r["id"] for r in wgs["results"]] == [r["id"] for r in gcj["results"]]


@pytest.mark.parametrize(("param", "value"), [
    ("category", "special-education-school"),
    ("department", "education"),
    ("department", "教育"),
    ("district", "440304"),
    ("street", "440304001"),
    ("community", "440304001020"),
    ("target_group", "orphans"),
    ("service", "mental-health"),
    ("age", "5"),
    ("age", "12-17"),
    ("free", "true"),
    ("free", "false"),
    ("open_now", "true"),
    ("bbox", "114.0,22.5,114.1,22.6"),
])
def test_filters_return_matching_points(api_get, param, value):
    status, body = api_get(POINTS, **{param: value}, page_size=100)
    assert status == 200
    assert body["count"] > 0
    for point in body["results"]:
        if param == "category":
            assert point["category"]["code"] == value
        elif param == "department":
            assert point["department"]["code"] == "education"
        elif param in ("district", "street", "community"):
            assert point["region"][param]["code"] == value
        elif param == "free":
            assert point["is_free"] is (value == "true")
        elif param == "open_now":
            assert point["open_now"] is True
        elif param == "bbox":
            assert 114.0 <= point["location"]["lng"] <= 114.1
            assert 22.5 <= point["location"]["lat"] <= 22.6


def test_age_filter_respects_eligibility(api_get, django_db_blocker):
    from caremap.directory.models import Location

    _, body = api_get(POINTS, age="1", page_size=100)
    ids = [r["id"] for r in body["results"]]
    for loc in Location.objects.filter(id__in=ids):
        assert loc.min_age is None or loc.min_age <= 1
        assert loc.max_age is None or loc.max_age >= 1


def test_paging(api_get):
    _, first = api_get(POINTS, page=1, page_size=5)
    _, second = api_get(POINTS, page=2, page_size=5)
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    assert first["count"] == second["count"]


def test_facets_ignore_their_own_filter(api_get):
    _, all_points = api_get(POINTS)
    _, one = api_get(POINTS, category="hospital")
    assert one["facets"]["category"] == all_points["facets"]["category"]
    assert one["facets"]["department"] == {"health": one["count"]}
    assert sum(one["facets"]["district"].values()) == one["count"]


@pytest.mark.parametrize(("param", "value"), [
    ("near", "abc"),
    ("near", "22.5"),
    ("near", "95,114"),
    ("near", "nan,114"),
    ("radius", "2000"),  # radius without near
    ("page_size", "-5"),
    ("page_size", "101"),
    ("page", "0"),
    ("page", "x"),
    ("age", "18"),
    ("age", "old"),
    ("free", "maybe"),
    ("open_now", "2"),
    ("bbox", "1,2,3"),
    ("bbox", "114.1,22.5,114.0,22.6"),
    ("crs", "mars"),
    ("district", "<script>"),
    ("district", "福田"),
    ("street", "福田区"),
    ("category", "a b"),
    ("q", "长" * 101),
    ("nonsense", "1"),
])
def test_bad_parameters_get_400_in_error_shape(api_get, param, value):
    status, body = api_get(POINTS, **{param: value})
    assert status == 400
    assert_error_shape(body)


@pytest.mark.parametrize(("param", "name", "code"), [
    ("district", "福田区", "440304"),
    ("district", "大鹏新区", "4403DP"),
])
def test_division_name_filters_as_code(api_get, param, name, code):
    _, by_code = api_get(POINTS, **{param: code})
    status, by_name = api_get(POINTS, **{param: name})
    assert status == 200
    assert by_code["count"] > 0
    assert by_name["count"] == by_code["count"]


def test_unknown_division_name_rejected(api_get):
    status, body = api_get(POINTS, district="福田")
    assert status == 400
    assert_error_shape(body, "district")
    assert "行政区划代码" in body["error"]["message_zh"]


def test_bad_value_error_names_field(api_get):
    _, body = api_get(POINTS, near="abc")
    assert_error_shape(body, "near")
    assert "near" in body["error"]["message_zh"]


def test_point_detail(api_get):
    _, listing = api_get(POINTS, page_size=1)
    ident = listing["results"][0]["id"]
    status, point = api_get(f"{POINTS}/{ident}")
    assert status == 200
    assert point["id"] == ident
    assert point["services"]
    assert point["target_groups"]
    assert "last_verified" in point


def test_point_detail_unknown_and_malformed(api_get):
    status, body = api_get(f"{POINTS}/00000000-0000-0000-0000-000000000000")
    assert status == 404
    assert_error_shape(body)
    status, body = api_get(f"{POINTS}/not-a-uuid")
    assert status == 400
    assert_error_shape(body, "id")


def test_hidden_points_absent(api_get):
    from caremap.directory.models import Location

    point = Location.objects.get(name="福田区特殊教育学校（演示）")
    Location.objects.filter(pk=point.pk).update(visibility="staff")
    status, _ = api_get(f"{POINTS}/{point.id}")
    assert status == 404


def test_staff_only_address_left_out(api_get):
    from caremap.directory.models import Location

    point = Location.objects.get(name="福田区未成年人救助保护中心（演示）")
    Location.objects.filter(pk=point.pk).update(field_visibility={"address": "staff"})
    _, body = api_get(f"{POINTS}/{point.id}")
    assert "address" not in body
    assert point.address not in str(body)


def test_markers_for_map(api_get):
    status, body = api_get("/api/v1/markers", district="440304")
    assert status == 200
    assert body["count"] > 100
    ident, lat, lng, name, category = body["markers"][0]
    assert 22 < lat < 23
    assert 113 < lng < 115
