"""Farmsteads and hamlets: Latvian rural addresses are farm names ("Lizums, „Akācijas”").

OpenStreetMap (``osm_latvia_main_nodes_2019.sqlite`` in ../shared/data, ODbL 1.0, © OpenStreetMap
contributors) has 68,148 named ``place=isolated_dwelling`` and 4,318 ``place=hamlet`` nodes of
2019. :func:`build_farmsteads` writes them into ``farmsteads.tsv.gz`` with the municipality they
lie in, the nearest settlement of the gazetteer (geodesic, within 25 km) and the parish of the
nearest settlement that has one within 8 km (near a parish border the parish is approximate). A hamlet that a settlement
of the same name within 3 km already gives is left out.

Hundreds of farms share a name (223 „Kalniņi”), so a farm name is searched with the settlement
it is near: :func:`resolve` picks, among the farms of that name, the one nearest the named
settlement (at most :data:`FARM_NEAR_M` away), or those whose parish or municipality was named.
A bare farm name is found only when it is unique, else it is a choice list.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import io
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..domain import geography
from ..domain.geodesy import distance_m, distances_m
from ..domain.text import fold, words
from .names import (
    GENERIC_WORDS,
    KIND_WEIGHT,
    Entry,
    NameIndex,
    context_ok,
    loose,
    settlement_label,
    stem_match,
    where_words,
)

OSM_FILE = "osm_latvia_main_nodes_2019.sqlite"
FARMSTEADS_FILE = "farmsteads.tsv.gz"
FARMSTEAD_COLUMNS = ("name", "lat", "lon", "kind", "municipality", "parish", "near")
ATTRIBUTION = "Farmsteads and hamlets: © OpenStreetMap contributors, ODbL 1.0"
FARM_NEAR_M = 20_000.0
"""A farm named with a settlement is at most this far from it (metres, geodesic)."""
SAME_PLACE_M = 3000.0
PARISH_NEAR_M = 8000.0
"""A farm takes the parish of the nearest settlement that has one within this distance."""
PARISH_WINDOW_LON = 0.15
"""Degrees of longitude searched on each side for it: more than 8.8 km everywhere in Latvia
(south of 58.1°N), so no settlement within PARISH_NEAR_M is missed."""
NEAR_MAX_M = 25_000.0
NEAR_WINDOW_LON = 0.45
"""The nearest settlement is looked for within NEAR_MAX_M, in a window of this many degrees of
longitude on each side (more than 26 km everywhere in Latvia) and NEAR_WINDOW_LAT of latitude
(more than 27 km)."""
NEAR_WINDOW_LAT = 0.25
_OSM_KINDS = {"isolated_dwelling": "farmstead", "hamlet": "hamlet"}
FIRST_WINDOW_LON, FIRST_WINDOW_LAT = 0.1, 0.06
FIRST_WINDOW_M = 5500.0
"""The first, small window: ±0.1° of longitude and ±0.06° of latitude are each more than 5.8 km
everywhere in Latvia, so a nearest row within FIRST_WINDOW_M of the point is the nearest of all."""


class _Nearest:
    """The nearest of some settlement rows (name, lat, lon, …) to a point, by geodesic distance,
    among those within a longitude window (rows sorted by longitude) and ``max_m``."""

    def __init__(self, rows: Sequence[tuple], *, window_lon: float, max_m: float) -> None:
        self.rows = sorted(rows, key=lambda r: (r[2], r[1], r[0]))
        self.lons = np.array([r[2] for r in self.rows])
        self.lats = np.array([r[1] for r in self.rows])
        self.window_lon, self.max_m = window_lon, max_m

    def near(self, *, lat: float, lon: float) -> tuple | None:
        # a small window first: a row found in it within FIRST_WINDOW_M is provably the nearest
        found = self._in_window(lat=lat, lon=lon, window_lon=FIRST_WINDOW_LON, window_lat=FIRST_WINDOW_LAT)
        if found is None or found[1] > FIRST_WINDOW_M:
            found = self._in_window(lat=lat, lon=lon, window_lon=self.window_lon, window_lat=NEAR_WINDOW_LAT)
        return found[0] if found is not None and found[1] <= self.max_m else None

    def _in_window(self, *, lat: float, lon: float, window_lon: float, window_lat: float) -> tuple | None:
        lo, hi = np.searchsorted(self.lons, [lon - window_lon, lon + window_lon])
        idx = np.arange(lo, hi)[np.abs(self.lats[lo:hi] - lat) < window_lat]
        if not len(idx):
            return None
        d = distances_m(lat1=lat, lon1=lon, lat2=self.lats[idx], lon2=self.lons[idx])
        best = int(np.argmin(d))  # the first of equals, in (lon, lat, name) order
        return self.rows[idx[best]], float(d[best])


def build_farmsteads(osm_path: Path, out_dir: Path, settlements: Sequence[tuple]) -> dict[str, int]:
    """Write farmsteads.tsv.gz from the OSM nodes file; ``settlements`` are the rows of
    settlements.tsv (name, lat, lon, municipality, parish, …). Deterministic: rows sorted, 5
    decimals, gzip with no time stamp or file name. Returns counts by kind."""
    nearest_any = _Nearest(settlements, window_lon=NEAR_WINDOW_LON, max_m=NEAR_MAX_M)
    nearest_parish = _Nearest([s for s in settlements if s[4]], window_lon=PARISH_WINDOW_LON, max_m=PARISH_NEAR_M)
    with sqlite3.connect(f"file:{osm_path}?mode=ro", uri=True) as conn:
        nodes = conn.execute(
            "SELECT NAME, LAT, LON, VALUE FROM NODE WHERE TAG = 'place' AND VALUE IN"
            " ('isolated_dwelling', 'hamlet') AND NAME IS NOT NULL AND TRIM(NAME) != '' ORDER BY ID"
        ).fetchall()
    same_name: dict[str, list[tuple]] = {}
    for s in settlements:
        same_name.setdefault(fold(s[0]), []).append(s)
    rows, counts = [], {"farmsteads": 0, "hamlets": 0}
    for name, lat, lon, value in nodes:
        name = unicodedata.normalize("NFC", " ".join(name.split()))
        if not words(name) or not geography.in_latvia(lon=lon, lat=lat):
            continue
        kind = _OSM_KINDS[value]
        if kind == "hamlet" and any(
            distance_m(lat1=lat, lon1=lon, lat2=s[1], lon2=s[2]) < SAME_PLACE_M for s in same_name.get(fold(name), ())
        ):
            continue
        near = nearest_any.near(lat=lat, lon=lon)
        parish = nearest_parish.near(lat=lat, lon=lon)
        municipality = geography.municipality_of(lon=lon, lat=lat) or ""
        row = (
            name,
            round(lat, 5),
            round(lon, 5),
            kind,
            municipality,
            parish[4] if parish else "",
            near[0] if near else "",
        )
        rows.append(row)
        counts["farmsteads" if kind == "farmstead" else "hamlets"] += 1
    rows.sort(key=lambda r: (fold(r[0]), r[0], r[1], r[2]))
    text = io.StringIO(newline="")
    w = csv.writer(text, delimiter="\t", lineterminator="\n")
    w.writerow(FARMSTEAD_COLUMNS)
    for r in rows:
        w.writerow([f"{v:.5f}" if isinstance(v, float) else v for v in r])
    path = Path(out_dir) / FARMSTEADS_FILE
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    return counts


class Farms:
    """The farmsteads and hamlets as parallel lists (72,000 rows: no Entry per row until one
    matches), by folded name and by loose spelling."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        strings: dict[str, str] = {}  # one copy of each municipality, parish and settlement name
        self.rows = [tuple(strings.setdefault(r[c], r[c]) for c in FARMSTEAD_COLUMNS) for r in rows]
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.loose: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(self.rows):
            key = " ".join(words(r[0]))
            self.exact[key].append(i)
            self.loose[loose(key)].append(i)

    def __len__(self) -> int:
        return len(self.rows)

    def entry(self, i: int) -> Entry:
        name, lat, lon, kind, municipality, parish, near = self.rows[i]
        shown = f"„{name}”" if kind == "farmstead" else name
        return Entry(
            kind=kind,
            name=name,
            label=_label(shown, parish, municipality),
            lat=float(lat),
            lon=float(lon),
            municipality=municipality or None,
            weight=KIND_WEIGHT[kind],
            where=_where(municipality, parish, near),
            detail={"settlement_kind": kind, "parish": parish or None, "near": near},
        )

    def match(self, key: str) -> tuple[int, list[Entry]]:
        """(0, farms) named ``key`` exactly, (1, farms) in a loose spelling, or (4, [])."""
        if key in self.exact:
            return 0, [self.entry(i) for i in self.exact[key]]
        found = self.loose.get(loose(key))
        return (1, [self.entry(i) for i in found]) if found else (4, [])


@lru_cache(maxsize=65536)
def _label(shown: str, parish: str, municipality: str) -> str:
    return settlement_label(shown, parish, municipality)


@lru_cache(maxsize=65536)
def _where(municipality: str, parish: str, near: str) -> frozenset[str]:
    return where_words(municipality, parish, near)  # few distinct triples: folded once each


@lru_cache(maxsize=4)
def farm_index(data_dir: str) -> Farms:
    """The farmsteads and hamlets of ``data_dir``, read once per process and folder on first use."""
    path = Path(data_dir) / FARMSTEADS_FILE
    if not path.exists():
        return Farms([])
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return Farms(list(csv.DictReader(fh, delimiter="\t")))


QUOTED_RE = re.compile(r"[„“”\"'«»‘’‚]\s*([^„“”\"'«»‘’‚]+?)\s*[„“”\"'«»‘’‚]")
"""A farm name in quotes ('„Akācijas”', '"Akācijas"', '«Akācijas»'): which part is the farm."""


def resolve(query: str, farms: Farms, names: NameIndex) -> tuple[int, list[Entry]]:
    """(tier, farms) for ``query``: one part names the farm (exactly or in a loose spelling), the
    others, if any, the settlement, parish or municipality it is near. The part in quotes is the
    farm; without quotes each comma-separated part is tried, and the reading whose settlement is
    the most populous wins ('Ērgļi, Avotiņi': the farm „Avotiņi” near the town Ērgļi). With a
    settlement: the one farm of that name nearest to it (within FARM_NEAR_M). With a parish or
    municipality ('Lizuma pagasts'): of the farms there, the one nearest the settlement the area
    is named after, or all of them. Without context: all farms of the name (a unique one is
    found, several are a choice). (4, []) when no farm fits."""
    quoted = QUOTED_RE.search(query)
    if quoted:
        rest = query[: quoted.start()] + " " + query[quoted.end() :]
        splits = [(words(quoted.group(1)), words(rest))]
    else:
        parts = [w for w in (words(p) for p in query.split(",")) if w]
        splits = [(part, [w for j, p in enumerate(parts) if j != i for w in p]) for i, part in enumerate(parts)]
        if len(parts) == 1 and len(parts[0]) > 1:  # 'Lizums Akācijas': no comma
            p = parts[0]
            for k in range(1, len(p)):
                splits += [(p[k:], p[:k]), (p[:k], p[k:])]
    best: tuple[int, int, list[Entry]] | None = None  # (anchor weight, tier, farms)
    for name, context in splits:
        tier, found = farms.match(" ".join(name))
        if not found or tier > 1:
            continue
        ctx = [c for c in context if c not in GENERIC_WORDS]
        if not ctx:
            if len(splits) == 1 or not context:
                return tier, sorted(found, key=lambda e: e.label)
            continue
        there = [f for f in found if context_ok(ctx, f)]
        area = any(c in GENERIC_WORDS for c in context)  # 'Lizuma pagasts', 'Gulbenes novads'
        anchors = _anchors(ctx, names)
        pool = there if area and there else found
        picked, weight = None, 0
        if anchors:
            nearest = min(
                (
                    (min(distance_m(lat1=f.lat, lon1=f.lon, lat2=a.lat, lon2=a.lon) for a in anchors), i)
                    for i, f in enumerate(pool)
                ),
                default=None,
            )
            if nearest is not None and (nearest[0] <= FARM_NEAR_M or pool is there):
                picked, weight = [pool[nearest[1]]], max(a.weight for a in anchors)
        elif there:
            picked = sorted(there, key=lambda e: e.label)
        if picked and (best is None or weight > best[0]):
            best = (weight, tier, picked)
    return (best[1], best[2]) if best else (4, [])


def _anchors(ctx: list[str], names: NameIndex) -> list[Entry]:
    """The settlements the context words name: by name (exact, loose or other name), else those
    whose own name matches every word up to a Latvian ending ('lizuma' of 'Lizuma pagasts')."""
    tier, found = names.match(" ".join(ctx), fuzzy=False)
    if found and tier <= 1:
        return [e for e in found if e.kind == "settlement"]
    head = ctx[0][:3]  # stem_match needs the first three letters in common
    keys = names.keys[bisect.bisect_left(names.keys, head) : bisect.bisect_left(names.keys, head + "\uffff")]
    return [
        e
        for k in keys
        if all(any(stem_match(c, w) for w in k.split()) for c in ctx)
        for e in names.exact[k]
        if e.kind == "settlement"
    ]
