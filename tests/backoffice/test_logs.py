"""Request ids on every line, JSON in production, and no user position in any log."""

import io
import json
import logging

import pytest

from caremap.backoffice.logs import JsonFormatter, scrub

pytestmark = pytest.mark.django_db

POSITION = ("22.54321", "114.05678")


@pytest.fixture
def captured():
    """The configured console handler, writing into a buffer for the test."""
    handler = next(h for h in logging.getLogger().handlers
                   if any(type(f).__name__ == "ScrubLocationFilter" for f in h.filters))
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield handler, buffer
    handler.setStream(old)


def test_near_and_bbox_never_reach_the_logs(client, captured):
    handler, buffer = captured
    lat, lng = POSITION
    client.get("/api/v1/points", {"near": f"{lat},{lng}", "radius": "3000", "q": "儿童"})
    client.get("/api/v1/markers", {"bbox": f"113.9,{lat},{lng},22.6"})
    client.get("/api/v1/points", {"near": f"{lat},{lng}", "radius": "oops"})  # a 400
    client.get(f"/nowhere/?lat={lat}&lng={lng}")  # a 404, logged by Django itself
    logging.getLogger("caremap.test").warning("user asked near=%s,%s", lat, lng)
    text = buffer.getvalue()
    assert "request method=GET path=/api/v1/points" in text
    assert "near=[removed]" in text
    assert "bbox=[removed]" in text
    for number in POSITION:
        assert number not in text
    assert "q=%E5%84%BF%E7%AB%A5" in text  # the rest of the query is kept


def test_every_line_has_the_request_id(client, captured):
    handler, buffer = captured
    response = client.get("/api/v1/points", {"radius": "x"}, HTTP_X_REQUEST_ID="abcdef12-3456")
    assert response["X-Request-ID"] == "abcdef12-3456"
    lines = [line for line in buffer.getvalue().splitlines() if line]
    assert lines
    assert all("[abcdef12-3456]" in line for line in lines)


def test_json_lines_in_production_format(client, captured):
    handler, buffer = captured
    old = handler.formatter
    handler.setFormatter(JsonFormatter())
    try:
        client.get("/api/v1/points", {"near": ",".join(POSITION)})
    finally:
        handler.setFormatter(old)
    entries = [json.loads(line) for line in buffer.getvalue().splitlines() if line]
    access = [e for e in entries if e["logger"] == "caremap.access"]
    assert access
    assert len(access[0]["request_id"]) == 32
    assert POSITION[0] not in buffer.getvalue()


def test_scrub_handles_encoded_and_upper_case_names():
    assert scrub("GET /api/v1/points?NEAR=22.5%2C114.0&x=1") == \
        "GET /api/v1/points?NEAR=[removed]&x=1"
    assert scrub("lat%3D22.5") == "lat%3D[removed]"
