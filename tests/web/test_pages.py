import re

import pytest

from caremap.directory.models import Location

pytestmark = pytest.mark.django_db

BANNER_ZH = "演示数据"


def _point_url():
    return f"/points/{Location.objects.order_by('name').first().id}/"


@pytest.fixture(params=["/", "point", "/policies/", "/help/"])
def page_url(request):
    return _point_url() if request.param == "point" else request.param


def test_public_page_renders_in_chinese_with_banner(client, page_url):
    response = client.get(page_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert BANNER_ZH in html
    assert "儿童关爱服务资源地图" in html


def test_english_through_accept_language(client, page_url):
    html = client.get(page_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Child Care Service Map" in html


def test_pages_load_nothing_from_other_hosts(client, page_url):
    html = client.get(page_url).content.decode()
    for attr in re.findall(r'(?:src|href)="([^"]+)"', html):
        external = attr.startswith(("http:", "https:", "//"))
        if external:
            # Outbound links (navigation apps, the share link) are fine; loaded assets are not.
            assert not re.search(rf'<(?:script|link|img)[^>]+"{re.escape(attr)}"', html), attr


def test_security_headers(client, page_url):
    response = client.get(page_url)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(client, page_url):
    html = client.get(page_url).content.decode()
    for match in re.finditer(r"<script([^>]*)>(.*?)</script>", html, re.S):
        attrs, body = match.groups()
        assert "src=" in attrs or 'type="application/json"' in attrs, body[:80]


def test_point_page_fields(client):
    point = Location.objects.get(name="福田区特殊教育学校（演示）")
    html = client.get(f"/points/{point.id}/").content.decode()
    assert point.name in html
    assert point.address in html
    phone = point.phones.first()
    assert f'href="tel:{phone.tel}"' in html
    assert "uri.amap.com" in html
    assert "api.map.baidu.com" in html
    assert "apis.map.qq.com" in html
    assert point.hours_text in html


def test_point_page_navigation_coordinates(client):
    from caremap.geo.crs import from_wgs84

    point = Location.objects.get(name="福田区特殊教育学校（演示）")
    html = client.get(f"/points/{point.id}/").content.decode()
    glat, glng = from_wgs84(point.latitude, point.longitude, "gcj02")
    blat, blng = from_wgs84(point.latitude, point.longitude, "bd09")
    assert f"position={glng:.6f},{glat:.6f}" in html
    assert f"location={blat:.6f},{blng:.6f}" in html


def test_staff_only_address_not_on_page(client):
    point = Location.objects.get(name="福田区未成年人救助保护中心（演示）")
    Location.objects.filter(pk=point.pk).update(field_visibility={"address": "staff"})
    html = client.get(f"/points/{point.id}/").content.decode()
    assert point.address not in html


def test_hidden_point_is_404(client):
    point = Location.objects.get(name="福田区特殊教育学校（演示）")
    Location.objects.filter(pk=point.pk).update(visibility="hidden")
    assert client.get(f"/points/{point.id}/").status_code == 404


def test_hostile_text_is_escaped(client):
    point = Location.objects.get(name="福田区特殊教育学校（演示）")
    Location.objects.filter(pk=point.pk).update(name='<script>alert("x")</script>')
    html = client.get(f"/points/{point.id}/").content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_policies_page_marks_unverified(client):
    html = client.get("/policies/").content.decode()
    assert "国发〔2016〕36号" in html
    assert "未核实" in html


def test_help_page_hotlines(client):
    html = client.get("/help/").content.decode()
    for number in ("110", "120", "12355", "12338", "12345"):
        assert f'href="tel:{number}"' in html


def test_outlines_geojson(client):
    data = client.get("/outlines.geojson").json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 9


def test_share_link_follows_request_host(client):
    point = Location.objects.order_by("name").first()
    html = client.get(f"/points/{point.id}/", HTTP_HOST="127.0.0.1:8124").content.decode()
    assert f'value="http://127.0.0.1:8124/points/{point.id}/"' in html


def test_share_link_uses_configured_base(client, settings):
    settings.CAREMAP_PUBLIC_BASE_URL = "https://caremap.example.org"
    point = Location.objects.order_by("name").first()
    html = client.get(f"/points/{point.id}/").content.decode()
    assert f'value="https://caremap.example.org/points/{point.id}/"' in html


def test_banner_after_real_records_added(client, settings):
    settings.CAREMAP_DEMO_BANNER = "auto"
    all_demo = client.get("/").content.decode()
    assert "本站显示的服务点均为演示生成" in all_demo

    real = Location.objects.filter(is_demo=True).first()
    real.pk = None
    real.is_demo = False
    real.save()
    mixed = client.get("/").content.decode()
    assert "标有“演示”的服务点为演示生成" in mixed
    assert "本站显示的服务点均为演示生成" not in mixed

    Location.objects.filter(is_demo=True).delete()
    assert BANNER_ZH not in client.get("/").content.decode()
