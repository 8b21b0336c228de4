"""A demo server started by the tests themselves, and headless Chromium to drive it.

The server is `caremap demo --port N` in a child process on 127.0.0.1, on a fresh SQLite file,
or on a fresh PostgreSQL database when the suite runs against PostgreSQL.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

# The demo server's environment, so a test can run commands against the same database.
SERVER_ENV: dict[str, str] = {}
CHROMIUM = os.environ.get("CAREMAP_CHROMIUM", "/usr/bin/chromium")
# Flags that keep Chromium from calling any outside host on its own.
CHROMIUM_ARGS = [
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-default-apps", "--disable-domain-reliability",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _browser_database(action: str) -> str | None:
    """Create ("create") or drop ("drop") the server's PostgreSQL database; return its URL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    import psycopg

    # Named after the suite's database, so suites of several checkouts can run side by side.
    name = url.rsplit("/", 1)[1].split("?")[0] + "_browser"
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if action == "create":
            conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory):
    # A data directory that does not exist yet, as in a fresh clone: the demo must create it.
    return tmp_path_factory.mktemp("demo") / "var"


@pytest.fixture(scope="session")
def demo_server_log(tmp_path_factory):
    """The demo server's log file: its request lines and application logs."""
    return tmp_path_factory.getbasetemp() / "demo-server.log"


@pytest.fixture(scope="session")
def demo_server(demo_data_dir, demo_server_log):
    data_dir = demo_data_dir
    port = _free_port()
    env = {**os.environ, "CAREMAP_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    browser_db = _browser_database("create")
    if browser_db:
        env["DATABASE_URL"] = browser_db
    SERVER_ENV.update(env)
    log_path = demo_server_log
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "caremap.cli", "demo", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[2],
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/help/", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"demo server did not start; log:\n{log_path.read_text()}")
            time.sleep(0.5)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()
    _browser_database("drop")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install the Debian package 'chromium' "
                    "or set CAREMAP_CHROMIUM to its path")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request):
    """Run a test on a 360×740 phone and a 1280×800 desktop screen."""
    return request.param


@pytest.fixture
def context_at(browser):
    """Make browser contexts at a named viewport; all are closed after the test."""
    contexts = []

    def make(viewport_name, **options):
        options.setdefault("locale", "zh-CN")
        context = browser.new_context(viewport=VIEWPORTS[viewport_name], **options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()
