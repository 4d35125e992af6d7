#!/usr/bin/env python
"""The results page against the API it shows: throughput and latency at 32 concurrent clients.

Both routes answer the same question for the same points: ``/?lat=…&lon=…`` (the
customer page: bill payment without commission, the 10 nearest, the list and the
map's data) and ``/api/nearest?lat=…&lon=…&commission_free=true&k=10`` (its JSON).
The points are ``random_points_in_latvia(POINTS, seed=7)`` rounded to 3 decimals, as
the page's own links are.

The server is the one ``make run`` starts: ``gunicorn -w 2 'locator:create_app()'`` (sync
workers) with ``LOCATOR_DATABASE_URL`` on a fresh SpatiaLite file in a temporary
directory holding the demo data (``migrate.upgrade``, ``load_demo``, ANALYZE); every
other setting is ``make run``'s default (the OpenStreetMap tile layer is configured in the
page; no tile is ever requested, there is no browser).

The client is ``wrk`` (Debian's package, ``apt-get install wrk``): 2 threads, 32
connections, a Lua script that walks the point list, ``--latency`` for the
percentiles.  Without wrk a Python client (32 threads, ``http.client``) runs instead
and says so: on 2 cores it takes CPU from the server, so its figures are lower.
For each route: a warm-up of ``--warmup`` seconds (not recorded), then ``--duration``
seconds; the page and the API take turns for ``--rounds`` rounds, and the table gives
the median of the rounds, the ratio the median of each round's page/API ratio.  Each round also checks that every answer was 200.

    .venv/bin/python bench/page.py                    # 5 rounds of 6 s per route
    .venv/bin/python bench/page.py --rounds 1 --duration 5

With ``--cpu`` it measures the CPU time per request of each route in process instead
(steadier than throughput on a shared machine).  With ``--profile`` the page view is profiled in process instead (cProfile, 200
requests through the Flask test client over the same points) and its top lines
printed.  Results: a table on stdout and bench/results/page-<time>.json (gitignored).
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib.metadata import version
from pathlib import Path

from common import command_version, free_port, log, machine_info, profile_text, save_results, stop_server
from sqlalchemy import text

from locator import migrate
from locator.db import dispose_engines, get_engine, session_scope
from locator.importers.demo import load_demo
from locator.importers.synthetic import random_points_in_latvia

POINTS = 200
CONNECTIONS = 32
GOAL_RATIO = 0.5  # the page at ≥ 50 % of the API's throughput
GOAL_P99_MS = 100.0
ROUTES = {
    "page": "/?lat={lat:.3f}&lon={lon:.3f}",
    "api": "/api/nearest?lat={lat:.3f}&lon={lon:.3f}&commission_free=true&k=10",
}

WRK_LUA = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
done = function(summary, latency, requests)
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "non2xx": %d, "errors": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d}',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
  out:close()
end
"""


def build_database(path: Path) -> str:
    url = f"sqlite+pysqlite:///{path}"
    engine = get_engine(url)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        load_demo(session)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    dispose_engines()
    return url


def paths_for(route: str) -> list[str]:
    return [ROUTES[route].format(lat=lat, lon=lon) for lat, lon in random_points_in_latvia(POINTS, seed=7)]


class MakeRunServer:
    """``gunicorn -w 2 'locator:create_app()'`` on a free loopback port, configured by environment."""

    def __init__(self, url: str, logdir: Path, workers: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOCATOR_")}
        env.update(LOCATOR_DATABASE_URL=url, LOCATOR_SECRET_KEY="bench")
        self.log = open(logdir / "gunicorn.log", "wb")  # noqa: SIM115 (closed in close())
        cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}"]
        self.proc = subprocess.Popen(
            [*cmd, "--log-level", "warning", "locator:create_app()"],
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    c.close()
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"gunicorn did not start: {(logdir / 'gunicorn.log').read_text()}")
            time.sleep(0.1)

    def close(self) -> None:
        stop_server(self.proc, self.log)


def run_wrk(base: str, paths: list[str], seconds: float, tmp: Path) -> dict:
    paths_file, out_file, lua = tmp / "paths.txt", tmp / "wrk-out.json", tmp / "bench.lua"
    paths_file.write_text("\n".join(paths) + "\n")
    lua.write_text(WRK_LUA)
    out_file.unlink(missing_ok=True)
    env = {**os.environ, "BENCH_PATHS": str(paths_file), "BENCH_OUT": str(out_file)}
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(lua)]
    subprocess.run([*cmd, base + paths[0]], env=env, check=True, capture_output=True, timeout=seconds + 60)
    r = json.loads(out_file.read_text())
    return {
        "requests": r["requests"],
        "rps": r["requests"] / (r["duration_us"] / 1e6),
        "p50_ms": r["p50_us"] / 1000,
        "p90_ms": r["p90_us"] / 1000,
        "p99_ms": r["p99_us"] / 1000,
        "non_2xx": r["non2xx"],
        "errors": r["errors"],
    }


def run_threads(base: str, paths: list[str], seconds: float, _tmp: Path) -> dict:
    """The fallback client: CONNECTIONS threads, each a keep-alive connection, for ``seconds``."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        conn, mine, i = None, [], offset
        while time.perf_counter() < stop:
            if conn is None:
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
            t0 = time.perf_counter()
            try:
                conn.request("GET", paths[i % len(paths)])
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    bad[0] += 1
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except OSError:
                bad[0] += 1
                conn = None
            mine.append(time.perf_counter() - t0)
            i += 1
        with lock:
            latencies.extend(mine)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n * 7,)) for n in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": pick(0.50),
        "p90_ms": pick(0.90),
        "p99_ms": pick(0.99),
        "non_2xx": bad[0],
        "errors": 0,
    }


def profile_page(url: str, top: int) -> str:
    """cProfile of 200 page requests through the Flask test client (warmed up first)."""
    from locator import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    client = app.test_client()
    paths = paths_for("page")
    for p in paths[:20]:
        assert client.get(p).status_code == 200
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for p in paths:
        client.get(p)
    prof.disable()
    log(f"  {len(paths)} page requests in {time.perf_counter() - t0:.2f} s with the profiler on")
    return profile_text(prof, top, order=("cumulative", "tottime"))


def cpu_per_request(url: str) -> dict:
    """CPU ms per request (``time.process_time``) of each route through the Flask test client.

    The two routes alternate request by request over the same points, after a warm-up; on
    a loaded machine CPU time moves much less than wall time, so this ratio is the steadier
    one (it leaves out gunicorn and the network, which cost both routes alike).
    """
    from locator import create_app

    client = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"}).test_client()
    paths = {route: paths_for(route) for route in ROUTES}
    for route in ROUTES:
        for p in paths[route][:30]:
            assert client.get(p).status_code == 200
    spent: dict[str, list[float]] = {route: [] for route in ROUTES}
    for i in range(POINTS):
        for route in ROUTES:
            t0 = time.process_time()
            client.get(paths[route][i])
            spent[route].append((time.process_time() - t0) * 1000)
    return {route: statistics.median(ms) for route, ms in spent.items()}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=5, help="page/API turns; the table gives their median")
    p.add_argument("--duration", type=float, default=6, help="seconds recorded per route and round")
    p.add_argument("--warmup", type=float, default=3, help="seconds of load before the first round (not recorded)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (make run: 2)")
    p.add_argument("--client", choices=("auto", "wrk", "threads"), default="auto")
    p.add_argument("--profile", action="store_true", help="profile the page view in process instead")
    p.add_argument("--profile-top", type=int, default=25)
    p.add_argument("--cpu", action="store_true", help="CPU ms per request of each route, in process, instead")
    p.add_argument("--output", type=Path, default=None, help="JSON file; default bench/results/page-<time>.json")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk") else "threads")
    if client == "wrk" and not shutil.which("wrk"):
        log("wrk is missing: apt-get install wrk (or --client threads)")
        return 2
    info = machine_info(
        client=client,
        wrk=command_version("wrk") if client == "wrk" else None,
        **{pkg: version(pkg) for pkg in ("flask", "gunicorn", "sqlalchemy", "folium")},
    )
    log(f"machine: {info['nproc']} CPUs, load {info['loadavg_start']}, client {client}")
    run = run_wrk if client == "wrk" else run_threads
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="locator-bench-page.") as tmp:
        tmpdir = Path(tmp)
        url = build_database(tmpdir / "demo.sqlite")
        if args.profile:
            log(profile_page(url, args.profile_top))
            return 0
        if args.cpu:
            cpu = cpu_per_request(url)
            log(
                f"CPU ms per request (median of {POINTS}): page {cpu['page']:.2f}, api {cpu['api']:.2f}, "
                f"api/page {cpu['api'] / cpu['page']:.2f}"
            )
            save_results("page-cpu", args, machine=info, cpu_ms=cpu)
            return 0
        server = MakeRunServer(url, tmpdir, args.workers)
        rounds: dict[str, list[dict]] = {"page": [], "api": []}
        try:
            paths = {route: paths_for(route) for route in ROUTES}
            for route in ROUTES:
                run(server.base, paths[route], args.warmup, tmpdir)
            for i in range(args.rounds):
                order = list(ROUTES) if i % 2 == 0 else list(ROUTES)[::-1]
                for route in order:
                    r = run(server.base, paths[route], args.duration, tmpdir)
                    if r["non_2xx"] or r["errors"]:
                        raise SystemExit(f"{route}: {r['non_2xx']} answers not 2xx, {r['errors']} errors")
                    rounds[route].append(r)
                    log(
                        f"  round {i + 1} {route:<4} {r['rps']:7.1f} req/s  p50 {r['p50_ms']:6.1f} ms  "
                        f"p99 {r['p99_ms']:6.1f} ms  ({r['requests']} requests)"
                    )
        finally:
            server.close()
    summary = {
        route: {k: statistics.median(r[k] for r in rs) for k in ("rps", "p50_ms", "p90_ms", "p99_ms")}
        for route, rs in rounds.items()
    }
    # The ratio of each round (page and API measured back to back), then their median: on a
    # shared machine the load moves between rounds, and a ratio of medians would mix them.
    ratios = [p["rps"] / a["rps"] for p, a in zip(rounds["page"], rounds["api"], strict=True)]
    ratio = statistics.median(ratios)
    info["loadavg_end"] = os.getloadavg()
    log(
        f"\nroute  req/s   p50 ms  p99 ms   (median of {args.rounds} rounds of {args.duration:.0f} s, {CONNECTIONS} conns)"
    )
    for route, s in summary.items():
        log(f"{route:<5} {s['rps']:7.1f} {s['p50_ms']:7.1f} {s['p99_ms']:7.1f}")
    ok = ratio >= GOAL_RATIO and summary["page"]["p99_ms"] < GOAL_P99_MS
    log("page/API throughput per round: " + ", ".join(f"{r:.2f}" for r in ratios))
    log(
        f"page/API throughput {ratio:.2f} (goal ≥ {GOAL_RATIO}), page p99 {summary['page']['p99_ms']:.1f} ms "
        f"(goal < {GOAL_P99_MS:.0f}): {'PASS' if ok else 'FAIL'}"
    )
    log(f"total {time.perf_counter() - started:.0f} s, load average at the end {info['loadavg_end']}")
    save_results("page", args, machine=info, rounds=rounds, summary=summary, ratios=ratios, ratio=ratio, passed=ok)
    return 0


if __name__ == "__main__":
    sys.exit(main())
