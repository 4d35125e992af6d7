#!/usr/bin/env python
"""The server floor of an import: ``insert_new`` alone on ready rows, against ogr2ogr.

What our schema costs before any Python reading or validation.  The same N generated rows
as ``bench/import.py`` (its ``generate_rows`` and ``write_files``, same seed):

* insert_new: the rows are built as ``PlaceRow`` objects (with one shared ``OfferRow`` per
  fee, as the validator shares them) before the timing starts.  In a fresh migrated database,
  with the source row already written, it times ``locator.importers.writers.insert_new``,
  ``writers.analyze`` (what ``load()`` runs after a bulk load) and ``commit``, stage by
  stage: ids, places, spatial index, offers, analyze, commit.  On PostGIS the GiST index is
  filled by the COPY of the places, so its time is in "places" and "spatial index" is empty.
* ogr2ogr: another fresh migrated database, and exactly the command ``bench/import.py`` builds
  for the CSV file (a subprocess; start-up and CSV parsing included).

Each repeat runs both, alternating which goes first; medians of the repeats are reported.

With ``--postgis-variants`` (PostGIS only, off by default), after those measurements: what the
COPY path would cost if parts of the schema were set aside, i.e. how much of the server floor is
our indexes and constraints, and the cheapest a COPY could be on this schema if an import were
allowed to take ACCESS EXCLUSIVE locks on ``places`` (which would block the web API's readers,
so ``insert_new`` does not do it).  For each variant, in a fresh migrated database, with the
same prebuilt rows, inside one transaction that is *rolled back* afterwards (so nothing has to
be restored): the DDL before the COPYs (untimed), then ``insert_new`` (ids, COPY of places,
COPY of offers) and the rebuild of whatever was dropped, timed:

* as is: every index, constraint and foreign key in place (``insert_new`` as the import runs it);
* GiST after: ``idx_places_geom`` dropped, created again after the COPYs (its ``pg_indexes``
  definition), the build timed;
* no foreign keys: the foreign keys of ``places`` and ``offers`` dropped, not put back;
* bare: the GiST index, the unique (source_id, source_ref) constraint and both foreign keys
  dropped; after the COPYs the index and the unique constraint built again and the foreign keys
  added back (``ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY`` checks all rows in one query).

No ANALYZE and no commit there (the transaction is rolled back), unlike the insert_new column
of the main table; the ogr2ogr median of the main measurements is printed beside them.

    scripts/pg-test-cluster.sh run -- .venv/bin/python bench/import_floor.py
    .venv/bin/python bench/import_floor.py --engines spatialite --repeat 5
    scripts/pg-test-cluster.sh run -- .venv/bin/python bench/import_floor.py --postgis-variants

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

from common import (  # bench/common.py; puts the repo root on sys.path
    command_version,
    database_library_versions,
    finish_run,
    log,
    machine_info,
)
from sqlalchemy import text

from locator.db import dispose_engines, get_engine, session_for
from locator.importers import writers
from locator.importers.load import upsert_source
from locator.importers.rows import OfferRow, PlaceRow
from locator.models import utcnow

bench_import = importlib.import_module("import")  # bench/import.py: the file, databases, ogr2ogr

MIN_ROWS = 256  # fewer rows time nothing but start-up
STAGES = ("ids", "places", "spatial_index", "offers", "analyze", "commit")


def place_rows(records: list[dict]) -> list[PlaceRow]:
    """The generated records as the loader receives them (validated values, shared offers)."""
    offers: dict[str, tuple[OfferRow, ...]] = {}
    out = []
    for d in records:
        fee = d["fee_bill_payment"]
        if fee not in offers:
            offers[fee] = (OfferRow("bill_payment", Decimal(fee).quantize(Decimal("0.01"))),)
        out.append(
            PlaceRow(
                source_ref=d["id"],
                kind=d["kind"],
                name=d["name"],
                lat=float(d["lat"]),
                lon=float(d["lon"]),
                brand=d["brand"] or None,
                address=d["address"] or None,
                municipality=d["municipality"] or None,
                opening_hours=d["opening_hours"] or None,
                offers=offers[fee],
            )
        )
    return out


def session_with_source(engine):
    """A session with the benchmark's source written (not timed): (session, source id, now)."""
    session = session_for(engine)
    now = utcnow()
    source_id = upsert_source(session, bench_import.SOURCE, now)
    session.flush()
    return session, source_id, now


def floor_insert(db, rows: list[PlaceRow]) -> dict:
    """insert_new + analyze + commit on a fresh database, stage by stage (seconds)."""
    engine = get_engine(db.url)
    n = len(rows)
    session, source_id, now = session_with_source(engine)
    try:
        gc.collect()
        stages: dict[str, float] = {}
        clock = time.perf_counter
        t0 = clock()
        writers.insert_new(session, rows, source_id, now, stages=stages)
        t1 = clock()
        writers.analyze(session)
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


# --- --postgis-variants ------------------------------------------------------------

GIST_INDEX = "idx_places_geom"
# name: (label, parts dropped before the COPYs, whether they are built again after them, timed)
VARIANTS = {
    "as_is": ("schema as it is", (), False),
    "gist_after": ("GiST built after", ("gist",), True),
    "no_fks": ("no foreign keys", ("fks",), False),
    "bare": ("bare, indexes built after", ("gist", "unique", "fks"), True),
}
VARIANT_KEYS = ("ids", "places", "offers", "rebuild", "seconds", "rows_per_s")
SERVER_SETTINGS = (
    "maintenance_work_mem",
    "max_parallel_maintenance_workers",
    "work_mem",
    "shared_buffers",
    "wal_level",
)


def schema_parts(cur) -> dict[str, list[tuple[str, str, str]]]:
    """What the variants may drop, read from the catalog: {part: [(name, drop, create)]}.

    gist: the GiST index of places; unique: the unique constraints of places; fks: the foreign
    keys of places and offers (those of places first, as they are added back)."""
    cur.execute(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = 'places' AND indexname = %s",
        (GIST_INDEX,),
    )
    found = cur.fetchone()
    if found is None:
        raise RuntimeError(f"no index {GIST_INDEX} on places")
    parts: dict[str, list[tuple[str, str, str]]] = {
        "gist": [(GIST_INDEX, f'DROP INDEX "{GIST_INDEX}"', found[0])],
        "unique": [],
        "fks": [],
    }
    cur.execute(
        "SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid) "
        "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
        "WHERE k.conrelid IN ('places'::regclass, 'offers'::regclass) AND k.contype IN ('u', 'f') "
        "AND NOT (k.contype = 'u' AND c.relname <> 'places') "
        "ORDER BY k.contype, c.relname <> 'places', k.conname"
    )
    for table, name, kind, definition in cur.fetchall():
        parts["fks" if kind == "f" else "unique"].append(
            (
                name,
                f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"',
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}',
            )
        )
    return parts


def copy_variant(db, rows: list[PlaceRow], variant: str) -> dict:
    """One schema variant on a fresh PostGIS database, in a transaction rolled back at the end:
    the untimed DDL, then insert_new (ids, places, offers) and the timed rebuild (seconds)."""
    _, dropped, rebuilt = VARIANTS[variant]
    engine = get_engine(db.url)
    n = len(rows)
    session, source_id, now = session_with_source(engine)
    try:
        cur = session.connection().connection.driver_connection.cursor()
        parts = schema_parts(cur)
        todo = [item for part in dropped for item in parts[part]]
        for _, drop, _ in todo:
            cur.execute(drop)
        gc.collect()
        stages: dict[str, float] = {}
        clock = time.perf_counter
        t0 = clock()
        writers.insert_new(session, rows, source_id, now, stages=stages)
        t1 = clock()
        rebuild: dict[str, float] = {}
        if rebuilt:
            for name, _, create in todo:
                t = clock()
                cur.execute(create)
                rebuild[name] = clock() - t
        t2 = clock()
        cur.execute(
            "SELECT (SELECT count(*) FROM places), (SELECT count(*) FROM offers), "
            "(SELECT count(*) FROM pg_indexes WHERE tablename = 'places' AND indexname = %s)",
            (GIST_INDEX,),
        )
        places, offers, gist = cur.fetchone()
        cur.close()
        session.rollback()
    finally:
        session.close()
    dispose_engines()
    if not places == offers == n or gist != 1:
        raise AssertionError(f"{variant}: places {places}, offers {offers}, GiST index {gist}; expected {n}, {n}, 1")
    out = {
        "ids": stages.get("ids", 0.0),
        "places": stages.get("places", 0.0),
        "offers": stages.get("offers", 0.0),
        "rebuild": t2 - t1,
        "seconds": t2 - t0,
    }
    out["rows_per_s"] = n / out["seconds"]
    out["rebuild_parts"] = rebuild
    out["dropped"] = [name for name, _, _ in todo]
    return out


def postgis_variants(dbs, rows: list[PlaceRow], repeat: int) -> dict:
    """Every variant ``repeat`` times, each in its own fresh database (the order rotates per
    repeat); the runs, their medians, the DDL the variants ran and a few server settings."""
    names = list(VARIANTS)
    runs: dict[str, list[dict]] = {v: [] for v in names}
    db = dbs.new("postgis")
    try:
        with get_engine(db.url).connect() as conn:
            settings = {k: conn.execute(text(f"SHOW {k}")).scalar_one() for k in SERVER_SETTINGS}
            cur = conn.connection.driver_connection.cursor()
            ddl = {
                part: [{"name": name, "drop": drop, "create": create} for name, drop, create in items]
                for part, items in schema_parts(cur).items()
            }
            cur.close()
    finally:
        db.drop()
    log("  server: " + ", ".join(f"{k} {v}" for k, v in settings.items()))
    for i in range(repeat):
        for variant in names[i % len(names) :] + names[: i % len(names)]:
            db = dbs.new("postgis")
            try:
                r = copy_variant(db, rows, variant)
            finally:
                db.drop()
            runs[variant].append(r)
            rebuild = "  ".join(f"{k} {v:.3f}" for k, v in r["rebuild_parts"].items())
            log(
                f"  run {i + 1} {variant:10s} {r['seconds']:6.2f} s  places {r['places']:.3f}  "
                f"offers {r['offers']:.3f}  rebuild {r['rebuild']:.3f}  {rebuild}"
            )
    median = {}
    for variant, rs in runs.items():
        m = {k: statistics.median(r[k] for r in rs) for k in VARIANT_KEYS}
        m["rebuild_parts"] = {k: statistics.median(r["rebuild_parts"][k] for r in rs) for k in rs[0]["rebuild_parts"]}
        median[variant] = m
    return {
        "labels": {v: VARIANTS[v][0] for v in names},
        "median": median,
        "runs": runs,
        "ddl": ddl,
        "server_settings": settings,
    }


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/import_floor.py",
        description=(
            "The server floor of an import: locator.importers.writers.insert_new (plus ANALYZE and "
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
    p.add_argument("--engines", type=engines, default="spatialite,postgis", help="comma-separated: spatialite, postgis")
    p.add_argument("--gt", type=int, default=65536, help="ogr2ogr -gt: features per transaction")
    p.add_argument("--no-ogr2ogr", action="store_true", help="time insert_new only")
    p.add_argument(
        "--postgis-variants",
        action="store_true",
        help="PostGIS only, after the main measurements: the COPYs of insert_new under "
        "schema variants (as is; GiST built after; no foreign keys; GiST, unique "
        "constraint and foreign keys built after), each in a fresh database and a "
        "transaction rolled back at the end (see the docstring)",
    )
    p.add_argument("--seed", type=int, default=bench_import.SEED, help="seed of the generated rows")
    p.add_argument(
        "--output", type=Path, default=None, help="JSON results file; default bench/results/import-floor-<time>.json"
    )
    args = p.parse_args(argv)
    if args.rows < MIN_ROWS or args.repeat < 1:
        p.error(f"--rows must be at least {MIN_ROWS} and --repeat at least 1")
    if args.postgis_variants and "postgis" not in args.engines:
        p.error("--postgis-variants needs postgis in --engines")
    return args


def log_variants(result: dict, repeat: int) -> None:
    """The markdown table of --postgis-variants, with the ogr2ogr median of the same run."""
    variants = result["variants"]
    ogr = result["median"].get("ogr2ogr")
    log(
        f"\nPostGIS schema variants: medians of {repeat} runs, {result['rows']:,} rows, seconds; "
        "total = ids + COPYs + rebuild, in a transaction rolled back (no ANALYZE, no commit)"
    )
    log(
        "| variant | places COPY | offers COPY | index/constraint rebuild | total | rows/s | ogr2ogr "
        "| total / ogr2ogr |"
    )
    log("|---|---|---|---|---|---|---|---|")
    for name, m in variants["median"].items():
        tail = f"{ogr['seconds']:.2f} | {m['seconds'] / ogr['seconds']:.2f}" if ogr else "– | –"
        rebuild = f"{m['rebuild']:.3f}" if VARIANTS[name][2] else "–"
        log(
            f"| {variants['labels'][name]} | {m['places']:.3f} | {m['offers']:.3f} | {rebuild} "
            f"| {m['seconds']:.2f} | {m['rows_per_s']:,.0f} | {tail} |"
        )
    parts = variants["median"]["bare"]["rebuild_parts"]
    log("rebuild in bare: " + ", ".join(f"{k} {v:.3f}" for k, v in parts.items()))
    log("server: " + ", ".join(f"{k} {v}" for k, v in variants["server_settings"].items()))


def main(argv=None) -> int:
    args = parse_args(argv)
    pg_url = os.environ.get("LOCATOR_TEST_POSTGRES_URL")
    if "postgis" in args.engines and not pg_url:
        print(
            "bench/import_floor.py: LOCATOR_TEST_POSTGRES_URL is not set.\n"
            "  Run scripts/pg-test-cluster.sh run -- .venv/bin/python bench/import_floor.py ...,\n"
            "  or pass --engines spatialite.",
            file=sys.stderr,
        )
        return 2
    if not args.no_ogr2ogr and shutil.which("ogr2ogr") is None:
        print(
            "bench/import_floor.py: ogr2ogr not found (apt-get install gdal-bin), or pass --no-ogr2ogr", file=sys.stderr
        )
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
            if engine_name == "postgis" and args.postgis_variants:
                log(f"\n== postgis, {args.rows:,} rows, schema variants (rolled back) ==")
                result["variants"] = postgis_variants(dbs, rows, args.repeat)
            results.append(result)

    info["loadavg_end"] = os.getloadavg()
    elapsed = time.perf_counter() - started
    log(
        f"\nMedians of {args.repeat} runs, {args.rows:,} rows, seconds "
        "(PostGIS fills its GiST index during the COPY of places: no separate spatial index stage)"
    )
    log(
        "| engine | ids | places | spatial index | offers | analyze | commit | insert_new total | rows/s "
        "| ogr2ogr | ogr2ogr rows/s | ratio |"
    )
    log("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        m = r["median"]["insert_new"]
        cells = [
            f"{m[s]:.3f}" if not (s == "spatial_index" and r["engine"] == "postgis") else "(in places)" for s in STAGES
        ]
        ogr = r["median"].get("ogr2ogr")
        tail = f"{ogr['seconds']:.2f} | {ogr['rows_per_s']:,.0f} | {r['ratio']:.2f}" if ogr else "– | – | –"
        log(f"| {r['engine']} | {' | '.join(cells)} | {m['seconds']:.2f} | {m['rows_per_s']:,.0f} | {tail} |")
    for r in results:
        if "variants" in r:
            log_variants(r, args.repeat)
    finish_run("import-floor", args, info, versions, elapsed, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
