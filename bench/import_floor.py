#!/usr/bin/env python
"""The server floor of an import: ``insert_new`` alone on ready rows, against ogr2ogr.

What our schema costs before any Python reading or validation.  The same N generated rows
as ``bench/import.py`` (its ``generate_rows`` and ``write_files``, same seed):

* insert_new: the rows are built as ``PlaceRow`` objects (with one shared ``OfferRow`` per
  fee, as the validator shares them) before the timing starts.  In a fresh migrated database,
  with the source row already written, it times ``importers.fast_insert.insert_new``,
  ``fast_insert.analyze`` (what ``load()`` runs after a bulk load) and ``commit``, stage by
  stage: ids, places, spatial index, offers, analyze, commit.  On PostGIS the GiST index is
  filled by the COPY of the places, so its time is in "places" and "spatial index" is empty.
* ogr2ogr: another fresh migrated database, and exactly the command ``bench/import.py`` builds
  for the CSV file (a subprocess; start-up and CSV parsing included).

Each repeat runs both, alternating which goes first; medians of the repeats are reported.

    scripts/pg-test-cluster.sh run -- .venv/bin/python bench/import_floor.py
    .venv/bin/python bench/import_floor.py --engines spatialite --repeat 5

The PostGIS cluster comes from LOCATOR_TEST_POSTGRES_URL; every database and file the script
makes is removed at the end.  Results: a table on stdout and JSON in
bench/results/import-floor-<time>.json.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from common import (  # bench/common.py; puts the repo root on sys.path
    command_version,
    database_library_versions,
    log,
    machine_info,
    save_results,
)

from importers import fast_insert  # noqa: E402
from importers.load import upsert_source  # noqa: E402
from importers.rows import OfferRow, PlaceRow  # noqa: E402
from locator.db import dispose_engines, get_engine, session_for  # noqa: E402
from locator.models import utcnow  # noqa: E402

bench_import = importlib.import_module("import")  # bench/import.py: the file, databases, ogr2ogr

BULK_MIN_ROWS = fast_insert.BULK_MIN
STAGES = ("ids", "places", "spatial_index", "offers", "analyze", "commit")


def place_rows(records: list[dict]) -> list[PlaceRow]:
    """The generated records as the loader receives them (validated values, shared offers)."""
    offers: dict[str, tuple[OfferRow, ...]] = {}
    out = []
    for d in records:
        fee = d["fee_bill_payment"]
        if fee not in offers:
            offers[fee] = (OfferRow("bill_payment", Decimal(fee).quantize(Decimal("0.01"))),)
        out.append(PlaceRow(
            source_ref=d["id"], kind=d["kind"], name=d["name"], lat=float(d["lat"]), lon=float(d["lon"]),
            brand=d["brand"] or None, address=d["address"] or None, municipality=d["municipality"] or None,
            opening_hours=d["opening_hours"] or None, offers=offers[fee],
        ))
    return out


def floor_insert(db, rows: list[PlaceRow]) -> dict:
    """insert_new + analyze + commit on a fresh database, stage by stage (seconds)."""
    engine = get_engine(db.url)
    n = len(rows)
    session = session_for(engine)
    try:
        now = utcnow()
        source_id = upsert_source(session, bench_import.SOURCE, now)
        session.flush()
        gc.collect()
        stages: dict[str, float] = {}
        clock = time.perf_counter
        t0 = clock()
        fast_insert.insert_new(session, rows, source_id, now, stages=stages)
        t1 = clock()
        fast_insert.analyze(session)
        t2 = clock()
        session.commit()
        t3 = clock()
    finally:
        session.close()
    stages.update(analyze=t2 - t1, commit=t3 - t2)
    out = {s: stages.get(s, 0.0) for s in STAGES}
    out["other"] = (t1 - t0) - sum(stages.get(s, 0.0) for s in STAGES[:4])
    out["seconds"] = t3 - t0
    out["rows_per_s"] = n / out["seconds"]
    with engine.connect() as conn:
        places = conn.execute(text("SELECT count(*) FROM places")).scalar_one()
        offers = conn.execute(text("SELECT count(*) FROM offers")).scalar_one()
        indexed = bench_import.index_count(db, conn, "places")
    dispose_engines()
    if not places == offers == indexed == n:
        raise AssertionError(f"insert_new: places {places}, offers {offers}, indexed {indexed}; expected {n}")
    return out


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/import_floor.py",
        description=(
            "The server floor of an import: importers.fast_insert.insert_new (plus ANALYZE and "
            "commit) on ready rows, stage by stage, against ogr2ogr loading the same rows as CSV "
            "into the same engine. Needs LOCATOR_TEST_POSTGRES_URL for PostGIS "
            "(scripts/pg-test-cluster.sh run -- ...)."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )

    def engines(s: str) -> list[str]:
        values = [x.strip() for x in s.split(",") if x.strip()]
        if not values or any(v not in ("spatialite", "postgis") for v in values):
            raise argparse.ArgumentTypeError("expected a comma-separated subset of spatialite, postgis")
        return values

    p.add_argument("--rows", type=int, default=100_000, help="rows generated")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per engine and importer")
    p.add_argument("--engines", type=engines, default="spatialite,postgis",
                   help="comma-separated: spatialite, postgis")
    p.add_argument("--gt", type=int, default=65536, help="ogr2ogr -gt: features per transaction")
    p.add_argument("--no-ogr2ogr", action="store_true", help="time insert_new only")
    p.add_argument("--seed", type=int, default=bench_import.SEED, help="seed of the generated rows")
    p.add_argument("--output", type=Path, default=None,
                   help="JSON results file; default bench/results/import-floor-<time>.json")
    args = p.parse_args(argv)
    if args.rows < BULK_MIN_ROWS or args.repeat < 1:
        p.error(f"--rows must be at least {BULK_MIN_ROWS} (the bulk path) and --repeat at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    pg_url = os.environ.get("LOCATOR_TEST_POSTGRES_URL")
    if "postgis" in args.engines and not pg_url:
        print("bench/import_floor.py: LOCATOR_TEST_POSTGRES_URL is not set.\n"
              "  Run scripts/pg-test-cluster.sh run -- .venv/bin/python bench/import_floor.py ...,\n"
              "  or pass --engines spatialite.", file=sys.stderr)
        return 2
    if not args.no_ogr2ogr and shutil.which("ogr2ogr") is None:
        print("bench/import_floor.py: ogr2ogr not found (apt-get install gdal-bin), or pass --no-ogr2ogr",
              file=sys.stderr)
        return 2

    started = time.perf_counter()
    info = machine_info(**database_library_versions(), gdal=command_version("ogr2ogr"))
    log(f"machine: {info['nproc']} CPUs, {info['cpu_model']}, load {info['loadavg_start']}")
    results: list[dict] = []
    versions: dict = {}
    with tempfile.TemporaryDirectory(prefix="locator-bench-floor.") as tmp:
        tmpdir = Path(tmp)
        t0 = time.perf_counter()
        records = bench_import.generate_rows(args.rows, args.seed)
        csv_path = bench_import.write_files(records, tmpdir)["csv"]
        rows = place_rows(records)
        del records
        log(f"{args.rows:,} rows generated in {time.perf_counter() - t0:.1f} s")
        dbs = bench_import.Databases(pg_url, tmpdir)
        who_all = ("insert_new",) if args.no_ogr2ogr else ("insert_new", "ogr2ogr")
        for engine_name in args.engines:
            log(f"\n== {engine_name}, {args.rows:,} rows ==")
            runs: dict[str, list[dict]] = {who: [] for who in who_all}
            for i in range(args.repeat):
                order = who_all if i % 2 == 0 else who_all[::-1]
                for who in order:
                    db = dbs.new(engine_name)
                    try:
                        if engine_name not in versions:
                            versions[engine_name] = bench_import.short_engine_versions(db)
                        if who == "insert_new":
                            r = floor_insert(db, rows)
                        else:
                            r = bench_import.ogr_import(db, "csv", csv_path, args.rows, args.gt)
                            command = " ".join(r.pop("command"))
                    finally:
                        db.drop()
                    runs[who].append(r)
                    detail = "  ".join(f"{s} {r[s]:.3f}" for s in STAGES) if who == "insert_new" else ""
                    log(f"  run {i + 1} {who:10s} {r['seconds']:6.2f} s  {r['rows_per_s']:>9,.0f} rows/s  {detail}")
            med = {who: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for who, rs in runs.items()}
            result = {"engine": engine_name, "rows": args.rows, "median": med, "runs": runs}
            if not args.no_ogr2ogr:
                result["ogr2ogr_command"] = command
                result["ratio"] = med["insert_new"]["rows_per_s"] / med["ogr2ogr"]["rows_per_s"]
            results.append(result)

    info["loadavg_end"] = os.getloadavg()
    elapsed = time.perf_counter() - started
    log(f"\nMedians of {args.repeat} runs, {args.rows:,} rows, seconds "
        "(PostGIS fills its GiST index during the COPY of places: no separate spatial index stage)")
    log("| engine | ids | places | spatial index | offers | analyze | commit | insert_new total | rows/s "
        "| ogr2ogr | ogr2ogr rows/s | ratio |")
    log("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        m = r["median"]["insert_new"]
        cells = [f"{m[s]:.3f}" if not (s == "spatial_index" and r["engine"] == "postgis") else "(in places)"
                 for s in STAGES]
        ogr = r["median"].get("ogr2ogr")
        tail = (f"{ogr['seconds']:.2f} | {ogr['rows_per_s']:,.0f} | {r['ratio']:.2f}" if ogr else "– | – | –")
        log(f"| {r['engine']} | {' | '.join(cells)} | {m['seconds']:.2f} | {m['rows_per_s']:,.0f} | {tail} |")
    for name, v in versions.items():
        log(f"{name}: " + ", ".join(f"{k} {val}" for k, val in v.items()))
    log(f"total {elapsed:.0f} s, load average at the end {info['loadavg_end']}")
    save_results("import-floor", args, machine=info, versions=versions, elapsed_s=elapsed, results=results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
