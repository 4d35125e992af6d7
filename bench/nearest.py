#!/usr/bin/env python
"""Latency of the nearest-place core against the raw SQL it issues, on SpatiaLite and PostGIS.

For each engine and each size N: a fresh database, ``migrate.upgrade``, N random
places over Latvia loaded with ``locator.importers.load.load`` in one transaction, ANALYZE;
then, for two query variants (k=5 bill payment; the same with commission_free),
1,000 random query points after a warm-up:

* core: ``locator.query.nearest(session, q)`` on one long-lived session;
* raw:  exactly the statements and parameters SQLAlchemy sent to the driver for
  the same query (captured with ``before_cursor_execute`` in an untimed pass),
  executed with ``fetchall()`` on a bare pysqlite3 / psycopg connection;
* http: ``GET /api/nearest`` through gunicorn (gthread worker, keep-alive) on
  127.0.0.1, over one keep-alive connection (http.client).

Core and raw are timed interleaved, query by query (alternating which goes
first), so that the noise of a shared machine falls on both alike.  Results:
a table on stdout and a JSON file in bench/results/.

    make bench                                   # both engines, 10k and 100k
    make bench BENCH_ARGS='--sizes 10000 --no-http'
    scripts/pg-test-cluster.sh run -- .venv/bin/python bench/nearest.py --help

The PostGIS cluster comes from LOCATOR_TEST_POSTGRES_URL (set by
scripts/pg-test-cluster.sh run); every database the benchmark makes is dropped
at the end.  No traffic goes anywhere but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import http.client
import json
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import (  # bench/common.py; puts the repo root on sys.path
    GunicornServer,
    create_postgis_database,
    database_library_versions,
    engine_versions,
    log,
    machine_info,
    profile_text,
    remove_sqlite_files,
    save_results,
)
from sqlalchemy import event, text

from locator import migrate
from locator.db import dispose_engines, get_engine, session_for, session_scope
from locator.importers.load import load
from locator.importers.synthetic import SYNTHETIC_SOURCE, random_places, random_points_in_latvia
from locator.query import NearestQuery, SearchTrace, explain_nearest, nearest

PLACES_SEED = 1
QUERY_SEED = 99
WARMUP_SEED = 98
K = 5
VARIANTS = {
    # name: (NearestQuery keyword arguments, /api/nearest extra query string)
    "k5": ({}, ""),
    "k5_free": ({"commission_free": True}, "&commission_free=true"),
}
TARGET_RATIO = 2.0  # core median within 2x of raw median
TARGET_SPATIALITE_MS = 1.0  # k=5 at 100k places, SpatiaLite, core median


# --- statistics -------------------------------------------------------------


def percentile(values: list[int], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``."""
    s = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(s)))
    return s[rank - 1]


def summary_ms(ns: list[int]) -> dict:
    s = sorted(ns)
    n = len(s)
    median = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return {
        "n": n,
        "median_ms": median / 1e6,
        "p99_ms": percentile(s, 99) / 1e6,
        "mean_ms": sum(s) / n / 1e6,
        "min_ms": s[0] / 1e6,
        "max_ms": s[-1] / 1e6,
    }


# --- databases ----------------------------------------------------------------


@dataclass
class Database:
    engine_name: str
    n: int
    url: str
    raw_target: str  # file path (SpatiaLite) or libpq URL (PostGIS)
    drop: callable


def make_database(engine_name: str, n: int, pg_url: str | None, tmpdir: Path) -> Database:
    if engine_name == "spatialite":
        path = tmpdir / f"bench_{n}.sqlite"
        remove_sqlite_files(path)
        return Database(engine_name, n, f"sqlite+pysqlite:///{path}", str(path), lambda: None)

    url, drop = create_postgis_database(pg_url, f"bench_{n}")
    raw = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return Database(engine_name, n, url.render_as_string(hide_password=False), raw, drop)


def load_places(engine, rows) -> dict:
    t0 = time.perf_counter()
    with session_scope(engine) as session:
        summary = load(session, rows, SYNTHETIC_SOURCE)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    analyze_s = time.perf_counter() - t0
    with engine.connect() as conn:
        places = conn.execute(text("SELECT count(*) FROM places")).scalar()
        offers = conn.execute(text("SELECT count(*) FROM offers")).scalar()
    assert places == len(rows) == summary.inserted, (places, len(rows), summary.inserted)
    return {
        "load_s": load_s,
        "rows_per_s": len(rows) / load_s,
        "places": places,
        "offers": offers,
        "analyze_s": analyze_s,
    }


def raw_connect(db: Database):
    """A bare DBAPI connection: no SQLAlchemy, no pool, no events."""
    if db.engine_name == "spatialite":
        import pysqlite3.dbapi2 as sqlite

        conn = sqlite.connect(db.raw_target)
        conn.enable_load_extension(True)
        conn.load_extension(os.environ.get("SPATIALITE_LIBRARY_PATH", "mod_spatialite"))
        conn.enable_load_extension(False)
        return conn
    import psycopg

    return psycopg.connect(db.raw_target)


# --- passes -------------------------------------------------------------------


@dataclass
class Captured:
    """Per query: the (statement, parameters) the driver received, in order."""

    executions: list[list[tuple[str, object]]] = field(default_factory=list)
    rounds: list[int] = field(default_factory=list)
    ids: list[list[int]] = field(default_factory=list)


def capture(engine, session, queries: list[NearestQuery], with_trace: bool = True) -> Captured:
    """Untimed: run the core once per query and record what it sent to the driver."""
    out = Captured()
    current: list[tuple[str, object]] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        params = dict(parameters) if isinstance(parameters, dict) else tuple(parameters)
        current.append((statement, params))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        for q in queries:
            current = []
            trace = SearchTrace() if with_trace else None
            matches = nearest(session, q, trace=trace)
            out.executions.append(current)
            out.ids.append([m.place.id for m in matches])
            if trace is not None:
                if len(trace.radii_m) != len(current):
                    raise AssertionError(
                        f"trace says {len(trace.radii_m)} rounds, the driver saw {len(current)} executions"
                    )
                out.rounds.append(len(trace.radii_m))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return out


def run_core(session, queries) -> None:
    for q in queries:
        nearest(session, q)


def run_raw(cur, executions) -> None:
    for execs in executions:
        for stmt, params in execs:
            cur.execute(stmt, params)
            cur.fetchall()


def timed_interleaved(session, queries, cur, executions):
    """Core and raw, query by query, alternating which goes first."""
    n = len(queries)
    core_ns = [0] * n
    raw_ns = [0] * n
    core_ids: list = [None] * n
    raw_rows: list = [None] * n
    clock = time.perf_counter_ns
    gc.collect()

    def time_raw(i: int) -> None:
        t0 = clock()
        for stmt, params in executions[i]:
            cur.execute(stmt, params)
            rows = cur.fetchall()
        raw_ns[i] = clock() - t0
        raw_rows[i] = rows

    def time_core(i: int) -> None:
        t0 = clock()
        matches = nearest(session, queries[i])
        core_ns[i] = clock() - t0
        core_ids[i] = matches

    for i in range(n):
        # swap which goes first on odd and even queries, so noise hits both alike
        first, second = (time_raw, time_core) if i & 1 else (time_core, time_raw)
        first(i)
        second(i)
    core_ids = [[m.place.id for m in matches] for matches in core_ids]
    return core_ns, raw_ns, core_ids, raw_rows


def check_same_ids(cap: Captured, core_ids, raw_rows, k: int) -> int:
    """Raw and core agree (and the core agrees with itself across passes); returns queries checked."""
    checked = 0
    for i, (ids, rows) in enumerate(zip(core_ids, raw_rows)):
        if ids != cap.ids[i]:
            raise AssertionError(f"query {i}: core returned {ids} in the timed pass, {cap.ids[i]} before")
        if len(ids) == k:  # settled with k inside the circle: the last round's rows are the answer
            raw_ids = [r[0] for r in rows]
            if raw_ids != ids:
                raise AssertionError(f"query {i}: raw SQL returned ids {raw_ids}, core {ids}")
            checked += 1
    return checked


def profile_core(session, queries, top: int, out_path: Path) -> str:
    prof = cProfile.Profile()
    prof.enable()
    run_core(session, queries)
    prof.disable()
    prof.dump_stats(out_path)
    return profile_text(prof, top)


# --- HTTP ---------------------------------------------------------------------


def http_paths(points, extra: str) -> list[str]:
    return [f"/api/nearest?lat={lat!r}&lon={lon!r}&k={K}{extra}" for lat, lon in points]


def time_http(port: int, warm_paths: list[str], paths: list[str]):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    reconnects = 0
    for p in warm_paths:
        conn.request("GET", p)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise AssertionError(f"GET {p}: {r.status}")
    sock = conn.sock
    clock = time.perf_counter_ns
    ns = [0] * len(paths)
    bodies: list = [None] * len(paths)
    statuses = [0] * len(paths)
    gc.collect()
    for i, p in enumerate(paths):
        t0 = clock()
        conn.request("GET", p)
        r = conn.getresponse()
        body = r.read()
        t1 = clock()
        ns[i] = t1 - t0
        statuses[i] = r.status
        bodies[i] = body
        if conn.sock is not sock:
            reconnects += 1
            sock = conn.sock
    conn.close()
    bad = [(paths[i], s) for i, s in enumerate(statuses) if s != 200]
    if bad:
        raise AssertionError(f"{len(bad)} requests did not answer 200, e.g. {bad[:3]}")
    return ns, bodies, reconnects


# --- one database ---------------------------------------------------------------


def bench_database(db: Database, rows, points, warm_points, args, tmpdir: Path) -> dict:
    result: dict = {"engine": db.engine_name, "n": db.n, "variants": {}}
    engine = get_engine(db.url)
    migrate.upgrade(engine)
    result["versions"] = engine_versions(db.engine_name, engine)
    log(f"  loading {db.n:,} places ...")
    result["load"] = load_places(engine, rows)
    ld = result["load"]
    log(
        f"  loaded {ld['places']:,} places + {ld['offers']:,} offers in {ld['load_s']:.1f} s "
        f"({ld['rows_per_s']:,.0f} places/s); ANALYZE {ld['analyze_s']:.2f} s"
    )

    session = session_for(engine)  # one long-lived session, as a web request would hold
    raw = raw_connect(db)
    cur = raw.cursor()
    try:
        result["plans"] = {}
        for name, (kw, _) in VARIANTS.items():
            q = NearestQuery(lat=points[0][0], lon=points[0][1], k=K, **kw)
            result["plans"][name] = explain_nearest(session, q)
        plan = result["plans"]["k5"]
        log(f"  plan ({db.engine_name}, k5):")
        for line in plan:
            log(f"    {line}")
        plan_text = "\n".join(plan)
        uses_index = "idx_places_geom" in plan_text and (
            db.engine_name == "spatialite" or "Index Scan" in plan_text or "Bitmap Index Scan" in plan_text
        )
        result["plan_uses_spatial_index"] = uses_index
        if not uses_index:
            log("  WARNING: the plan does not use the spatial index idx_places_geom")

        for name, (kw, _) in VARIANTS.items():
            queries = [NearestQuery(lat=lat, lon=lon, k=K, **kw) for lat, lon in points]
            warm = [NearestQuery(lat=lat, lon=lon, k=K, **kw) for lat, lon in warm_points]
            # Warm-up: the core (also records the warm-up SQL for the raw warm-up), then
            # the capture pass (SearchTrace + before_cursor_execute, untimed).
            warm_cap = capture(engine, session, warm, with_trace=False)
            cap = capture(engine, session, queries)
            run_core(session, warm)
            run_raw(cur, warm_cap.executions)
            core_ns, raw_ns, core_ids, raw_rows = timed_interleaved(session, queries, cur, cap.executions)
            checked = check_same_ids(cap, core_ids, raw_rows, K)
            core, rawm = summary_ms(core_ns), summary_ms(raw_ns)
            v = {
                "core": core,
                "raw": rawm,
                "ratio_median": core["median_ms"] / rawm["median_ms"],
                "ratio_p99": core["p99_ms"] / rawm["p99_ms"],
                "rounds_mean": sum(cap.rounds) / len(cap.rounds),
                "rounds_max": max(cap.rounds),
                "rounds_hist": {str(r): cap.rounds.count(r) for r in sorted(set(cap.rounds))},
                "ids_checked": checked,
                "core_ids_first": cap.ids[:20],
            }
            result["variants"][name] = v
            log(
                f"  {name:8s} core {core['median_ms']:.3f}/{core['p99_ms']:.3f} ms  "
                f"raw {rawm['median_ms']:.3f}/{rawm['p99_ms']:.3f} ms  "
                f"ratio {v['ratio_median']:.2f} (p99 {v['ratio_p99']:.2f})  "
                f"rounds {v['rounds_mean']:.3f} (max {v['rounds_max']})  ids checked {checked}"
            )
            if args.profile and db.n == max(args.sizes) and name == "k5":
                ppath = tmpdir / f"profile-{db.engine_name}-{db.n}.pstats"
                txt = profile_core(session, queries, args.profile_top, ppath)
                result["profile"] = txt
                log(f"  cProfile of {len(queries)} core queries ({db.engine_name}, {db.n}, k5):")
                log(txt)
    finally:
        cur.close()
        raw.close()
        session.rollback()
        session.close()

    if not args.no_http:
        log("  HTTP: gunicorn gthread on 127.0.0.1 ...")
        # one gthread worker; keep-alive 60 s so the timed requests share one connection
        with GunicornServer(
            {"DATABASE_URL": db.url}, tmpdir, args.http_threads, extra_args=("--keep-alive", "60")
        ) as srv:
            for name, (_kw, extra) in VARIANTS.items():
                ns, bodies, reconnects = time_http(srv.port, http_paths(warm_points, extra), http_paths(points, extra))
                v = result["variants"][name]
                for i, want in enumerate(v["core_ids_first"]):
                    got = [r["id"] for r in json.loads(bodies[i])["results"]]
                    if got != want:
                        raise AssertionError(f"HTTP {name} point {i}: ids {got}, core {want}")
                h = summary_ms(ns)
                h["reconnects"] = reconnects
                h["ids_checked"] = len(v["core_ids_first"])
                v["http"] = h
                log(
                    f"  {name:8s} http {h['median_ms']:.3f}/{h['p99_ms']:.3f} ms  "
                    f"(1 keep-alive connection, reconnects {reconnects})"
                )
    dispose_engines()
    return result


# --- report ---------------------------------------------------------------------


def table(results: list[dict]) -> str:
    head = (
        f"{'engine':<10} {'N':>7} {'variant':<8} {'core med':>8} {'core p99':>8} "
        f"{'raw med':>8} {'raw p99':>8} {'ratio':>5} {'r.p99':>5} {'rounds':>6} "
        f"{'http med':>8} {'http p99':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        for name, v in r["variants"].items():
            h = v.get("http")
            lines.append(
                f"{r['engine']:<10} {r['n']:>7} {name:<8} "
                f"{v['core']['median_ms']:>8.3f} {v['core']['p99_ms']:>8.3f} "
                f"{v['raw']['median_ms']:>8.3f} {v['raw']['p99_ms']:>8.3f} "
                f"{v['ratio_median']:>5.2f} {v['ratio_p99']:>5.2f} {v['rounds_mean']:>6.3f} "
                + (f"{h['median_ms']:>8.3f} {h['p99_ms']:>8.3f}" if h else f"{'-':>8} {'-':>8}")
            )
    lines.append("(times in ms per query; ratio = core median / raw median, r.p99 = core p99 / raw p99)")
    return "\n".join(lines)


def targets(results: list[dict]) -> list[dict]:
    out = []
    worst = max(
        ((v["ratio_median"], r["engine"], r["n"], name) for r in results for name, v in r["variants"].items()),
        default=None,
    )
    if worst:
        out.append(
            {
                "target": f"core within {TARGET_RATIO:g}x of raw SQL (median, every engine/N/variant)",
                "measured": f"worst ratio {worst[0]:.2f} ({worst[1]}, {worst[2]}, {worst[3]})",
                "pass": worst[0] <= TARGET_RATIO,
            }
        )
    sl = [r for r in results if r["engine"] == "spatialite" and r["n"] == 100_000]
    if sl:
        med = sl[0]["variants"]["k5"]["core"]["median_ms"]
        out.append(
            {
                "target": f"k=5 at 100k places on SpatiaLite, core median < {TARGET_SPATIALITE_MS:g} ms",
                "measured": f"{med:.3f} ms",
                "pass": med < TARGET_SPATIALITE_MS,
            }
        )
    else:
        out.append(
            {
                "target": f"k=5 at 100k places on SpatiaLite, core median < {TARGET_SPATIALITE_MS:g} ms",
                "measured": "not measured (needs --engines spatialite and --sizes 100000)",
                "pass": None,
            }
        )
    return out


# --- main -------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/nearest.py",
        description=(
            "Per-query latency of locator.query.nearest (the core) against the raw SQL it "
            "issues, on SpatiaLite and PostGIS, plus end-to-end GET /api/nearest through "
            "gunicorn on 127.0.0.1. Needs LOCATOR_TEST_POSTGRES_URL for PostGIS "
            "(run it through `make bench` or `scripts/pg-test-cluster.sh run --`)."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )

    def int_list(s: str) -> list[int]:
        try:
            values = [int(x.replace("_", "")) for x in s.split(",") if x.strip()]
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {s!r}") from None
        if not values or min(values) < 10:
            raise argparse.ArgumentTypeError("sizes must be at least 10")
        return values

    def engine_list(s: str) -> list[str]:
        values = [x.strip() for x in s.split(",") if x.strip()]
        bad = [v for v in values if v not in ("spatialite", "postgis")]
        if bad or not values:
            raise argparse.ArgumentTypeError(f"engines are spatialite and/or postgis, not {s!r}")
        return values

    p.add_argument("--sizes", type=int_list, default="10000,100000", help="numbers of places, comma-separated")
    p.add_argument("--queries", type=int, default=1000, help="timed queries per variant")
    p.add_argument("--warmup", type=int, default=200, help="warm-up queries (another seed) per variant")
    p.add_argument(
        "--engines",
        type=engine_list,
        default="spatialite,postgis",
        help="engines, comma-separated: spatialite, postgis",
    )
    p.add_argument("--no-http", action="store_true", help="skip the end-to-end HTTP measurement")
    p.add_argument("--http-threads", type=int, default=2, help="gunicorn gthread threads")
    p.add_argument(
        "--profile",
        action="store_true",
        help="also cProfile the core's queries (k5, largest size) and print the top functions",
    )
    p.add_argument("--profile-top", type=int, default=25, help="functions listed by --profile")
    p.add_argument(
        "--output",
        type=Path,
        default=None,
        help="JSON file for the results; None means bench/results/nearest-<time>.json",
    )
    args = p.parse_args(argv)
    if args.queries < 10 or args.warmup < 1:
        p.error("--queries must be at least 10 and --warmup at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    pg_url = os.environ.get("LOCATOR_TEST_POSTGRES_URL")
    if "postgis" in args.engines and not pg_url:
        print(
            "bench/nearest.py: LOCATOR_TEST_POSTGRES_URL is not set, so there is no PostGIS "
            "cluster to benchmark.\n  Run `make bench` (it starts a throwaway cluster), or\n"
            "  scripts/pg-test-cluster.sh run -- .venv/bin/python bench/nearest.py ...,\n"
            "  or pass --engines spatialite.",
            file=sys.stderr,
        )
        return 2

    started = time.perf_counter()
    info = machine_info(**database_library_versions())
    log(f"machine: {info['nproc']} CPUs, {info['cpu_model']}, load {info['loadavg_start']}")
    log(f"python {info['python']}, SQLAlchemy {info['sqlalchemy']}, psycopg {info['psycopg']}")
    points = random_points_in_latvia(args.queries, seed=QUERY_SEED)
    warm_points = random_points_in_latvia(args.warmup, seed=WARMUP_SEED)

    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="locator-bench.") as tmp:
        tmpdir = Path(tmp)
        for n in args.sizes:
            t0 = time.perf_counter()
            rows = random_places(n, seed=PLACES_SEED)
            log(f"\n{n:,} random places generated in {time.perf_counter() - t0:.1f} s")
            for engine_name in args.engines:
                log(f"\n== {engine_name}, {n:,} places ==")
                db = make_database(engine_name, n, pg_url, tmpdir)
                try:
                    results.append(bench_database(db, rows, points, warm_points, args, tmpdir))
                finally:
                    dispose_engines()
                    db.drop()
            del rows

    info["loadavg_end"] = os.getloadavg()
    elapsed = time.perf_counter() - started
    verdicts = targets(results)
    log("\n" + table(results))
    log("")
    for t in verdicts:
        status = {True: "PASS", False: "FAIL", None: "n/a "}[t["pass"]]
        log(f"{status}  {t['target']}: {t['measured']}")
    for r in results:
        v = ", ".join(f"{k} {val}" for k, val in r["versions"].items() if k != "postgis_full")
        log(f"{r['engine']} {r['n']}: {v}; load {r['load']['rows_per_s']:,.0f} places/s")
    log(f"total {elapsed:.0f} s, load average at the end {info['loadavg_end']}")

    for r in results:
        for v in r["variants"].values():
            v.pop("core_ids_first", None)
    save_results("nearest", args, machine=info, elapsed_s=elapsed, results=results, targets=verdicts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
