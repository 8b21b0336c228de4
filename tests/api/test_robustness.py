"""Malformed and hostile requests get 4xx in the error shape, and nothing staff-only leaks."""

import pytest

from caremap.directory.models import Location
from caremap.web.middleware import _tile_origin

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [
    "/api/v1/regions/%00",
    "/api/v1/regions/abc%00def",
    "/api/v1/regions?parent=%00",
    "/api/v1/policies?theme=%00",
    "/api/v1/points?q=%00",
])
def test_nul_byte_rejected_in_error_shape(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_too_many_fields_rejected(client):
    response = client.get("/api/v1/points?" + "&".join(["q=a"] * 1001))
    assert response.status_code == 400
    assert "error" in response.json()


def test_unknown_api_path_is_json_404(client, settings):
    settings.DEBUG = False
    response = client.get("/api/v1/nonexistent")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_page_is_chinese_404(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "找不到该页面" in response.content.decode()


@pytest.mark.parametrize("q", ["😀", "%", "*", '"', "ア", "한"])
def test_query_without_searchable_text_matches_nothing(api_get, q):
    status, body = api_get("/api/v1/points", q=q)
    assert status == 200
    assert body["count"] == 0


@pytest.mark.parametrize(("param", "value"), [
    ("page", "٢"), ("page", "２"), ("page", "1_0"), ("age", "６"), ("age", "6-"),
    ("near", "２２.543,114.058"), ("radius", "1_000"),
])
def test_non_ascii_numbers_rejected(api_get, param, value):
    params = {param: value}
    if param == "radius":
        params["near"] = "22.543,114.058"
    status, body = api_get("/api/v1/points", **params)
    assert status == 400
    assert body["error"]["field"] == param


def test_markers_leave_out_staff_only_longitude(api_get):
    point = Location.objects.get(name="福田区特殊教育学校（演示）")
    point.field_visibility = {"longitude": "staff"}
    point.save()
    _, body = api_get("/api/v1/markers")
    assert str(point.id) not in [m[0] for m in body["markers"]]


def test_dapeng_communities_listed_by_public_district(api_get):
    _, body = api_get("/api/v1/regions", level="community", parent="4403DP")
    assert body["count"] > 0
    assert {c["district"]["code"] for c in body["results"]} == {"4403DP"}


def test_head_request_allowed(client):
    assert client.head("/").status_code == 200
    assert client.head("/help/").status_code == 200


@pytest.mark.parametrize(("url", "origin"), [
    ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
    ("https://webrd0{s}.is.autonavi.com/appmaptile?x={x}", "https://*.is.autonavi.com"),
    ("https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=k", "https://*.tianditu.gov.cn"),
    ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
])
def test_tile_origin_is_valid_csp_source(settings, url, origin):
    settings.CAREMAP_TILE_LAYER = {**settings.CAREMAP_TILE_LAYER, "url": url}
    assert _tile_origin() == origin


@pytest.mark.parametrize(("method", "path"), [
    ("post", "/api/v1/points"),
    ("put", "/api/v1/regions"),
    ("delete", "/api/v1/policies"),
    ("post", "/api/hsds/services"),
])
def test_wrong_method_error_shape(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "GET" in response["Allow"]
    error = response.json()["error"]
    assert error["code"] == "method_not_allowed"
    assert method.upper() in error["message_zh"]
    assert method.upper() in error["message_en"]


@pytest.mark.parametrize("path", [
    "/api/v1/points", "/api/v1/regions", "/api/v1/clusters?bbox=113.7,22.4,114.7,22.9&zoom=10",
])
def test_api_head_answered_like_get(client, path):
    get = client.get(path)
    head = client.head(path)
    assert head.status_code == get.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head["Content-Length"] == get["Content-Length"]
    assert head.content == b""


def test_api_head_on_post_route_405(client):
    response = client.head("/api/v1/navigator")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "POST" in response["Allow"]


def test_wrong_method_outside_api_plain(client):
    response = client.put("/")
    assert response.status_code == 405
    assert not response["Content-Type"].startswith("application/json")
