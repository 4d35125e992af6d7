"""Building data/gazetteer/* from the GeoNames and OpenStreetMap files in ../shared/data.

``python -m locator.gazetteer build`` runs :func:`build_gazetteer_files`: the settlements and
postcodes, the settlements' other names (``alternates.tsv``), the stations, airports, lakes and
parks (``features.tsv``) and the farmsteads and hamlets (``farmsteads.tsv.gz``, by
:mod:`.farmsteads`). The output is deterministic (sorted rows, fixed rounding, gzip without a
time stamp); ``tests/test_gazetteer.py`` rebuilds it and compares the bytes with the shipped files.
"""

from __future__ import annotations

import bisect
import csv
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..domain import geography
from ..domain.geodesy import distance_m, distances_m
from ..domain.text import fold, words
from . import farmsteads, geonames
from .features import GEONAMES_FEATURES, feature_key, type_of
from .files import (
    ALTERNATE_COLUMNS,
    ALTERNATES_FILE,
    DATA_DIR,
    FEATURE_COLUMNS,
    FEATURES_FILE,
    POSTCODE_COLUMNS,
    POSTCODES_FILE,
    SETTLEMENT_COLUMNS,
    SETTLEMENTS_FILE,
)

PARISH_NEAR_M = 5000.0
"""A settlement takes the parish of the nearest parish-naming postcode row within this distance."""
PARISH_WINDOW_LON = 0.09
"""Degrees of longitude searched on each side for that row: more than 5.3 km everywhere in Latvia
(south of 58.1°N), so no row within PARISH_NEAR_M is missed."""
SAME_PLACE_M = 3000.0
"""A postcode village within this distance of a populated place of the same name is that place."""
SAME_FEATURE_M = 3000.0
"""Two GeoNames features of one type within this distance sharing a name are one place (the
dump has Rīga's airport twice: 'Riga International Airport' and 'Riga International')."""
ENGLISH_TYPE_WORDS = frozenset({"station", "airport", "lake", "park", "aeroport"})

GEONAMES_KINDS = {
    "PPLC": "city",
    "PPLA": "town",
    "PPLA2": "town",
    "PPLX": "district",
    "PPL": "village",
    "PPLL": "locality",
    "PPLQ": "abandoned",
    "PPLW": "abandoned",
    "PPLH": "abandoned",
    "PPLF": "village",
}
"""GeoNames feature code -> the gazetteer's settlement kind."""


class _Parishes:
    """The parish of the nearest parish-naming postcode row within PARISH_NEAR_M of a point."""

    def __init__(self, parish_of: dict[tuple[float, float], str]) -> None:
        self.points = sorted(parish_of)
        self.names = [parish_of[p] for p in self.points]
        self.lons = np.array([p[0] for p in self.points])
        self.lats = np.array([p[1] for p in self.points])

    def near(self, *, lon: float, lat: float) -> str:
        lo = bisect.bisect_left(self.points, (lon - PARISH_WINDOW_LON, -90.0))
        hi = bisect.bisect_right(self.points, (lon + PARISH_WINDOW_LON, 90.0))
        if lo == hi:
            return ""
        d = distances_m(lat1=lat, lon1=lon, lat2=self.lats[lo:hi], lon2=self.lons[lo:hi])
        best = int(np.argmin(d))  # the first of equals, in (lon, lat) order
        return self.names[lo + best] if d[best] <= PARISH_NEAR_M else ""


def build_gazetteer_files(shared_dir: Path | str, out_dir: Path | str = DATA_DIR) -> dict[str, int]:
    """Write settlements.tsv and postcodes.tsv into ``out_dir`` from the GeoNames files in
    ``shared_dir`` (../shared/data). Deterministic: sorted rows, fixed rounding. Returns counts.

    Settlements: every GeoNames populated place (2017) with its Latvian name, municipality
    (``municipality_of``), parish (from the nearest postcode row within 5 km that names one) and
    population (the larger of the dump's and cities500's figure within 5 km; 0 if unknown),
    plus the postcode file's village names that no populated place of that name within 3 km
    already gives and that are not a feature's name ('Lidosta Rīga'). Postcodes: one point per code, where the demo build puts its post office
    (:func:`.geonames.choose_post_office_row`). Distances are geodesic.
    """
    shared_dir, out_dir = Path(shared_dir), Path(out_dir)
    files = {k: shared_dir / name for k, name in geonames.GEONAMES_FILES.items()}
    towns = geonames.read_towns(files["towns"])
    postcodes = geonames.read_postcodes(files["postcodes"])
    parishes = _Parishes(geonames.read_parishes(files["postcodes"]))
    towns_by_name: dict[str, list[geonames.Settlement]] = defaultdict(list)
    for t in towns:
        towns_by_name[t.name].append(t)

    full = geonames.read_full(files["full"])
    alternates_of = {g.geonameid: g.alternates for g in full}
    rows: list[tuple] = []
    alternates: list[tuple] = []
    seen: dict[str, list[tuple[float, float]]] = defaultdict(list)  # folded name -> (lat, lon)
    with files["places"].open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            name = geonames.fix_name(r["name"])
            lon, lat = float(r["longitude"]), float(r["latitude"])
            pop = max(
                [int(r["population"] or 0)]
                + [
                    t.population
                    for t in towns_by_name[name]
                    if distance_m(lat1=t.lat, lon1=t.lon, lat2=lat, lon2=lon) < geonames.TOWN_MATCH_M
                ]
            )
            kind = GEONAMES_KINDS.get(r["feature_code"], "village")
            if name in geonames.STATE_CITIES or r["feature_code"] == "PPLC":
                kind = "city"
            elif kind == "village" and pop > 0:
                kind = "town"
            municipality = geography.municipality_of(lon=lon, lat=lat) or ""
            parish = "" if kind in ("city", "town", "district") else parishes.near(lon=lon, lat=lat)
            rows.append((name, lat, lon, municipality, parish, pop, kind, "geonames"))
            seen[fold(name)].append((lat, lon))
            alts = [a for a in alternates_of.get(int(r["geonameid"]), ()) if fold(a) != fold(name)]
            if alts:
                alternates.append((name, lat, lon, "|".join(sorted(set(alts)))))
    extra = 0
    feature_keys = {
        feature_key(words(n), GEONAMES_FEATURES[g.feature_code])
        for g in full
        if g.feature_code in GEONAMES_FEATURES
        for n in (g.name, *g.alternates)
    }
    for prow in postcodes.values():
        for p in prow:
            if type_of(words(p.place)) and feature_key(words(p.place)) in feature_keys:
                continue  # 'Lidosta Rīga' (LV-1053, at Rīga's centre point): the airport, a feature
            k = fold(p.place)
            if any(distance_m(lat1=q[0], lon1=q[1], lat2=p.lat, lon2=p.lon) < SAME_PLACE_M for q in seen[k]):
                continue
            if not geography.in_latvia(lon=p.lon, lat=p.lat):
                continue
            seen[k].append((p.lat, p.lon))
            extra += 1
            municipality = geography.municipality_of(lon=p.lon, lat=p.lat) or ""
            rows.append(
                (p.place, p.lat, p.lon, municipality, parishes.near(lon=p.lon, lat=p.lat), 0, "village", "postcodes")
            )
    rows.sort(key=lambda r: (fold(r[0]), r[0], r[3], r[1], r[2]))

    codes = []
    for code, prow in postcodes.items():
        row = geonames.choose_post_office_row(prow, towns_by_name)
        if row is None:
            continue
        codes.append((code, row.place, row.lat, row.lon, geography.municipality_of(lon=row.lon, lat=row.lat) or ""))

    settlement_keys = {" ".join(words(r[0])) for r in rows}
    features = _features(full, settlement_keys)
    alternates.sort(key=lambda r: (fold(r[0]), r[0], r[1], r[2]))

    out_dir.mkdir(parents=True, exist_ok=True)
    _write(out_dir / SETTLEMENTS_FILE, SETTLEMENT_COLUMNS, rows)
    _write(out_dir / POSTCODES_FILE, POSTCODE_COLUMNS, codes)
    _write(out_dir / ALTERNATES_FILE, ALTERNATE_COLUMNS, alternates)
    _write(out_dir / FEATURES_FILE, FEATURE_COLUMNS, features)
    farms = farmsteads.build_farmsteads(shared_dir / farmsteads.OSM_FILE, out_dir, rows)
    return {
        "settlements": len(rows),
        "from_postcodes": extra,
        "postcodes": len(codes),
        "with_alternates": len(alternates),
        "features": len(features),
        **farms,
    }


def _display_name(g: geonames.GeoName) -> str:
    """The Latvian name of a feature: the first with a Latvian type word ('stacija', 'lidosta',
    'ezers'), the primary name first, names with Latvian letters before ASCII ones."""

    def latvian_typed(n: str) -> bool:
        w = words(n)
        return type_of(w) is not None and not any(x in ENGLISH_TYPE_WORDS for x in w)

    names = [g.name, *g.alternates]
    for ok in (lambda n: n == g.name, lambda n: not n.isascii(), lambda n: True):
        for n in names:
            if latvian_typed(n) and ok(n):
                return n
    return g.name


def _features(full: list[geonames.GeoName], settlement_keys: set[str]) -> list[tuple]:
    """Rows of features.tsv: stations, airports, lakes and parks with a Latvian display name and
    the other names they are found by; a bare other name that is a settlement's name ('Riga' of the
    airport) is left out, and two rows of one place (SAME_FEATURE_M, a shared name) are merged."""
    kept: list[list] = []  # [display, lat, lon, type, names set, keys set]
    for g in sorted(full, key=lambda g: g.geonameid):
        typ = GEONAMES_FEATURES.get(g.feature_code)
        if typ is None or not geography.in_latvia(lon=g.lon, lat=g.lat):
            continue
        names = {n for n in (g.name, *g.alternates) if " ".join(words(n)) not in settlement_keys or type_of(words(n))}
        keys = {feature_key(words(n), typ) for n in names} - {None}
        twin = next(
            (
                k
                for k in kept
                if k[3] == typ
                and k[5] & keys
                and distance_m(lat1=k[1], lon1=k[2], lat2=g.lat, lon2=g.lon) < SAME_FEATURE_M
            ),
            None,
        )
        if twin is not None:
            twin[4] |= names
            twin[5] |= keys
            continue
        kept.append([_display_name(g), g.lat, g.lon, typ, names, keys])
    out = []
    for display, lat, lon, typ, names, _ in kept:
        municipality = geography.municipality_of(lon=lon, lat=lat) or ""
        others = sorted(n for n in names if fold(n) != fold(display))
        out.append((display, lat, lon, typ, municipality, "|".join(others)))
    out.sort(key=lambda r: (fold(r[0]), r[0], r[1], r[2]))
    return out


def _write(path: Path, header: Sequence[str], data: list[tuple]) -> None:
    """A UTF-8 TSV with a header; floats with 5 decimals (about 1 m)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(header)
        for r in data:
            w.writerow([f"{v:.5f}" if isinstance(v, float) else v for v in r])
