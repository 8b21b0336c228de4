"""The map page in headless Chromium: markers, search, a point page, nothing from other hosts."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _record_requests(page, server_url):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    return requested


def _foreign(urls, server_url):
    own = urlsplit(server_url).netloc
    return [u for u in urls if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != own]


def test_map_search_and_point_page(page, demo_server):
    requested = _record_requests(page, demo_server)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(demo_server + "/")
    page.wait_for_selector(".marker-cluster, .leaflet-marker-icon", timeout=20_000)
    assert page.locator(".demo-banner").is_visible()
    assert page.locator("path.leaflet-interactive").count() >= 9  # district outlines

    page.fill("#q", "福田 心理")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^14 "), timeout=10_000)
    first = page.locator("#result-list .result-name").first
    assert first.inner_text() == "福田区青少年心理健康服务站（演示）"

    first.click()
    page.wait_for_url("**/points/**")
    assert page.locator("h1").inner_text() == "福田区青少年心理健康服务站（演示）"
    call = page.locator("a.call").first
    assert call.get_attribute("href").startswith("tel:+86-755-0")
    assert page.locator(".demo-banner").is_visible()

    assert errors == []
    assert _foreign(requested, demo_server) == []


def test_filters_narrow_results(page, demo_server):
    page.goto(demo_server + "/")
    page.wait_for_selector("#result-list .result", timeout=20_000)
    page.click(".filters summary")
    page.select_option("select[name=category]", "special-education-school")
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^10 "), timeout=10_000)
    page.select_option("#district", "440304")
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^1 "), timeout=10_000)
    expect(page.locator("#result-list .result-name")).to_have_text("福田区特殊教育学校（演示）")
    # One result is shown as a single marker, not a cluster.
    expect(page.locator(".leaflet-marker-icon:not(.marker-cluster)")).to_have_count(1)


def test_near_me_with_mocked_location(browser, demo_server):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, geolocation={"latitude": 22.543, "longitude": 114.058},
        permissions=["geolocation"], locale="zh-CN",
    )
    page = context.new_page()
    page.goto(demo_server + "/")
    page.click(".toggle-button[data-view=list]")  # a phone shows the map or the list
    page.wait_for_selector("#result-list .result", timeout=20_000)
    page.click("#near-me")
    page.wait_for_selector("#result-list .result-meta:has-text('米')", timeout=10_000)
    metas = page.locator("#result-list .result-meta").all_inner_texts()
    distances = [int(m.rsplit("·", 1)[1].split()[0]) for m in metas]
    assert distances == sorted(distances)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_district_tooltip_shows_name_as_text(page, demo_server):
    # A district name with markup, served in place of the outlines: the tooltip shows the
    # characters, and no element is made from them.
    hostile = '<img src="x" id="injected">福田区'
    outline = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": hostile},
        "geometry": {"type": "Polygon", "coordinates": [[[114.0, 22.5], [114.1, 22.5],
                                                         [114.1, 22.6], [114.0, 22.5]]]},
    }]}
    page.route("**/outlines.geojson", lambda route: route.fulfill(json=outline))
    page.goto(demo_server + "/")
    outline_path = page.locator("path.leaflet-interactive").first
    outline_path.wait_for(timeout=20_000)
    outline_path.dispatch_event("mouseover")
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_have_text(hostile, timeout=5_000)
    assert page.locator("#injected").count() == 0
