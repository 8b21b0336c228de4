"""Load test: 100 visitors browsing, searching and filtering the Shenzhen map.

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/python bench/load.py [--users 100] [--duration 90] [--workers N]

Starts `caremap serve` (gunicorn, production settings) on 127.0.0.1 with the demo data on a
fresh SQLite file (or DATABASE_URL), runs locust headless from a second process, and writes
the figures to bench/out/load.json. All visitors come from 127.0.0.1, so the per-client API
limit is raised for the run (CAREMAP_RATE_LIMIT_API). The limit stays on, counted in the
database, as in production.
"""

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.backoffice import server as srv  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--duration", type=int, default=90, help="seconds")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="caremap-load-") as tmp:
        workers = args.workers or 2 * (os.cpu_count() or 1) + 1
        # 100 visitors × at most one request a second each, from one address.
        server = srv.start(Path(tmp), workers=workers, CAREMAP_RATE_LIMIT_API="20000/60",
                           CAREMAP_LOG_LEVEL="WARNING")
        try:
            prefix = out / "load"
            subprocess.run(
                [sys.executable, "-m", "locust", "-f", str(ROOT / "bench/load/locustfile.py"),
                 "--headless", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
                 "--run-time", f"{args.duration}s", "--host", server.url, "--csv", str(prefix),
                 "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
                check=True, cwd=ROOT,
            )
        finally:
            srv.stop(server)
    rows = list(csv.DictReader((out / "load_stats.csv").open()))
    summary = {
        "users": args.users, "duration_s": args.duration, "workers": workers,
        "cpus": os.cpu_count(), "python": platform.python_version(),
        "endpoints": [
            {"name": r["Name"], "requests": int(r["Request Count"]),
             "failures": int(r["Failure Count"]), "median_ms": float(r["50%"]),
             "p95_ms": float(r["95%"]), "p99_ms": float(r["99%"]),
             "rps": round(float(r["Requests/s"]), 1)}
            for r in rows
        ],
    }
    total = next(e for e in summary["endpoints"] if e["name"] == "Aggregated")
    (out / "load.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    print(f"{'endpoint':45} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6}")
    for e in summary["endpoints"]:
        print(f"{e['name']:45} {e['requests']:8d} {e['failures']:6d} {e['median_ms']:6.0f} "
              f"{e['p95_ms']:6.0f} {e['p99_ms']:6.0f}")
    verdict = "PASS" if total["failures"] == 0 and total["p95_ms"] <= 200 else "FAIL"
    print(f"target: 0 errors and p95 <= 200 ms at {args.users} users: {verdict}")


if __name__ == "__main__":
    main()
