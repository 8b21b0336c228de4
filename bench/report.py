"""Turn bench/measure.py results into the Markdown tables of docs/benchmarks.md.

    .venv/bin/python bench/report.py var/bench/sqlite.json [var/bench/postgres.json]

Each row puts the measured p50/p95 beside the issue's target and says whether it is met.
"""

import json
import sys

# Query type: in-process p95 target in ms (issue 4).
TARGETS = {
    "nearest-20": 2,
    "viewport bbox": 2,
    "text top-20 unranked": 2,
    "text top-20 ranked": 10,
    "text + category + radius": 10,
    "facets": 50,
    "clusters national z4": 5,
    "clusters city z11 filtered": 50,
}


def fmt(cell) -> str:
    return f"{cell['p50']:.2f} / {cell['p95']:.2f}" if cell else "—"


def ratio(theirs, ours) -> str:
    if not (theirs and ours):
        return "—"
    return f"{theirs['p50'] / ours['p50']:.1f}× / {theirs['p95'] / ours['p95']:.1f}×"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def main(paths: list[str]) -> None:
    sqlite = json.load(open(paths[0], encoding="utf-8"))
    pg = json.load(open(paths[1], encoding="utf-8")) if len(paths) > 1 else None
    out = []
    out.append(f"Points: {sqlite['points']:,}; query instances per type: {sqlite['samples']}. "
               "Times in ms, p50 / p95.\n")
    out.append("| query | in-process (SQLite) | target p95 | | HTTP (SQLite) | target: 2× in-process + 5 ms | |")
    out.append("|---|---|---|---|---|---|---|")
    for kind, target in TARGETS.items():
        ip, http = sqlite["in_process"].get(kind), sqlite["http"].get(kind)
        http_target = 2 * ip["p95"] + 5 if ip else None
        out.append(
            f"| {kind} | {fmt(ip)} | ≤ {target} | {verdict(ip and ip['p95'] <= target)} | {fmt(http)} | "
            f"≤ {http_target:.1f} | {verdict(http and http['p95'] <= http_target)} |"
        )
    if sqlite.get("serving_peak_mb") is not None:
        out.append(f"\nPeak memory of the serving process (gunicorn worker, VmHWM): "
                   f"{sqlite['serving_peak_mb']} MB (target ≤ 400 MB).")
    if sqlite.get("datasette_sql"):
        out.append("\n| query | caremap HTTP | Datasette (a) table API | ratio (a) | empty answers (a) | "
                   "Datasette (b) our SQL via ?sql= | ratio (b) |")
        out.append("|---|---|---|---|---|---|---|")
        for kind in TARGETS:
            ours = sqlite["http"].get(kind)
            table = sqlite["datasette_table"].get(kind)
            raw = sqlite["datasette_sql"].get(kind)
            ratio_a = ratio(table, ours)
            ratio_b = ratio(raw, ours)
            empty = f"{table['empty']} of {table['n']}" if table else "—"
            out.append(f"| {kind} | {fmt(ours)} | {fmt(table)} | {ratio_a} | {empty} | {fmt(raw)} | {ratio_b} |")
    if pg:
        out.append("\n| query | SQLite in-process | PostgreSQL in-process | target p95: max(3×, +1 ms) | | "
                   "PostgreSQL HTTP |")
        out.append("|---|---|---|---|---|---|")
        for kind in TARGETS:
            s, p = sqlite["in_process"].get(kind), pg["in_process"].get(kind)
            limit = max(3 * s["p95"], s["p95"] + 1) if s else None
            out.append(f"| {kind} | {fmt(s)} | {fmt(p)} | ≤ {limit:.2f} | {verdict(p and p['p95'] <= limit)} | "
                       f"{fmt(pg['http'].get(kind))} |")
        if pg.get("serving_peak_mb") is not None:
            out.append(f"\nPeak memory of the serving process on PostgreSQL: {pg['serving_peak_mb']} MB.")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
