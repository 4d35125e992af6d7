#!/usr/bin/env python
"""Address search: latency, index memory and build time, with Rīga's addresses and a 1M register.

Two settings, each measured in the same run:

* **riga**: the offline default, the shipped ``data/gazetteer/addresses-riga.tsv`` (48,120
  house numbers) and nothing else;
* **register**: a synthetic national register of N addresses (default 1,000,000) written in the
  published ``aw_eka.csv`` format (``;`` and ``#`` quoting, UTF-8 with BOM, all 21 columns; seeded,
  so every run writes the same bytes): 800 real settlement names from the gazetteer's own file, 50
  street names each taken from Rīga's streets, 25 numbers per street (every fifth with an 'A'
  twin, every seventh a 'k-1' building), 5 % farms without a street and 2 % deleted rows. It is
  imported with ``flask --app locator addresses import``'s code into a fresh SpatiaLite file
  (timed: the import time of the 1M file), then the search geocoder is built over it (timed).

Memory of the index: the bytes still allocated after the build (``tracemalloc``, the build run a
second time under it) and the growth of the process's resident set (RSS, first build). Latency:
``locator.gazetteer.search`` (what the page calls) over Q queries sampled from the addresses, in
the forms people write ("Brīvības iela 90, Rīga", "RĪGA, Brīvības ielā 90", "Tvaika iela 54k2",
"Lielā iela 2, Jelgava") plus 10 % unknown numbers and 5 % unknown streets; median and p99 in ms.

    .venv/bin/python bench/search.py                      # 1,000,000 addresses, 2,000 queries
    .venv/bin/python bench/search.py --rows 100000 --queries 500

Results: a table on stdout and JSON in bench/results/search-<time>.json.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from common import finish_run, log, machine_info  # bench/common.py; puts the repo root on sys.path

HEADER = [
    "KODS",
    "TIPS_CD",
    "STATUSS",
    "APSTIPR",
    "APST_PAK",
    "VKUR_CD",
    "VKUR_TIPS",
    "NOSAUKUMS",
    "SORT_NOS",
    "ATRIB",
    "PNOD_CD",
    "DAT_SAK",
    "DAT_MOD",
    "DAT_BEIG",
    "FOR_BUILD",
    "PLAN_ADR",
    "STD",
    "KOORD_X",
    "KOORD_Y",
    "DD_N",
    "DD_E",
]
TOWNS, STREETS_PER_TOWN = 800, 50


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def write_register(path: Path, rows: int, seed: int = 10) -> list[tuple[str, str, str]]:
    """An aw_eka.csv of about ``rows`` rows; returns (street, number, town) of its street addresses."""
    from locator.gazetteer.address_index import read_riga
    from locator.gazetteer.files import read_settlements

    rng = random.Random(seed)
    settlements = sorted(read_settlements(), key=lambda s: (-s.population, s.name, s.lat))
    towns, seen = [], set()
    for s in settlements:
        if s.name not in seen and s.name != "Rīga":
            seen.add(s.name)
            towns.append(s)
        if len(towns) == TOWNS:
            break
    street_names = sorted({r.street for r in read_riga()})
    per_street = max(1, round(rows / (TOWNS * STREETS_PER_TOWN * 1.2)))  # with the A twins
    addresses, code = [], 100_000_000
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        fh.write(";".join(f"#{h}#" for h in HEADER) + "\r\n")

        def emit(status, name, std, lat, lon, postcode):
            nonlocal code
            code += 1
            d = dict.fromkeys(HEADER, "")
            d.update(KODS=code, TIPS_CD=108, STATUSS=status, APSTIPR="Y", NOSAUKUMS=name, SORT_NOS=name, STD=std)
            d.update(ATRIB=postcode, DAT_SAK="2009.07.01 00:00:00", DD_N=f"{lat:.7f}", DD_E=f"{lon:.7f}")
            fh.write(";".join(f"#{d[h]}#" for h in HEADER) + "\r\n")

        for t in towns:
            postcode = f"LV-{rng.randint(1001, 5799)}"
            for street in rng.sample(street_names, STREETS_PER_TOWN):
                bearing = rng.uniform(0, 3.1416)
                dlat, dlon = 0.00018 * rng.choice((-1, 1)), 0.0003
                lat0 = t.lat + rng.uniform(-0.02, 0.02)
                lon0 = t.lon + rng.uniform(-0.03, 0.03)
                for i in range(1, per_street + 1):
                    lat = lat0 + i * dlat * abs(1 - bearing)
                    lon = lon0 + i * dlon * bearing / 3
                    number = str(i) + (" k-1" if i % 7 == 0 else "")
                    status = "DEL" if rng.random() < 0.02 else "EKS"
                    emit(status, number, f"{street} {number}, {t.name}, {postcode}", lat, lon, postcode)
                    if status == "EKS":
                        addresses.append((street, number, t.name))
                    if i % 5 == 0:
                        emit("EKS", f"{i}A", f"{street} {i}A, {t.name}, {postcode}", lat + 0.0001, lon, postcode)
                        addresses.append((street, f"{i}A", t.name))
                if rng.random() < 0.05 * per_street / 5:
                    for _ in range(5):  # farms in the town's parish
                        farm = f"{rng.choice(street_names).split()[0]} {rng.randint(1, 99)}"
                        emit("EKS", farm, f'"{farm}", {t.name} pag., {t.municipality}', lat0, lon0, postcode)
    return addresses


def queries(addresses: list[tuple[str, str, str]], n: int, seed: int = 3) -> list[str]:
    """``n`` queries in the forms people write, 10 % unknown numbers and 5 % unknown streets."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        street, number, town = rng.choice(addresses)
        r = rng.random()
        if r < 0.05:
            out.append(f"Neesošā iela {rng.randint(1, 99)}, {town}")
            continue
        if r < 0.15:
            number = str(rng.randint(400, 900))
        form = rng.randrange(5)
        loc = street.replace(" iela", " ielā").replace(" gatve", " gatvē").replace(" bulvāris", " bulvārī")
        out.append(
            [
                f"{street} {number}, {town}",
                f"{town.upper()}, {loc} {number}",
                f"{street} {number.replace(' k-', 'k')}, {town}",
                f"{town}, {street} {number}",
                f"{street} {number}, {town}, LV-1011",
            ][form]
        )
    return out


def latency(geocoder, qs: list[str], warmup: int = 100) -> dict:
    from locator.gazetteer import search

    for q in qs[:warmup]:
        search(geocoder, q)
    times, found = [], 0
    for q in qs:
        t = time.perf_counter()
        r = search(geocoder, q)
        times.append((time.perf_counter() - t) * 1000)
        found += r.status == "found"
    times.sort()
    return {
        "queries": len(qs),
        "median_ms": statistics.median(times),
        "p99_ms": times[int(0.99 * (len(times) - 1))],
        "max_ms": times[-1],
        "found_share": found / len(qs),
    }


def measure_build(build) -> tuple[object, dict]:
    """(the built object, {build_s, rss_mib, traced_mib}): timed first, then rebuilt under tracemalloc."""
    gc.collect()
    rss0 = rss_bytes()
    t = time.perf_counter()
    obj = build()
    build_s = time.perf_counter() - t
    gc.collect()
    rss = (rss_bytes() - rss0) / 2**20
    del obj
    gc.collect()
    tracemalloc.start()
    obj = build()
    gc.collect()
    traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return obj, {
        "build_s": build_s,
        "rss_mib": rss,
        "traced_mib": traced[0] / 2**20,
        "traced_peak_mib": traced[1] / 2**20,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--queries", type=int, default=2000)
    p.add_argument("--output", type=Path, help="results JSON (default: bench/results/search-<time>.json)")
    args = p.parse_args()
    from locator import migrate
    from locator.db import get_engine, session_for
    from locator.gazetteer import Gazetteer
    from locator.gazetteer.address_index import AddressBook, RegisterCache, read_riga, shipped_book
    from locator.gazetteer.geocoder import _street_index
    from locator.importers.address_register import import_register

    info = machine_info()
    started = time.perf_counter()
    results = []

    # -- riga: the shipped file alone
    riga = [(r.street, r.number, r.town) for r in read_riga()]
    book, mem = measure_build(lambda: _street_index(AddressBook(read_riga()), ()))
    shipped_book.cache_clear()
    g = Gazetteer()
    lat = latency(g, queries(riga, args.queries))
    results.append({"setting": "riga", "addresses": len(g._book), **mem, **lat})
    log(f"riga: {results[-1]}")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "aw_eka.csv"
        t = time.perf_counter()
        addresses = write_register(path, args.rows)
        log(f"wrote {path.stat().st_size / 2**20:.0f} MiB in {time.perf_counter() - t:.0f} s")
        engine = get_engine(f"sqlite+pysqlite:///{tmp}/bench.sqlite")
        migrate.upgrade(engine)
        session = session_for(engine)
        t = time.perf_counter()
        counts = import_register(session, path)
        session.commit()
        import_s = time.perf_counter() - t
        log(f"import: {counts.summary()} in {import_s:.1f} s")
        again = time.perf_counter()
        import_register(session, path)
        session.commit()
        reimport_s = time.perf_counter() - again
        session.close()

        def build():
            s = session_for(engine)
            try:
                return _street_index(RegisterCache(tmp + "/none").book_for(s), ())
            finally:
                s.close()

        index, mem = measure_build(build)
        del index
        gc.collect()
        g = Gazetteer()
        cache = RegisterCache()
        s = session_for(engine)
        g._book = cache.book_for(s)
        s.close()
        g._streets = _street_index(g._book, ())
        qs = queries(addresses, args.queries // 2) + queries(riga, args.queries // 2, seed=4)
        lat = latency(g, qs)
        results.append(
            {
                "setting": "register",
                "rows": counts.read,
                "addresses": len(g._book),
                "streets": len(g._book.entries),
                "import_s": import_s,
                "import_rows_per_s": counts.read / import_s,
                "reimport_unchanged_s": reimport_s,
                **mem,
                **lat,
            }
        )
        log(f"register: {results[-1]}")
        engine.dispose()

    log()
    log(
        f"{'setting':9} {'addresses':>10} {'build s':>8} {'traced MiB':>10} {'RSS MiB':>8} {'median ms':>9} {'p99 ms':>7}"
    )
    for r in results:
        log(
            f"{r['setting']:9} {r['addresses']:>10,} {r['build_s']:>8.2f} {r['traced_mib']:>10.0f} "
            f"{r['rss_mib']:>8.0f} {r['median_ms']:>9.2f} {r['p99_ms']:>7.2f}"
        )
    info["loadavg_end"] = os.getloadavg()
    finish_run("search", args, info, {}, time.perf_counter() - started, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
