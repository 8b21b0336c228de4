"""`caremap serve` (gunicorn, production settings) started by the tests on 127.0.0.1.

On a fresh SQLite file, or a fresh PostgreSQL database named after the suite's when the suite
runs on PostgreSQL.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# TLS ends at the reverse proxy in production, so the tests send the header that proxy sets.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # show the redirect itself to the test


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def get(self, path: str, headers=None):
        request = urllib.request.Request(self.url + path, headers={**PROXY_HEADERS, **(headers or {})})
        try:
            with _OPENER.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_database(*statements: str) -> str | None:
    """Run statements on the server's own PostgreSQL database (`<test name>_serve`)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0] + "_serve"
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(f"{statement} {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def _database_url(data_dir: Path) -> str:
    fresh = _serve_database("DROP DATABASE IF EXISTS", "CREATE DATABASE")
    return fresh or f"sqlite:///{data_dir / 'serve.sqlite3'}"


def production_env(data_dir: Path, **extra) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "caremap.settings_production",
           "CAREMAP_SECRET_KEY": secrets.token_urlsafe(50),
           "CAREMAP_ALLOWED_HOSTS": "127.0.0.1", "CAREMAP_DATA_DIR": str(data_dir),
           "DATABASE_URL": _database_url(data_dir), "PYTHONUNBUFFERED": "1", **extra}
    return env


def start(data_dir: Path, workers: int = 2, **extra_env) -> Server:
    env = production_env(data_dir, **extra_env)
    subprocess.run([sys.executable, "-m", "caremap.cli", "migrate", "-v", "0"], env=env,
                   cwd=ROOT, check=True, timeout=600)
    subprocess.run([sys.executable, "-m", "caremap.cli", "setupdemo", "-v", "0"], env=env,
                   cwd=ROOT, check=True, timeout=600)
    port = free_port()
    log = data_dir / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "caremap.cli", "serve", "--port", str(port), "--workers",
             str(workers)],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    # collectstatic (compressing every file) runs first; give it time on a busy machine.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"caremap serve stopped: {log.read_text()}")
        try:
            if server.get("/api/v1/policies")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    process.terminate()
    raise RuntimeError(f"caremap serve did not answer: {log.read_text()}")


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=30)
    _serve_database("DROP DATABASE IF EXISTS")
