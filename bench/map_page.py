#!/usr/bin/env python
"""Time until the customer page is ready (markers and list drawn) in headless Chromium.

For each size N (the demo data plus synthetic places up to N places in total): a
fresh SpatiaLite file in a temporary directory, ``migrate.upgrade``, ``load_demo``,
then ``random_places(N - demo, seed=1)`` under ``SYNTHETIC_SOURCE``, ANALYZE.  The
demo alone (no synthetic places) is measured too.  The app
``create_app({"DATABASE_URL": url, "TILE_URL": "", "SECRET_KEY": "bench"})`` runs
under gunicorn as a subprocess on 127.0.0.1 (1 gthread worker, 4 threads: static
files load in parallel; ``make run`` uses 2 sync workers), and Debian's Chromium
(``devtools.browser.launch``: headless, offline flags, never a downloaded browser)
loads three pages:

* ``/?lat=56.948&lon=24.109``      Rīga, a search result (10 rows, 10 markers)
* ``/en/?lat=56.510&lon=21.011``   Liepāja, in English
* ``/``                            the landing page (outline and closed centres)

Each load uses a fresh browser context (empty cache, no cookies).  "Ready" is the
wall time (``time.perf_counter``) from just before ``page.goto`` to the moment a
``wait_for_function`` (polling on animation frames) sees:

* result pages: ``.results li`` count == the number of rows in the server's HTML
  and as many markers drawn: ``.num-marker`` elements plus the counts shown on
  ``.marker-cluster`` icons (app.js clusters overlapping markers when
  Leaflet.markercluster is loaded);
* landing: a ``path.locator-outline`` and the ``.centres li`` list complete.

The first load of each page (cold server and browser) is reported apart; then the
median of ``--loads`` loads.  From the page's Navigation Timing entry it also
reports domContentLoaded (``domContentLoadedEventEnd``) and ``loadEventEnd``, and
the ready moment on the page's own clock.  Per page it also reports the HTML size
and the server time of a plain ``urllib`` GET (first one, then the median of 5).
Every request the browser makes is recorded; anything not for 127.0.0.1 is
aborted and fails the run.  On the largest size, 3 more loads per page run under
a Chromium trace (not timed) and the renderer main thread's work is summed by
kind: the inline folium script (the GeoJSON layers), vendor JS, app.js, HTML
parsing, style/layout, paint, GC (``--no-trace`` skips it).  With ``--profile`` (default on) the server side of
the Rīga page on the largest database is profiled: cProfile over 20 requests
through the Flask test client.

    .venv/bin/python bench/map_page.py                       # demo, 5,000 and 50,000 places
    .venv/bin/python bench/map_page.py --sizes 5000 --loads 3

Results: a table on stdout and bench/results/map_page-<time>.json (gitignored).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from importlib.metadata import version
from pathlib import Path

from common import (  # bench/common.py; puts the repo root on sys.path
    GunicornServer,
    command_version,
    log,
    machine_info,
    profile_text,
    save_results,
)

os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"

from sqlalchemy import text

from locator import migrate
from locator.db import dispose_engines, get_engine, session_scope
from locator.importers.demo import load_demo
from locator.importers.load import load
from locator.importers.synthetic import SYNTHETIC_SOURCE, random_places

CHROMIUM = "/usr/bin/chromium"
PLACES_SEED = 1
GOAL_S = 1.0  # ready in under 1 s at 50,000 places
GOAL_N = 50_000
PAGES = {
    # name: path
    "riga": "/?lat=56.948&lon=24.109",
    "liepaja_en": "/en/?lat=56.510&lon=21.011",
    "landing": "/",
}
PROFILE_PAGE = "riga"
PROFILE_REQUESTS = 20

READY_JS = """
([rows, centres]) => {
  let ok;
  if (rows !== null) {
    // a marker is drawn on its own (.num-marker) or counted in a MarkerCluster icon
    let drawn = document.querySelectorAll('.num-marker').length;
    document.querySelectorAll('.marker-cluster').forEach(c => { drawn += parseInt(c.textContent, 10) || 0; });
    ok = document.querySelectorAll('.results li').length === rows && drawn === rows;
  } else {
    ok = document.querySelector('path.locator-outline') !== null
      && document.querySelectorAll('.centres li').length === centres;
  }
  if (ok && window.__benchReady === undefined) window.__benchReady = performance.now();
  return ok;
}
"""

NAV_JS = """
() => {
  const n = performance.getEntriesByType('navigation')[0];
  return {
    response_start_ms: n.responseStart, response_end_ms: n.responseEnd,
    dom_interactive_ms: n.domInteractive,
    dom_content_loaded_ms: n.domContentLoadedEventEnd, load_event_end_ms: n.loadEventEnd,
    ready_in_page_ms: window.__benchReady === undefined ? null : window.__benchReady,
    transfer_bytes: n.transferSize,
    resources: performance.getEntriesByType('resource').length,
    leaflet_paths: document.querySelectorAll('.leaflet-overlay-pane path').length,
  };
}
"""


def median(values):
    return statistics.median(values) if values else None


# --- databases --------------------------------------------------------------------


def build_database(path: Path, n: int | None) -> dict:
    """Demo data plus synthetic places up to ``n`` in total (``None``: the demo alone)."""
    url = f"sqlite+pysqlite:///{path}"
    engine = get_engine(url)
    t0 = time.perf_counter()
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        load_demo(session)
    with engine.connect() as conn:
        demo = conn.execute(text("SELECT count(*) FROM places")).scalar()
    synthetic = 0
    if n is not None:
        if n < demo:
            raise SystemExit(f"--sizes: {n} is fewer than the {demo} demo places")
        synthetic = n - demo
        with session_scope(engine) as session:
            load(session, random_places(synthetic, seed=PLACES_SEED), SYNTHETIC_SOURCE)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    with engine.connect() as conn:
        places = conn.execute(text("SELECT count(*) FROM places")).scalar()
        centres = conn.execute(text("SELECT count(*) FROM closed_centres")).scalar()
    dispose_engines()
    if n is not None:
        assert places == n, (places, n)
    return {
        "url": url,
        "places": places,
        "demo_places": demo,
        "synthetic_places": synthetic,
        "closed_centres": centres,
        "build_s": time.perf_counter() - t0,
    }


# --- server -------------------------------------------------------------------------


def app_overrides(url: str) -> dict:
    return {"DATABASE_URL": url, "TILE_URL": "", "SECRET_KEY": "bench"}


def http_get(url: str) -> tuple[float, bytes]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        body = r.read()
        if r.status != 200:
            raise AssertionError(f"GET {url}: {r.status}")
    return time.perf_counter() - t0, body


def expected_counts(html: str) -> tuple[int | None, int | None]:
    """(rows, centres) as the server rendered them: what the browser must show."""
    rows = len(re.findall(r'<li class="result[ "]', html))
    m = re.search(r'<ul class="centres">(.*?)</ul>', html, re.S)
    centres = len(re.findall(r"<li>", m.group(1))) if m else None
    if m:
        return None, centres
    return rows, None


def html_breakdown(html: str) -> dict:
    """Bytes of the HTML by part: the folium script (GeoJSON inside), the marker data, the rest."""
    total = len(html.encode())
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    folium_script = max((len(s.encode()) for s in scripts), default=0)
    m = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
    data = len(m.group(1).encode()) if m else 0
    return {
        "html_bytes": total,
        "folium_script_bytes": folium_script,
        "map_data_bytes": data,
        "rest_bytes": total - folium_script - data,
    }


# --- browser -----------------------------------------------------------------------


def browser_load(browser, url: str, rows, centres) -> dict:
    from devtools.browser import block_outside, is_loopback

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    requests: list[str] = []
    errors: list[str] = []
    block_outside(context)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        t0 = time.perf_counter()
        response = page.goto(url, wait_until="commit")
        page.wait_for_function(READY_JS, arg=[rows, centres], polling="raf")
        ready_s = time.perf_counter() - t0
        if response is None or response.status != 200:
            raise AssertionError(f"{url}: status {response and response.status}")
        page.wait_for_load_state("load")
        nav = page.evaluate(NAV_JS)
    finally:
        context.close()
    outside = [u for u in requests if not is_loopback(u)]
    if outside:
        raise AssertionError(f"{url}: requests left 127.0.0.1: {outside}")
    if errors:
        raise AssertionError(f"{url}: page errors: {errors}")
    return {"ready_s": ready_s, "requests": len(requests), **nav}


def bench_pages(browser, base: str, loads: int) -> dict:
    out = {}
    for name, path in PAGES.items():
        url = base + path
        first_get_s, body = http_get(url)
        html = body.decode()
        rows, centres = expected_counts(html)
        if rows is not None and rows == 0:
            raise AssertionError(f"{path}: no result rows in the HTML")
        first = browser_load(browser, url, rows, centres)
        runs = [browser_load(browser, url, rows, centres) for _ in range(loads)]
        gets = [http_get(url)[0] for _ in range(5)]
        r = {
            "path": path,
            "rows": rows,
            "centres": centres,
            **html_breakdown(html),
            "server_first_get_s": first_get_s,
            "server_get_median_s": median(gets),
            "server_gets_s": gets,
            "first": first,
            "loads": runs,
            "median": {
                k: median([x[k] for x in runs])
                for k in (
                    "ready_s",
                    "dom_content_loaded_ms",
                    "load_event_end_ms",
                    "ready_in_page_ms",
                    "response_start_ms",
                    "response_end_ms",
                    "dom_interactive_ms",
                )
            },
            "requests_per_load": runs[0]["requests"],
        }
        out[name] = r
        m = r["median"]
        log(
            f"  {name:<11} first {first['ready_s'] * 1000:6.0f} ms | median of {loads}: ready {m['ready_s'] * 1000:6.0f} ms "
            f"(DCL {m['dom_content_loaded_ms']:5.0f}, load {m['load_event_end_ms']:5.0f}, TTFB {m['response_start_ms']:4.0f}) "
            f"| HTML {r['html_bytes'] / 1024:5.0f} KiB | GET {r['server_get_median_s'] * 1000:5.0f} ms "
            f"| {r['requests_per_load']} requests"
        )
    return out


# --- browser trace ----------------------------------------------------------------

TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute"]
TRACE_LOADS = 3


def _trace_buckets(events: list[dict], page_url: str) -> dict:
    """Main-thread (CrRendererMain) milliseconds by kind of work, from one trace."""
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("name") == "thread_name"}
    main = [e for e in events if e.get("ph") == "X" and names.get((e["pid"], e["tid"])) == "CrRendererMain"]
    b = {
        "inline map script (folium JS + GeoJSON)": 0.0,
        "app.js": 0.0,
        "vendor JS (Leaflet, jQuery, Bootstrap...)": 0.0,
        "HTML parsing (without scripts run in it)": 0.0,
        "style + layout": 0.0,
        "CSS parsing": 0.0,
        "paint + composite": 0.0,
        "GC": 0.0,
    }
    parse_total = 0.0
    script_in_parse = 0.0
    parses = [(e["ts"], e["ts"] + e.get("dur", 0)) for e in main if e["name"] == "ParseHTML"]

    def in_parse(e) -> bool:
        return any(a <= e["ts"] and e["ts"] + e.get("dur", 0) <= z for a, z in parses)

    for e in main:
        ms = e.get("dur", 0) / 1000
        name = e["name"]
        if name == "EvaluateScript":
            url = ((e.get("args") or {}).get("data") or {}).get("url", "")
            if url.split("#")[0] == page_url:
                b["inline map script (folium JS + GeoJSON)"] += ms
            elif url.endswith("/static/app.js"):
                b["app.js"] += ms
            else:
                b["vendor JS (Leaflet, jQuery, Bootstrap...)"] += ms
            if in_parse(e):
                script_in_parse += ms
        elif name == "ParseHTML":
            parse_total += ms
        elif name in ("UpdateLayoutTree", "Layout"):
            b["style + layout"] += ms
        elif name == "ParseAuthorStyleSheet":
            b["CSS parsing"] += ms
            if in_parse(e):
                script_in_parse += ms
        elif name in ("Paint", "PrePaint", "Layerize", "Commit", "CompositeLayers"):
            b["paint + composite"] += ms
        elif name in ("MinorGC", "MajorGC"):
            b["GC"] += ms
    # scripts and style sheets often run nested inside ParseHTML slices: count them once
    b["HTML parsing (without scripts run in it)"] = max(0.0, parse_total - script_in_parse)
    return b


def trace_pages(browser, base: str) -> dict:
    """Median main-thread breakdown of TRACE_LOADS traced loads per page (not in the timed figures)."""
    out = {}
    for name, path in PAGES.items():
        url = base + path
        per_load = []
        for _ in range(TRACE_LOADS):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith(base) else route.abort("blockedbyclient")
                ),
            )
            page = context.new_page()
            browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
            page.goto(url, wait_until="load")
            raw = json.loads(browser.stop_tracing())
            context.close()
            events = raw["traceEvents"] if isinstance(raw, dict) else raw
            per_load.append(_trace_buckets(events, url))
        out[name] = {k: median([x[k] for x in per_load]) for k in per_load[0]}
    return out


# --- server profile ------------------------------------------------------------------


def profile_server(url: str, path: str, top: int) -> dict:
    from locator import create_app

    app = create_app(app_overrides(url))
    client = app.test_client()
    for _ in range(3):  # warm: imports, template compile, GeoJSON caches
        assert client.get(path).status_code == 200
    times = []
    prof = cProfile.Profile()
    for _ in range(PROFILE_REQUESTS):
        t0 = time.perf_counter()
        prof.enable()
        r = client.get(path)
        prof.disable()
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200
    report = profile_text(prof, top, order=("cumulative", "tottime"))
    # a few named buckets, cumulative seconds per request
    buckets = {}
    raw = pstats.Stats(prof).strip_dirs().stats  # {(file, line, func): (cc, nc, tt, ct, callers)}
    wanted = {
        "render_index (whole view)": ("pages.py", "render_index"),
        "find (nearest query + hours)": ("pages.py", "find"),
        "closed_centres query": ("query.py", "closed_centres"),
        "results_map (folium build + render)": ("map_view.py", "results_map"),
        "offline_map (folium Map + GeoJson layers)": ("base.py", "offline_map"),
        "render_parts (folium render to text)": ("base.py", "render_parts"),
        "render_template (Jinja page)": ("templating.py", "render_template"),
        "json.dumps (all calls)": ("__init__.py", "dumps"),
        "copy.deepcopy (all calls)": ("copy.py", "deepcopy"),
    }
    for label, (fname, func) in wanted.items():
        ct = max((v[3] for k, v in raw.items() if k[0] == fname and k[2] == func), default=0.0)
        buckets[label] = ct / PROFILE_REQUESTS
    dispose_engines()
    return {
        "path": path,
        "requests": PROFILE_REQUESTS,
        "wall_median_s": median(times),
        "per_request_s": buckets,
        "text": report,
    }


# --- report ---------------------------------------------------------------------------


def table(results: list[dict]) -> str:
    head = (
        f"{'places':>7} {'page':<11} {'first':>6} {'ready':>6} {'DCL':>6} {'load':>6} "
        f"{'TTFB':>5} {'HTML KiB':>8} {'GET ms':>6} {'req':>4}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        for name, p in r["pages"].items():
            m = p["median"]
            lines.append(
                f"{r['places']:>7} {name:<11} {p['first']['ready_s'] * 1000:>6.0f} {m['ready_s'] * 1000:>6.0f} "
                f"{m['dom_content_loaded_ms']:>6.0f} {m['load_event_end_ms']:>6.0f} {m['response_start_ms']:>5.0f} "
                f"{p['html_bytes'] / 1024:>8.0f} {p['server_get_median_s'] * 1000:>6.0f} {p['requests_per_load']:>4}"
            )
    lines.append(
        "(ms; first = first load of the page, the others are medians of the next loads; ready = "
        "goto start until markers+list drawn, wall clock; DCL/load/TTFB from Navigation Timing; "
        "GET = median of 5 urllib GETs of the HTML; req = requests per load)"
    )
    return "\n".join(lines)


def verdict(results: list[dict]) -> dict:
    at_goal = [r for r in results if r["places"] == GOAL_N]
    if not at_goal:
        return {"target": f"ready < {GOAL_S:g} s at {GOAL_N:,} places", "measured": "not measured", "pass": None}
    worst = max((p["median"]["ready_s"], name) for name, p in at_goal[0]["pages"].items())
    return {
        "target": f"ready < {GOAL_S:g} s at {GOAL_N:,} places (median, every page)",
        "measured": f"worst median {worst[0] * 1000:.0f} ms ({worst[1]})",
        "pass": worst[0] < GOAL_S,
    }


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/map_page.py",
        description=(
            "Time until the customer page is ready (markers and list drawn) in headless "
            "Chromium, with the demo data and with N places in total (demo + synthetic). "
            "gunicorn on 127.0.0.1, tiles off, no request leaves the machine."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )

    def int_list(s: str) -> list[int]:
        try:
            values = [int(x.replace("_", "")) for x in s.split(",") if x.strip()]
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {s!r}") from None
        if not values:
            raise argparse.ArgumentTypeError("no sizes")
        return values

    p.add_argument(
        "--sizes",
        type=int_list,
        default="5000,50000",
        help="total numbers of places (demo + synthetic), comma-separated",
    )
    p.add_argument("--no-demo-only", action="store_true", help="skip the database with the demo data alone")
    p.add_argument("--loads", type=int, default=5, help="timed loads per page after the first")
    p.add_argument(
        "--no-profile",
        action="store_true",
        help="skip the cProfile of the server side (Rīga page, largest size, 20 requests)",
    )
    p.add_argument(
        "--no-trace", action="store_true", help="skip the Chromium trace (main-thread work by kind) on the largest size"
    )
    p.add_argument("--profile-top", type=int, default=30, help="functions listed by the profile")
    p.add_argument("--output", type=Path, default=None, help="JSON file; None means bench/results/map_page-<time>.json")
    args = p.parse_args(argv)
    if args.loads < 1:
        p.error("--loads must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: run scripts/install-browser.sh", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from devtools.browser import launch

    started = time.perf_counter()
    info = machine_info(
        chromium=command_version(CHROMIUM),
        **{pkg: version(pkg) for pkg in ("playwright", "flask", "folium", "gunicorn", "sqlalchemy")},
    )
    log(f"machine: {info['nproc']} CPUs, {info['cpu_model']}, load {info['loadavg_start']}")
    log(f"{info['chromium']}, playwright {info['playwright']}, python {info['python']}")
    sizes: list[int | None] = ([] if args.no_demo_only else [None]) + args.sizes
    results: list[dict] = []
    profile = None
    with tempfile.TemporaryDirectory(prefix="locator-bench-map.") as tmp, sync_playwright() as pw:
        tmpdir = Path(tmp)
        browser = launch(pw)
        try:
            for n in sizes:
                label = "demo" if n is None else f"{n}"
                db = build_database(tmpdir / f"map_{label}.sqlite", n)
                log(
                    f"\n== {db['places']:,} places ({db['demo_places']} demo + {db['synthetic_places']:,} synthetic, "
                    f"{db['closed_centres']} closed centres; built in {db['build_s']:.1f} s) =="
                )
                # 4 threads: the page's static files load in parallel
                with GunicornServer(app_overrides(db["url"]), tmpdir, threads=4) as server:
                    pages = bench_pages(browser, server.base, args.loads)
                    trace = None
                    if not args.no_trace and n == max(args.sizes):
                        trace = trace_pages(browser, server.base)
                        log(
                            f"  main-thread ms by kind of work (median of {TRACE_LOADS} traced loads to the load event):"
                        )
                        for page_name, buckets in trace.items():
                            log(f"    {page_name}: " + ", ".join(f"{k} {v:.0f}" for k, v in buckets.items()))
                results.append({"size": label, **db, "pages": pages, "browser_trace": trace})
            if not args.no_profile:
                biggest = max(results, key=lambda r: r["places"])
                log(
                    f"\ncProfile: {PROFILE_REQUESTS} requests of {PAGES[PROFILE_PAGE]} through the Flask "
                    f"test client, {biggest['places']:,} places"
                )
                profile = profile_server(biggest["url"], PAGES[PROFILE_PAGE], args.profile_top)
                log(f"  wall median {profile['wall_median_s'] * 1000:.1f} ms per request (profiler on)")
                for k, v in profile["per_request_s"].items():
                    log(f"  {k:<45} {v * 1000:7.1f} ms/request (cumulative)")
                log(profile["text"])
        finally:
            browser.close()

    info["loadavg_end"] = os.getloadavg()
    v = verdict(results)
    log("\n" + table(results))
    status = {True: "PASS", False: "FAIL", None: "n/a "}[v["pass"]]
    log(f"\n{status}  {v['target']}: {v['measured']}")
    elapsed = time.perf_counter() - started
    log(f"total {elapsed:.0f} s, load average at the end {info['loadavg_end']}")

    save_results(
        "map_page",
        args,
        machine=info,
        elapsed_s=elapsed,
        results=[{k: v for k, v in r.items() if k != "url"} for r in results],
        profile=profile,
        target=v,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
