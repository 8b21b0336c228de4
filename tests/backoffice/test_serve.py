"""`caremap serve`: gunicorn workers, hashed static files, HTTPS headers; and a schemathesis
run over the OpenAPI document against it."""

import re
from pathlib import Path

import hypothesis
import pytest
import schemathesis

from . import server as srv

ERROR_KEYS = {"code", "message_zh", "message_en", "field"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    # Rate limits off: schemathesis would otherwise be taken for abuse.
    running = srv.start(tmp_path_factory.mktemp("serve"), workers=2,
                        CAREMAP_RATE_LIMIT_API="0/60")
    yield running
    srv.stop(running)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_gunicorn_runs_several_workers(served):
    assert len(_children(served.process.pid)) == 2
    assert "gunicorn" in Path(f"/proc/{served.process.pid}/cmdline").read_text()


def test_static_files_have_hashed_names_and_long_caching(served):
    status, headers, body = served.get("/")
    assert status == 200
    css = re.search(r'href="(/static/caremap/site\.[0-9a-f]{12}\.css)"', body.decode())
    assert css, "the page links the hashed stylesheet"
    status, headers, _ = served.get(css.group(1))
    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]


def test_https_headers_and_csp(served):
    status, headers, _ = served.get("/")
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    # Plain HTTP (no proxy saying https) is sent to https.
    status, headers, _ = served.get("/", headers={"X-Forwarded-Proto": "http"})
    assert status == 301
    assert headers["Location"].startswith("https://")


def test_openapi_document_no_5xx_and_bilingual_4xx(served):
    """Generated requests for every operation: never a 5xx; every 4xx in the error shape."""
    schema = schemathesis.openapi.from_url(f"{served.url}/api/openapi.json",
                                           headers=srv.PROXY_HEADERS)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    seen = {}

    for operation in operations:
        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(max_examples=25, deadline=None, derandomize=True, database=None,
                             suppress_health_check=list(hypothesis.HealthCheck))
        def run(case):
            response = case.call(headers=srv.PROXY_HEADERS)
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            assert response.status_code < 500, (case.path, case.query, response.status_code)
            if response.status_code >= 400:
                body = response.json()
                assert set(body["error"]) == ERROR_KEYS, (case.path, case.query, body)
                assert body["error"]["message_zh"]
                assert body["error"]["message_en"]

        run()
    assert sum(seen.values()) >= len(operations) * 5
