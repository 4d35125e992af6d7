#!/usr/bin/env python
"""Measured prototypes for the read and validate stages of an import (bench/README.md).

Nothing here is used by locator: each prototype patches one function *in this process only*
and the script checks that the rows come out identical, then prints the median time (of
``--repeat`` runs) of the stage with and without it.  The file is the one bench/import.py
generates (100k rows, seed 2026).

    .venv/bin/python bench/import_prototypes.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
import unicodedata
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
import shapely  # noqa: E402

import importers.csv_reader as csv_reader  # noqa: E402
import importers.rows as rows_mod  # noqa: E402
import importers.validate as validate  # noqa: E402
from importers.pipeline import ImportReport, validate_all  # noqa: E402
from locator import geography  # noqa: E402

bench_import = __import__("import")  # bench/import.py (a module named like the keyword)


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


# --- the prototypes -------------------------------------------------------------

_OPENERS = frozenset(o for o, _ in csv_reader.TYPOGRAPHIC_PAIRS)
_original_unquote = csv_reader._unquote_typographic


def fast_unquote(text: str) -> str:
    """Same result: no pair can match unless the first character opens one."""
    if len(text) < 2 or text[0] not in _OPENERS:
        return text
    return _original_unquote(text)


_original_nfc = rows_mod.nfc


def fast_nfc(text):
    """Same result: skip normalize() for text already NFC, split/join only with whitespace runs."""
    if text is None:
        return None
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if text != text.strip() or "  " in text or "\t" in text or "\n" in text or "\r" in text \
            or not text.isprintable():
        text = " ".join(text.split())
    return text or None


_original_offers_for = validate.offers_for


def fast_offers_for(kind, brand, rules):
    return () if not rules else _original_offers_for(kind, brand, rules)


class VectorInLatvia:
    """in_latvia for every record's point at once (shapely.intersects_xy over arrays), then a dict."""

    def __init__(self, records):
        pts = []
        for r in records:
            try:
                pts.append((float(r.fields["lon"]), float(r.fields["lat"])))
            except (TypeError, ValueError, KeyError):
                pass
        self.t0 = time.perf_counter()
        xy = np.array(pts, dtype=float)
        geom = geography.buffered_outline(geography.DEFAULT_BUFFER_M)
        inside = shapely.intersects_xy(geom, xy[:, 0], xy[:, 1])
        self.cache = {p: bool(v) for p, v in zip(pts, inside.tolist())}
        self.seconds = time.perf_counter() - self.t0

    def __call__(self, lon, lat, buffer_m=geography.DEFAULT_BUFFER_M):
        if buffer_m == geography.DEFAULT_BUFFER_M:
            hit = self.cache.get((lon, lat))
            if hit is not None:
                return hit
        return geography.in_latvia(lon, lat, buffer_m=buffer_m)


def vector_municipalities(lons: np.ndarray, lats: np.ndarray) -> list[str | None]:
    """municipality_of for every point at once: one bulk STRtree query, the rare rest per point."""
    index = geography._municipality_index()
    pts = shapely.points(lons, lats)
    where, which = index.tree.query(pts, predicate="intersects")
    counts = np.bincount(where, minlength=len(pts))
    out: list[str | None] = [None] * len(pts)
    for p, g in zip(where.tolist(), which.tolist()):
        if counts[p] == 1:
            out[p] = index.names[g]
    for p in np.flatnonzero(counts != 1).tolist():
        out[p] = geography.municipality_of(float(lons[p]), float(lats[p]))
    return out


@contextmanager
def patched(*patches):
    with ExitStack() as stack:
        for target, value in patches:
            stack.enter_context(mock.patch(target, value))
        yield


# --- main -----------------------------------------------------------------------


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="bench/import_prototypes.py", description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="locator-proto.") as tmp:
        files = bench_import.write_files(bench_import.generate_rows(args.rows, bench_import.SEED), Path(tmp))
        rules = validate.Rules()
        n = args.rows

        def read(fmt):
            return list(bench_import.records_for(fmt, files[fmt]))

        def check(fmt):
            report = ImportReport(file="", source="", file_format=fmt, sha256="")
            return validate_all(read(fmt), rules, report)

        reference = {fmt: check(fmt) for fmt in ("csv", "geojson")}
        lines = []

        def row(label, before, after, same):
            lines.append(f"| {label} | {before:.2f} | {after:.2f} | {before - after:+.2f} | "
                         f"{1e6 * (before - after) / n:.1f} | {'yes' if same else 'NO'} |")

        # 1. CSV reader: _unquote_typographic looked at 6 pairs for every cell.
        t_read, recs = median_time(lambda: read("csv"), args.repeat)
        with patched(("importers.csv_reader._unquote_typographic", fast_unquote)):
            t_fast, recs2 = median_time(lambda: read("csv"), args.repeat)
        row("csv read: first-character test in `_unquote_typographic`", t_read, t_fast,
            [r.fields for r in recs] == [r.fields for r in recs2])

        for fmt in ("csv", "geojson"):
            records = read(fmt)

            def validate_now():
                report = ImportReport(file="", source="", file_format=fmt, sha256="")
                return validate_all(records, rules, report)

            t_base, _ = median_time(validate_now, args.repeat)
            # 2. offers_for with no fee table
            with patched(("importers.validate.offers_for", fast_offers_for)):
                t2, out2 = median_time(validate_now, args.repeat)
            row(f"{fmt} validate: `offers_for` returns () at once without fee rules", t_base, t2,
                out2 == reference[fmt])
            # 3. nfc fast path
            with patched(("importers.validate.nfc", fast_nfc)):
                t3, out3 = median_time(validate_now, args.repeat)
            row(f"{fmt} validate: `nfc` skips normalize/split for clean text", t_base, t3, out3 == reference[fmt])
            # 4. in_latvia vectorised over the file's points
            vec = VectorInLatvia(records)
            with patched(("importers.validate.in_latvia", vec)):
                t4, out4 = median_time(validate_now, args.repeat)
            row(f"{fmt} validate: `in_latvia` for all points at once (+{vec.seconds:.2f} s batch)",
                t_base, t4 + vec.seconds, out4 == reference[fmt])
            # all three
            with patched(("importers.validate.offers_for", fast_offers_for),
                         ("importers.validate.nfc", fast_nfc), ("importers.validate.in_latvia", vec)):
                t5, out5 = median_time(validate_now, args.repeat)
            row(f"{fmt} validate: 2 + 3 + 4 together", t_base, t5 + vec.seconds, out5 == reference[fmt])

        # 5. municipality_of, for files without a municipality column
        ref = reference["csv"]
        lons = np.array([r.lon for r in ref])
        lats = np.array([r.lat for r in ref])
        t_one, names1 = median_time(lambda: [geography.municipality_of(x, y) for x, y in zip(lons.tolist(), lats.tolist())],
                                    args.repeat)
        t_vec, names2 = median_time(lambda: vector_municipalities(lons, lats), args.repeat)
        row("municipality_of per row vs one bulk STRtree query (file without municipality)", t_one, t_vec,
            names1 == names2)
    print(f"{n:,} rows; seconds are medians of {args.repeat} runs\n")
    print("| prototype | before s | after s | saved s | saved µs/row | same rows? |")
    print("|---|---|---|---|---|---|")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
