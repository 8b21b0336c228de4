"""Measure the search layer on a national data set: in-process, over HTTP, and against Datasette.

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/python bench/measure.py --database sqlite:///$PWD/var/bench/national.sqlite3 --datasette
    .venv/bin/python bench/measure.py --database postgres://postgres@127.0.0.1:5432/caremap_bench

For each query type, a seeded sample of query instances (positions taken from the data set's
own points) is run in-process through `run_query` / `clusters`, then over HTTP through the
whole Django stack (gunicorn, one worker, on 127.0.0.1), and, with --datasette on a SQLite file,
through Datasette on the same file: (a) with its own table API (`_search`, `_where`, `_facet`,
`_sort`, `_size`) and (b) running the exact SQL our planner ran, through `?sql=`. Prints a JSON
document with p50/p95 in milliseconds per query type and way; `bench/report.py` turns it into
the tables of docs/benchmarks.md.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
SEED = 4
CHINA = (73.0, 18.0, 135.5, 53.6)

RARE_COUNT = 6
MEDIUM = ["心理", "特殊教育", "救助", "福利院", "康复", "xinli"]
COMMON = ["社区", "儿童", "儿童之家", "服务"]


def percentile(values, p):
    return float(np.percentile(np.array(values), p)) if values else float("nan")


def summary(values):
    return {"p50": round(percentile(values, 50), 3), "p95": round(percentile(values, 95), 3),
            "n": len(values)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"no server responded on 127.0.0.1:{port} within {timeout} s")


class Client:
    def __init__(self, port: int):
        self.port = port
        self.conn = HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str, params=None) -> tuple[float, dict | list | None]:
        url = path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
        started = time.perf_counter()
        try:
            self.conn.request("GET", url)
            response = self.conn.getresponse()
            body = response.read()
        except (OSError, ConnectionError):
            self.conn = HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.conn.request("GET", url)
            response = self.conn.getresponse()
            body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if response.status != 200:
            return elapsed, {"status": response.status, "body": body[:300].decode(errors="replace")}
        return elapsed, data


def sample_points(connection, count: int, rng) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute("SELECT max(id) FROM search_searchentry")
        top = cur.fetchone()[0]
        rows = []
        for ident in rng.integers(1, top + 1, count * 2):
            cur.execute("SELECT latitude, longitude, name, category FROM search_searchentry "
                        "WHERE id = %s AND latitude IS NOT NULL", [int(ident)])
            row = cur.fetchone()
            if row:
                rows.append(row)
            if len(rows) == count:
                break
    return rows


def rare_terms(points) -> list[str]:
    from caremap.search.normalize import runs

    out = []
    for _, _, name, _ in points:
        run = runs(name)[0] if runs(name) else ""
        if len(run) >= 5:
            out.append(run[:3])
        if len(out) == RARE_COUNT:
            break
    return out


def build_cases(points, rng) -> dict[str, list[dict]]:
    """Return the query instances per type, as /api/v1 parameters (WGS-84)."""
    texts = rare_terms(points) + MEDIUM + COMMON
    cases: dict[str, list[dict]] = {k: [] for k in (
        "nearest-20", "viewport bbox", "text top-20 unranked", "text top-20 ranked",
        "text + category + radius", "facets", "clusters national z4", "clusters city z11 filtered")}
    categories = ["children-home", "hospital", "social-work-site", "youth-station"]
    for i, (lat, lng, _, _) in enumerate(points):
        jlat, jlng = lat + rng.uniform(-0.01, 0.01), lng + rng.uniform(-0.01, 0.01)
        cases["nearest-20"].append({"near": f"{jlat:.6f},{jlng:.6f}", "page_size": 20})
        box = f"{lng - 0.02:.6f},{lat - 0.015:.6f},{lng + 0.02:.6f},{lat + 0.015:.6f}"
        cases["viewport bbox"].append({"bbox": box})
        text = texts[i % len(texts)]
        cases["text top-20 unranked"].append({"q": text, "rank": "false", "page_size": 20})
        cases["text top-20 ranked"].append({"q": text, "page_size": 20})
        cases["text + category + radius"].append({
            "q": ["儿童", "社区", "心理", "服务"][i % 4], "category": categories[i % len(categories)],
            "near": f"{jlat:.6f},{jlng:.6f}", "radius": 5000, "page_size": 20})
        cases["facets"].append({"q": text, "page_size": 20})
        cases["clusters national z4"].append({"zoom": 4, "bbox": ",".join(map(str, CHINA))})
        city = {"zoom": 11, "bbox": f"{lng - 0.48:.6f},{lat - 0.25:.6f},{lng + 0.48:.6f},{lat + 0.25:.6f}"}
        city.update({"q": "儿童"} if i % 2 else {"category": categories[i % len(categories)]})
        cases["clusters city z11 filtered"].append(city)
    return cases


def to_query(params: dict):
    from django.http import QueryDict

    from caremap.api import params as p

    qd = QueryDict(mutable=True)
    for k, v in params.items():
        if k not in ("zoom",):
            qd[k] = str(v)
    return p.parse_point_query(qd)


def in_process(kind: str, params: dict):
    from caremap.search.clusters import clusters
    from caremap.search.query import run_query

    query = to_query(params)
    if kind.startswith("clusters"):
        return clusters(query, int(params["zoom"]))
    if kind == "viewport bbox":
        query.page_size = 500
        return run_query(query, facets=False, count=False)
    return run_query(query, facets=(kind == "facets"))


def http_path(kind: str, params: dict) -> tuple[str, dict]:
    if kind.startswith("clusters"):
        return "/api/v1/clusters", params
    if kind == "viewport bbox":
        return "/api/v1/markers", params
    if kind == "facets":
        return "/api/v1/points", params
    return "/api/v1/points", {**params, "facets": "false"}


def datasette_table(kind: str, params: dict) -> dict | None:
    """The table-API request a data team would write for the same question, or None."""
    if kind == "nearest-20":
        lat, lng = map(float, params["near"].split(","))
        return {"_where": f"latitude between {lat - 0.05} and {lat + 0.05} and longitude between "
                          f"{lng - 0.05} and {lng + 0.05}", "_size": 20}
    if kind == "viewport bbox":
        w, s, e, n = params["bbox"].split(",")
        return {"_where": f"longitude between {w} and {e} and latitude between {s} and {n}",
                "_size": 500}
    if kind.startswith("text top-20"):
        out = {"_search": params["q"], "_size": 20}
        if kind.endswith("ranked") and "unranked" not in kind:
            out["_sort_desc"] = "verified"
        return out
    if kind == "text + category + radius":
        lat, lng = map(float, params["near"].split(","))
        d = 5000 / 111_000
        return {"_search": params["q"], "category": params["category"], "_size": 20,
                "_where": f"latitude between {lat - d} and {lat + d} and longitude between "
                          f"{lng - d * 1.3} and {lng + d * 1.3}"}
    if kind == "facets":
        return {"_search": params["q"], "_size": 20, "_facet": ["category", "department", "district"]}
    return None


def start_server(database: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database, "CAREMAP_DEBUG": "0", "CAREMAP_SQLITE_CONN_MAX_AGE": "300",
           "CAREMAP_ALLOWED_HOSTS": "127.0.0.1", "CAREMAP_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "caremap.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--worker-class", "gthread", "--threads", "1", "--keep-alive", "30",
         "--timeout", "300"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    wait_for(port, "/api/v1/regions?level=district&parent=440300")
    return process, port


def start_datasette(path: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    metadata = {"databases": {Path(path).stem: {"tables": {
        "search_searchentry": {"fts_table": "search_fts", "fts_pk": "id"}}}}}
    meta_path = Path(path).with_suffix(".datasette.json")
    meta_path.write_text(json.dumps(metadata))
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/datasette"), "serve", "-i", path, "--host", "127.0.0.1",
         "--port", str(port), "--metadata", str(meta_path), "--plugins-dir", str(HERE / "datasette_plugins"),
         "--setting", "sql_time_limit_ms", "5000", "--setting", "max_returned_rows", "1000",
         "--setting", "facet_time_limit_ms", "5000", "--setting", "num_sql_threads", "1"],
        cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_for(port, "/-/versions.json")
    return process, port


def worker_peak_mb(master: subprocess.Popen) -> float:
    peak = 0
    for child in Path("/proc").iterdir():
        if not child.name.isdigit():
            continue
        try:
            status = (child / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master.pid) or child.name == str(master.pid):
            peak = max(peak, int(fields.get("VmHWM", "0 kB").split()[0]))
    return round(peak / 1024, 1)


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def _http_kind(kind, instances, statements_per_instance, client, datasette, result) -> None:
    """Time one query type over HTTP; with Datasette, interleave its requests with ours.

    Each instance goes to caremap, then to Datasette's table API, then to Datasette's ?sql=,
    so a change in the machine's load affects all three alike.
    """
    path, params = http_path(kind, instances[0])
    client.get(path, params)
    ours, table_times, sql_times, empty, failed = [], [], [], 0, 0
    for params, statements in zip(instances, statements_per_instance, strict=True):
        path, http_params = http_path(kind, params)
        elapsed, body = client.get(path, http_params)
        if isinstance(body, dict) and "status" in body:
            raise SystemExit(f"{path} {http_params}: {body}")
        ours.append(elapsed)
        if datasette is None:
            continue
        ds_client, db_name = datasette
        table_params = datasette_table(kind, params)
        if table_params is not None:
            elapsed, body = ds_client.get(f"/{db_name}/search_searchentry.json", table_params)
            # A query Datasette stops at its time limit counts with the time it took (a lower
            # bound) and as failed.
            table_times.append(elapsed)
            if isinstance(body, dict) and "status" in body:
                failed += 1
            elif not body.get("rows"):
                empty += 1
        total = 0.0
        for sql in statements:
            elapsed, body = ds_client.get(f"/{db_name}.json", {"sql": sql, "_shape": "array"})
            if isinstance(body, dict) and "status" in body:
                failed += 1
            total += elapsed
        sql_times.append(total)
    result["http"][kind] = summary(ours)
    print(f"http {kind}: {result['http'][kind]}", file=sys.stderr)
    if datasette is None:
        return
    if table_times:
        result["datasette_table"][kind] = {**summary(table_times), "empty": empty}
    result["datasette_sql"][kind] = summary(sql_times)
    result["notes"][kind] = {"datasette_failed": failed}
    print(f"datasette {kind}: {result['datasette_table'].get(kind)} {result['datasette_sql'][kind]} "
          f"failed={failed}", file=sys.stderr)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--datasette", action="store_true", help="compare with Datasette (SQLite only)")
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremap.settings")
    os.environ["CAREMAP_DEBUG"] = "0"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rng = np.random.default_rng(SEED)
    points = sample_points(connection, args.samples, rng)
    cases = build_cases(points, rng)
    result = {"database": connection.vendor, "samples": len(points), "in_process": {}, "http": {},
              "datasette_table": {}, "datasette_sql": {}, "notes": {}}
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM search_searchentry")
        result["points"] = cur.fetchone()[0]

    captured: dict[str, list[list[str]]] = {}
    for kind, instances in cases.items():
        # One untimed pass warms the page cache, as a serving database's would be.
        for params in instances:
            in_process(kind, params)
        times = []
        captured[kind] = []
        for params in instances:
            started = time.perf_counter()
            in_process(kind, params)
            times.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as ctx:
                in_process(kind, params)
            captured[kind].append([q["sql"] for q in ctx.captured_queries])
        result["in_process"][kind] = summary(times)
        print(f"in-process {kind}: {result['in_process'][kind]}", file=sys.stderr)

    datasette = args.datasette and connection.vendor == "sqlite"
    if not args.no_http:
        server, port = start_server(args.database)
        ds = None
        try:
            client = Client(port)
            if datasette:
                path = connection.settings_dict["NAME"]
                db_name = Path(path).stem
                ds, ds_port = start_datasette(path)
                ds_client = Client(ds_port)
            for kind, instances in cases.items():
                _http_kind(kind, instances, captured[kind], client,
                           (ds_client, db_name) if datasette else None, result)
            result["serving_peak_mb"] = worker_peak_mb(server)
        finally:
            stop(server)
            if ds is not None:
                stop(ds)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
