"""QR codes and share links, the service worker, the saved-list page, and logs without positions."""

import io
import logging

import pytest
import segno
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import override_settings

from caremap.directory.models import Location
from caremap.web.offline import shell_urls
from caremap.web.privacy import LocationScrubFilter, scrub_location

pytestmark = pytest.mark.django_db


def _point():
    return Location.objects.get(name="福田区特殊教育学校（演示）")


def _expected_svg(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=4, border=2, dark="#000", light="#fff", xmldecl=False, title=url)
    return out.getvalue()


@override_settings(CAREMAP_PUBLIC_BASE_URL="https://map.example.org")
def test_qr_code_encodes_public_share_url(client):
    point = _point()
    response = client.get(f"/points/{point.id}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == _expected_svg(f"https://map.example.org/points/{point.id}/")


@override_settings(CAREMAP_PUBLIC_BASE_URL="https://map.example.org")
def test_point_page_share_link_and_qr(client):
    point = _point()
    html = client.get(f"/points/{point.id}/").content.decode()
    assert f'value="https://map.example.org/points/{point.id}/"' in html
    assert f'src="/points/{point.id}/qr.svg"' in html


def test_qr_code_of_hidden_point_is_404(client):
    point = _point()
    Location.objects.filter(pk=point.pk).update(visibility="hidden")
    assert client.get(f"/points/{point.id}/qr.svg").status_code == 404


def test_point_page_shows_opening_state(client):
    html = client.get(f"/points/{_point().id}/", {"lang": "en"}).content.decode()
    assert 'class="opening is-' in html
    assert "Open now" in html or "Closed now" in html


def test_point_page_save_button_carries_the_point(client):
    point = _point()
    html = client.get(f"/points/{point.id}/").content.decode()
    assert f'data-id="{point.id}"' in html
    assert f'data-tel="{point.phones.first().tel}"' in html


def test_service_worker_script(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    for url in shell_urls():
        assert f'"{url}"' in body
    assert "__VERSION__" not in body


def test_every_shell_url_is_served(client):
    for url in shell_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        # Closing a response sends request_finished, which would close the test's database
        # connection inside its transaction; the test client disconnects it the same way.
        request_finished.disconnect(close_old_connections)
        try:
            response.close()  # static files are open file handles
        finally:
            request_finished.connect(close_old_connections)


def test_saved_and_offline_pages(client):
    assert "我的收藏" in client.get("/saved/").content.decode()
    assert "无法离线查看" in client.get("/offline/").content.decode()


def test_every_page_has_help_button_and_banner(client):
    for url in ("/", f"/points/{_point().id}/", "/policies/", "/help/", "/saved/", "/offline/"):
        html = client.get(url).content.decode()
        assert 'class="help-button" href="/help/"' in html, url
        assert "演示数据" in html, url


@pytest.mark.parametrize("message", [
    '"GET /api/v1/points?near=22.543100,114.057800&radius=5000&crs=wgs84 HTTP/1.1" 200 4887',
    '"GET /api/v1/markers?q=x&near=22.5431%2C114.0578 HTTP/1.1" 200 1',
    '"GET /api/v1/points?bbox=113.9,22.5,114.1,22.6 HTTP/1.1" 200 1',
])
def test_location_scrubbed_from_log_message(message):
    assert "22.5" not in scrub_location(message)
    assert "[removed]" in scrub_location(message)


def test_log_filter_rewrites_record_with_arguments():
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               ("GET /?near=22.5431,114.0578 HTTP/1.1", "200", "10"), None)
    assert LocationScrubFilter().filter(record) is True
    assert "22.5431" not in record.getMessage()


def test_configured_log_handlers_scrub_positions(client, caplog):
    handlers = [h for h in logging.getLogger().handlers
                if any(isinstance(f, LocationScrubFilter) for f in h.filters)]
    # pytest attaches capture handlers of its own; the configured ones are StreamHandlers.
    server_handlers = [h for h in logging.getLogger("django.server").handlers
                       if type(h) is logging.StreamHandler]
    assert server_handlers
    assert handlers
    assert all(any(isinstance(f, LocationScrubFilter) for f in h.filters) for h in server_handlers)
    caplog.set_level(logging.DEBUG)
    client.get("/api/v1/points", {"near": "22.543100,114.057800", "radius": "bad"})
    client.get("/api/v1/points", {"near": "22.543100,114.057800", "radius": "2000"})
    assert caplog.records
    for record in caplog.records:
        handlers[0].filter(record)
        assert "114.0578" not in record.getMessage()
