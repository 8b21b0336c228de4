import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("level", "count"), [("district", 10), ("street", 74), ("community", 783)])
def test_region_levels(api_get, level, count):
    status, body = api_get("/api/v1/regions", level=level)
    assert status == 200
    assert body["count"] == count


def test_special_zones_only_when_asked(api_get):
    _, body = api_get("/api/v1/regions", level="street", include_special="true")
    assert body["count"] == 79
    _, body = api_get("/api/v1/regions", level="community", include_special="true")
    assert body["count"] == 788


def test_dapeng_listed_with_its_streets(api_get):
    _, districts = api_get("/api/v1/regions", level="district")
    assert "大鹏新区" in [d["name"] for d in districts["results"]]
    _, streets = api_get("/api/v1/regions", level="street", parent="4403DP")
    assert sorted(s["name"] for s in streets["results"]) == ["南澳街道", "大鹏街道", "葵涌街道"]
    _, longgang = api_get("/api/v1/regions", level="street", parent="440307")
    assert "大鹏街道" not in [s["name"] for s in longgang["results"]]


def test_region_detail_counts(api_get):
    status, body = api_get("/api/v1/regions/440304")
    assert status == 200
    assert body["name"] == "福田区"
    assert body["point_count"] > 100
    assert body["children_count"] == 10


def test_region_errors(api_get):
    status, body = api_get("/api/v1/regions", level="planet")
    assert status == 400
    assert body["error"]["field"] == "level"
    status, body = api_get("/api/v1/regions/999999")
    assert status == 404
    assert "error" in body


def test_policies(api_get):
    status, body = api_get("/api/v1/policies")
    assert status == 200
    assert body["count"] >= 5
    numbers = [p["doc_number"] for p in body["results"]]
    assert "国发〔2016〕36号" in numbers
    _, provincial = api_get("/api/v1/policies", level="provincial")
    assert [p["doc_number"] for p in provincial["results"]] == ["粤民规字〔2019〕10号"]
    _, found = api_get("/api/v1/policies", q="事实无人抚养")
    assert found["count"] == 2
    status, _ = api_get("/api/v1/policies", level="galactic")
    assert status == 400


def test_policy_detail(api_get):
    _, body = api_get("/api/v1/policies")
    ident = body["results"][0]["id"]
    status, policy = api_get(f"/api/v1/policies/{ident}")
    assert status == 200
    assert policy["id"] == ident


def test_openapi_docs_served_locally(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/points" in schema["paths"]
