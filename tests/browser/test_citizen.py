"""The citizen's pages in headless Chromium, on a 360×740 phone and a 1280×800 desktop screen.

Search, filters, near me, a point page with its call, navigation, share and save actions, the
saved list, the English switch, the help button, privacy, offline reload, text at 200 %.
"""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from caremap.geo.crs import BD09, GCJ02, from_wgs84

pytestmark = pytest.mark.browser

TARGET = "福田区特殊教育学校（演示）"
SHENZHEN_CIVIC_CENTRE = {"latitude": 22.543, "longitude": 114.058}


def open_map(context, server):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server + "/")
    expect(page.locator("#results")).to_have_attribute("data-loaded", re.compile(r"\d"), timeout=20_000)
    page.errors = errors
    return page


def show_list(page, viewport):
    """On a phone the list and the map take turns; show the list."""
    if viewport == "phone":
        page.click(".toggle-button[data-view=list]")
    expect(page.locator("#result-list")).to_be_visible()


def search(page, text):
    page.fill("#q", text)
    page.click("#search-form button[type=submit]")


def open_target_point(page, viewport, server):
    search(page, TARGET.removesuffix("（演示）"))
    expect(page.locator("#result-list .result-name").first).to_have_text(TARGET, timeout=10_000)
    show_list(page, viewport)
    page.locator("#result-list .result-name").first.click()
    page.wait_for_url("**/points/**")
    expect(page.locator("h1")).to_have_text(TARGET)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_search_shows_matching_points(context_at, demo_server, viewport):
    page = open_map(context_at(viewport), demo_server)
    search(page, "福田 心理")
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^14 "), timeout=10_000)
    show_list(page, viewport)
    expect(page.locator("#result-list .result-name").first).to_have_text("福田区青少年心理健康服务站（演示）")
    assert no_horizontal_scroll(page)
    assert page.errors == []


def test_single_result_is_shown_at_street_zoom(context_at, demo_server, viewport):
    page = open_map(context_at(viewport), demo_server)
    search(page, TARGET.removesuffix("（演示）"))
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^1 "), timeout=10_000)
    expect(page.locator("#map")).to_have_attribute("data-zoom", "15")
    expect(page.locator(".leaflet-marker-icon:not(.marker-cluster)")).to_have_count(1)


def test_open_now_filter(context_at, demo_server, viewport):
    page = open_map(context_at(viewport), demo_server)
    total = int(page.locator("#result-count").inner_text().split()[0])
    page.click(".filters summary")
    loaded = page.locator("#results").get_attribute("data-loaded")
    page.check("input[name=open_now]")
    expect(page.locator("#results")).not_to_have_attribute("data-loaded", loaded, timeout=10_000)
    open_count = int(page.locator("#result-count").inner_text().split()[0])
    show_list(page, viewport)
    openings = page.locator("#result-list .result-opening").all_inner_texts()
    assert all(text.startswith("正在开放") for text in openings)
    assert len(openings) == min(open_count, 50)
    # Every demo point has a schedule, so the open and the closed ones make up the whole set.
    page.uncheck("input[name=open_now]")
    expect(page.locator("#result-count")).to_have_text(re.compile(rf"^{total} "), timeout=10_000)
    response = page.request.get(demo_server + "/api/v1/points?open_now=false&page_size=1")
    assert response.json()["count"] + open_count == total
    assert open_count > 0  # the demo has places open around the clock


def test_near_me_sorted_position_not_logged(context_at, demo_server, demo_server_log,
                                                        viewport):
    context = context_at(viewport, geolocation=SHENZHEN_CIVIC_CENTRE, permissions=["geolocation"])
    page = open_map(context, demo_server)
    page.click("#near-me")
    show_list(page, viewport)
    expect(page.locator("#result-list .result-meta").first).to_contain_text("米", timeout=10_000)
    metas = page.locator("#result-list .result-meta").all_inner_texts()
    distances = [int(m.rsplit("·", 1)[1].split()[0]) for m in metas]
    assert distances == sorted(distances)
    assert no_horizontal_scroll(page)

    log = demo_server_log.read_text()
    assert "near=[removed]" in log
    assert "22.543" not in log
    assert "114.058" not in log


def test_point_page_call_and_navigation_links(context_at, demo_server, viewport):
    context = context_at(viewport)
    page = open_map(context, demo_server)
    open_target_point(page, viewport, demo_server)
    call = page.locator("a.call").first
    expect(call).to_have_attribute("href", re.compile(r"^tel:\+86-755-0\d+"))
    assert call.bounding_box()["height"] >= 44

    point_id = page.url.rstrip("/").rsplit("/", 1)[1]
    detail = page.request.get(f"{demo_server}/api/v1/points/{point_id}").json()
    lat, lng = detail["location"]["lat"], detail["location"]["lng"]
    glat, glng = from_wgs84(lat, lng, GCJ02)
    blat, blng = from_wgs84(lat, lng, BD09)
    links = {a.inner_text(): a.get_attribute("href") for a in page.locator(".nav-links a").all()}

    amap = parse_qs(urlsplit(links["高德地图"]).query)
    a_lng, a_lat = (float(v) for v in amap["position"][0].split(","))
    assert (round(a_lat, 6), round(a_lng, 6)) == (round(glat, 6), round(glng, 6))
    baidu = parse_qs(urlsplit(links["百度地图"]).query)
    b_lat, b_lng = (float(v) for v in baidu["location"][0].split(","))
    assert (round(b_lat, 6), round(b_lng, 6)) == (round(blat, 6), round(blng, 6))
    assert baidu["coord_type"] == ["bd09ll"]
    tencent = parse_qs(urlsplit(links["腾讯地图"]).query)
    t_lat, t_lng = (float(v) for v in tencent["marker"][0].split(";")[0].removeprefix("coord:").split(","))
    assert (round(t_lat, 6), round(t_lng, 6)) == (round(glat, 6), round(glng, 6))
    # The systems really differ here: GCJ-02 is offset from WGS-84 by a few hundred metres.
    assert abs(glng - lng) > 0.003

    # The link opens the map app's page in a new tab; a local route fulfils the request.
    context.route("https://uri.amap.com/**", lambda route: route.fulfill(body="amap", content_type="text/plain"))
    with page.expect_popup() as popup_info:
        page.click("text=高德地图")
    assert popup_info.value.url == links["高德地图"]
    assert page.errors == []


def test_share_link_and_qr_code(context_at, demo_server, viewport):
    context = context_at(viewport, permissions=["clipboard-read", "clipboard-write"])
    page = open_map(context, demo_server)
    open_target_point(page, viewport, demo_server)
    share_url = page.locator("#share-url").input_value()
    point_id = page.url.rstrip("/").rsplit("/", 1)[1]
    assert share_url.endswith(f"/points/{point_id}/")
    page.click("#share-point")
    expect(page.locator("#share-status")).to_have_text("链接已复制。")
    assert page.evaluate("navigator.clipboard.readText()") == share_url
    qr = page.locator(".qr img")
    expect(qr).to_be_visible()
    assert page.evaluate("document.querySelector('.qr img').naturalWidth") > 0
    assert no_horizontal_scroll(page)


def test_saved_list_is_kept_printable_and_shareable(context_at, demo_server, viewport):
    context = context_at(viewport, permissions=["clipboard-read", "clipboard-write"])
    page = open_map(context, demo_server)
    open_target_point(page, viewport, demo_server)
    point_id = page.url.rstrip("/").rsplit("/", 1)[1]
    page.click("#save-point")
    expect(page.locator("#save-point")).to_have_attribute("aria-pressed", "true")

    page.goto(demo_server + "/saved/")
    expect(page.locator("#saved-list .saved-name")).to_have_text([TARGET])
    expect(page.locator("#saved-list a.call")).to_have_attribute("href", re.compile(r"^tel:"))
    stored = json.loads(page.evaluate("localStorage.getItem('caremap.saved')"))
    assert [item["id"] for item in stored] == [point_id]

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("#saved-list .saved-name")).to_be_visible()
    page.emulate_media(media="screen")

    page.click("#share-saved")
    shared = page.evaluate("navigator.clipboard.readText()")
    assert shared == f"{demo_server}/saved/?ids={point_id}"

    # Someone else opens the shared link: the list is read from the API, and can be kept.
    other = context_at(viewport).new_page()
    other.goto(shared)
    expect(other.locator("#shared-list .saved-name")).to_have_text([TARGET])
    expect(other.locator("#saved-empty")).to_be_visible()
    other.click("#keep-shared")
    expect(other.locator("#saved-list .saved-name")).to_have_text([TARGET])

    # Removing empties the list again.
    page.reload()
    page.click("#saved-list .remove")
    expect(page.locator("#saved-list .saved-item")).to_have_count(0)
    expect(page.locator("#saved-empty")).to_be_visible()


def test_english_switch_is_remembered(context_at, demo_server, viewport):
    context = context_at(viewport)
    page = open_map(context, demo_server)
    page.click(".lang-switch")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#search-form button[type=submit]")).to_have_text("Search")
    expect(page.locator("#results")).to_have_attribute("data-loaded", re.compile(r"\d"), timeout=20_000)
    search(page, "福田 心理")
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^14 results"), timeout=10_000)
    page.click(".help-button")
    expect(page.locator("h1")).to_have_text("Get help now")
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    assert cookies["caremap_language"] == "en"
    page.click(".lang-switch")
    expect(page.locator("h1")).to_have_text("立即求助")
    assert no_horizontal_scroll(page)


def test_help_is_one_tap_from_the_map(context_at, demo_server, viewport):
    page = open_map(context_at(viewport), demo_server)
    help_button = page.locator(".help-button")
    box = help_button.bounding_box()
    assert box["y"] + box["height"] <= 740  # visible without scrolling on either screen
    assert box["height"] >= 44
    help_button.click()
    page.wait_for_url("**/help/")
    for number in ("110", "120", "12355"):
        expect(page.locator(f'a.call[href="tel:{number}"]')).to_be_visible()
    expect(page.locator("#report-abuse")).to_be_visible()
    expect(page.locator(".demo-banner")).to_be_visible()


def test_phone_controls_within_thumb_reach(context_at, demo_server):
    page = open_map(context_at("phone"), demo_server)
    for selector in ("#q", "#near-me", ".toggle-button[data-view=list]"):
        box = page.locator(selector).bounding_box()
        assert box["y"] >= 740 / 2, selector  # lower half of the screen
        assert box["y"] + box["height"] <= 740, selector
        assert box["height"] >= 44, selector


def test_privacy_no_foreign_requests_or_tracking_cookies(context_at, demo_server, viewport):
    context = context_at(viewport)
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    page = open_map(context, demo_server)
    open_target_point(page, viewport, demo_server)
    page.goto(demo_server + "/help/")
    page.goto(demo_server + "/saved/")
    own = urlsplit(demo_server).netloc
    assert [u for u in requested if urlsplit(u).scheme.startswith("http") and urlsplit(u).netloc != own] == []
    # CSRF protects forms; no cookie identifies or follows the visitor.
    assert {c["name"] for c in context.cookies()} <= {"csrftoken"}


def test_offline_reload_shows_shell_and_last_results(context_at, demo_server, viewport):
    context = context_at(viewport)
    page = open_map(context, demo_server)
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true", timeout=20_000)
    search(page, "福田 心理")
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^14 "), timeout=10_000)
    page.locator("#result-list .result-name").first.wait_for(state="attached")
    point_url = demo_server + page.locator("#result-list .result-name").first.get_attribute("href")
    page.goto(point_url)
    expect(page.locator("h1")).to_have_text("福田区青少年心理健康服务站（演示）")
    page.goto(demo_server + "/admin/login/")  # a staff page: never kept by the service worker
    page.goto(demo_server + "/")
    expect(page.locator("#results")).to_have_attribute("data-loaded", re.compile(r"\d"), timeout=20_000)

    context.set_offline(True)
    page.reload()
    expect(page.locator("#offline-notice")).to_be_visible()
    expect(page.locator("#status")).to_have_text("没有网络：以下是您最近一次加载的结果。", timeout=10_000)
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^\d+ "))
    assert page.locator("path.leaflet-interactive").count() >= 9  # outlines from the cache
    page.goto(point_url)
    expect(page.locator("h1")).to_have_text("福田区青少年心理健康服务站（演示）")
    page.goto(demo_server + "/help/")
    expect(page.locator('a.call[href="tel:110"]')).to_be_visible()
    with pytest.raises(PlaywrightError):
        page.goto(demo_server + "/admin/login/")
    context.set_offline(False)


def _point_path(page, demo_server):
    found = page.request.get(demo_server + "/api/v1/points?q=" + TARGET.removesuffix("（演示）")).json()
    return f"/points/{found['results'][0]['id']}/"


# Every public page, those of the policy, network and project apps included.
PUBLIC_PAGES = ["/", "point", "/policies/", "/help/", "/saved/", "/navigator/", "/regions/440300/",
                "/projects/", "/stats/", "/news/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_sideways_scroll_at_200_percent(context_at, demo_server, path):
    page = context_at("phone").new_page()
    if path == "point":
        path = _point_path(page, demo_server)
    page.goto(demo_server + path)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    page.wait_for_timeout(100)
    assert no_horizontal_scroll(page)
    page.evaluate("document.documentElement.style.fontSize = ''")
    page.click("#large-text")
    expect(page.locator("html")).to_have_class(re.compile("large-text"))
    assert no_horizontal_scroll(page)


def test_large_text_mode_is_remembered(context_at, demo_server, viewport):
    page = context_at(viewport).new_page()
    page.goto(demo_server + "/help/")
    before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.click("#large-text")
    expect(page.locator("#large-text")).to_have_attribute("aria-pressed", "true")
    page.goto(demo_server + "/policies/")
    expect(page.locator("html")).to_have_class(re.compile("large-text"))
    after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert after >= before * 1.25
