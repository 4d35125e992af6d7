#!/usr/bin/env python
"""What "open at" costs in the nearest search, and what the page's old way of filtering got wrong.

On the demo set (``load_demo``), for each engine: random query points over Latvia, k=10 bill
payments (any fee), at three moments (a weekday noon, a weekday 23:00, a Sunday noon).  Timed
interleaved, point by point (the order rotates), on one long-lived session:

* any time:  ``nearest(session, q)`` without ``open_at`` (the baseline of the ratios);
* core open: ``nearest(session, replace(q, open_at=moment))``: the filter inside the search;
* old page:  the page's former way, ``nearest(k=50)`` then the opening hours in Python, first 10.

"wrong" counts the points where the old way's list differs from the core's (it misses open places
beyond the 50 nearest).  Results: a table on stdout and bench/results/open_filter-*.json.

    .venv/bin/python bench/open_filter.py --points 300
    LOCATOR_TEST_POSTGRES_URL=postgresql+psycopg://... .venv/bin/python bench/open_filter.py --engines postgis
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from common import create_postgis_database, engine_versions, log, machine_info, remove_sqlite_files, save_results

from locator import migrate
from locator.db import dispose_engines, get_engine, session_for, session_scope
from locator.domain import hours
from locator.importers.demo import load_demo
from locator.importers.synthetic import random_points_in_latvia
from locator.query import NearestQuery, nearest

MOMENTS = {
    "Tue 12:00": datetime(2026, 12, 1, 12, 0, tzinfo=hours.RIGA),
    "Wed 23:00": datetime(2026, 12, 2, 23, 0, tzinfo=hours.RIGA),
    "Sun 12:00": datetime(2026, 12, 6, 12, 0, tzinfo=hours.RIGA),
}
K = 10
OLD_PAGE_K = 50


def old_page(session, q: NearestQuery, moment: datetime) -> list[int]:
    rows = nearest(session, replace(q, k=OLD_PAGE_K))
    return [m.place.id for m in rows if hours.status(m.place.opening_hours, moment).open][:K]


def measure(url: str, points, engine_name: str) -> list[dict]:
    engine = get_engine(url)
    migrate.upgrade(engine)
    with session_scope(engine) as s:
        load_demo(s)
    session = session_for(engine)
    variants = ("any time", "core open", "old page")
    out = []
    for label, moment in MOMENTS.items():
        times: dict[str, list[float]] = {v: [] for v in variants}
        wrong = 0
        for lat, lon in points[:20]:  # warm-up: radius hints, compiled SQL, parsed hours
            q = NearestQuery(lat=lat, lon=lon, k=K)
            nearest(session, replace(q, open_at=moment))
            old_page(session, q, moment)
        for i, (lat, lon) in enumerate(points):
            q = NearestQuery(lat=lat, lon=lon, k=K)
            order = variants[i % 3 :] + variants[: i % 3]
            got = {}
            for v in order:
                t0 = time.perf_counter()
                if v == "any time":
                    nearest(session, q)
                elif v == "core open":
                    got[v] = [m.place.id for m in nearest(session, replace(q, open_at=moment))]
                else:
                    got[v] = old_page(session, q, moment)
                times[v].append((time.perf_counter() - t0) * 1000)
            wrong += got["core open"] != got["old page"]
        base = statistics.median(times["any time"])
        for v in variants:
            ms = sorted(times[v])
            row = {
                "engine": engine_name,
                "moment": label,
                "variant": v,
                "median_ms": round(statistics.median(ms), 3),
                "p90_ms": round(ms[int(0.9 * (len(ms) - 1))], 3),
                "ratio_to_any_time": round(statistics.median(ms) / base, 2),
                "wrong_lists": wrong if v == "old page" else 0,
            }
            out.append(row)
            log(
                f"{engine_name:10} {label:9} {v:10} median {row['median_ms']:7.3f} ms  p90 {row['p90_ms']:7.3f} ms"
                f"  x{row['ratio_to_any_time']:.2f}" + (f"  wrong {wrong}/{len(points)}" if v == "old page" else "")
            )
    session.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=300)
    ap.add_argument("--engines", nargs="+", default=["spatialite", "postgis"], choices=["spatialite", "postgis"])
    ap.add_argument("--output", type=Path)
    args = ap.parse_args()
    points = random_points_in_latvia(args.points, seed=10)
    info, versions, results = machine_info(), {}, []
    for engine_name in args.engines:
        if engine_name == "spatialite":
            path = Path(tempfile.gettempdir()) / "locator-bench-open.sqlite"
            remove_sqlite_files(path)
            url, drop = f"sqlite+pysqlite:///{path}", lambda p=path: remove_sqlite_files(p)
        else:
            pg = os.environ.get("LOCATOR_TEST_POSTGRES_URL")
            if not pg:
                raise SystemExit("postgis: set LOCATOR_TEST_POSTGRES_URL (scripts/pg-test-cluster.sh run -- ...)")
            url, drop = create_postgis_database(pg, "locator_bench_open")
        try:
            results += measure(url, points, engine_name)
            versions[engine_name] = engine_versions(engine_name, get_engine(url))
        finally:
            dispose_engines()
            drop()
    save_results("open_filter", args, machine=info, versions=versions, results=results)


if __name__ == "__main__":
    main()
