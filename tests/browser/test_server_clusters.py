"""Zoomed out, the map shows the server's clusters (/api/v1/clusters) instead of every marker."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_zoomed_out_map_uses_server_clusters(page, demo_server):
    page.goto(demo_server + "/")
    page.wait_for_selector(".marker-cluster, .leaflet-marker-icon", timeout=20_000)
    expect(page.locator(".server-cluster")).to_have_count(0)
    # The city opens at zoom 10; one step out is a regional view.
    with page.expect_response(re.compile(r"/api/v1/clusters\?.*zoom=9"), timeout=20_000) as answer:
        page.click(".leaflet-control-zoom-out")
    assert answer.value.ok
    total = answer.value.json()["count"]
    assert total > 1000
    clusters = page.locator(".server-cluster")
    expect(clusters.first).to_be_visible(timeout=20_000)
    expect(clusters.first).to_have_text(re.compile(r"^\d+$"))
    # Zooming back in returns to the page's own markers.
    page.click(".leaflet-control-zoom-in")
    expect(page.locator(".server-cluster")).to_have_count(0, timeout=20_000)
