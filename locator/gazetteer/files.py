"""The gazetteer's shipped data files, data/gazetteer/*.tsv, and the name index built from them.

* ``settlements.tsv``: every GeoNames populated place of Latvia (towns, villages, Rīga
  neighbourhoods) plus the village names of the GeoNames postcode file that the populated places
  lack, with municipality, parish and population where known;
* ``postcodes.tsv``: the 697 LV-xxxx postcodes at the point of their post office;
* ``alternates.tsv``: the other names of the GeoNames settlements (historic German, Russian and
  Latgalian forms such as Mitau, Dünaburg), ``|``-separated, for matching only;
* ``features.tsv``: railway stations, airports, lakes and parks from GeoNames with a Latvian
  display name and the other names they are found by;
* ``farmsteads.tsv.gz``: OpenStreetMap's farmsteads and hamlets (:mod:`.farmsteads`).

UTF-8, tab-separated, with a header; coordinates in WGS84 degrees. :mod:`.build` writes them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..config import PROJECT_ROOT
from .features import TYPE_LABELS
from .names import KIND_WEIGHT, Entry, NameIndex, settlement_label, where_words

DATA_DIR = PROJECT_ROOT / "data" / "gazetteer"
SETTLEMENTS_FILE = "settlements.tsv"
POSTCODES_FILE = "postcodes.tsv"
SETTLEMENT_COLUMNS = ("name", "lat", "lon", "municipality", "parish", "population", "kind", "source")
POSTCODE_COLUMNS = ("code", "place", "lat", "lon", "municipality")
ALTERNATES_FILE = "alternates.tsv"
ALTERNATE_COLUMNS = ("name", "lat", "lon", "alternates")
FEATURES_FILE = "features.tsv"
FEATURE_COLUMNS = ("name", "lat", "lon", "type", "municipality", "names")


@dataclass(frozen=True)
class SettlementRow:
    name: str
    lat: float
    lon: float
    municipality: str
    parish: str
    population: int
    kind: str
    source: str


@dataclass(frozen=True)
class PostcodeRow:
    code: str
    place: str
    lat: float
    lon: float
    municipality: str


def read_settlements(data_dir: Path = DATA_DIR) -> list[SettlementRow]:
    with (Path(data_dir) / SETTLEMENTS_FILE).open(encoding="utf-8", newline="") as fh:
        return [
            SettlementRow(
                r["name"],
                float(r["lat"]),
                float(r["lon"]),
                r["municipality"],
                r["parish"],
                int(r["population"] or 0),
                r["kind"],
                r["source"],
            )
            for r in csv.DictReader(fh, delimiter="\t")
        ]


def read_postcodes(data_dir: Path = DATA_DIR) -> list[PostcodeRow]:
    with (Path(data_dir) / POSTCODES_FILE).open(encoding="utf-8", newline="") as fh:
        return [
            PostcodeRow(r["code"], r["place"], float(r["lat"]), float(r["lon"]), r["municipality"])
            for r in csv.DictReader(fh, delimiter="\t")
        ]


def _read_tsv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def read_alternates(data_dir: Path = DATA_DIR) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """(name, lat, lon as written) of a settlement -> its other names."""
    return {
        (r["name"], r["lat"], r["lon"]): tuple(r["alternates"].split("|"))
        for r in _read_tsv(Path(data_dir) / ALTERNATES_FILE)
    }


def feature_entries(data_dir: Path = DATA_DIR) -> list[Entry]:
    """The stations, airports, lakes and parks as entries ('Ķīšezers, Rīga')."""
    return [
        Entry(
            kind="feature",
            name=r["name"],
            label=settlement_label(r["name"], None, r["municipality"]),
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            municipality=r["municipality"] or None,
            weight=KIND_WEIGHT["feature"],
            where=where_words(r["municipality"]),
            detail={"feature_type": r["type"], "type_label": TYPE_LABELS[r["type"]]},
            aliases=tuple(n for n in r["names"].split("|") if n),
            feature_type=r["type"],
        )
        for r in _read_tsv(Path(data_dir) / FEATURES_FILE)
    ]


@dataclass(frozen=True)
class BaseData:
    """What every gazetteer over one data folder shares: read-only once built."""

    names: NameIndex
    postcodes: dict[str, PostcodeRow]  # by the four digits ('1050' for LV-1050)
    settlements: list[Entry]
    lats: np.ndarray  # of the settlements, degrees
    lons: np.ndarray


@lru_cache(maxsize=4)
def base_data(data_dir: str) -> BaseData:
    """The settlements (with their other names), features and postcodes of ``data_dir``, read
    once per process and folder (the files are immutable while the service runs)."""
    alternates = read_alternates(Path(data_dir))
    settlements = [
        Entry(
            kind="settlement",
            name=r.name,
            label=settlement_label(r.name, r.parish, r.municipality),
            lat=r.lat,
            lon=r.lon,
            municipality=r.municipality or None,
            weight=r.population or KIND_WEIGHT.get(r.kind, 100),
            where=where_words(r.municipality, r.parish),
            detail={
                "settlement_kind": r.kind,
                "population": r.population or None,
                "parish": r.parish or None,
                "source": r.source,
            },
            aliases=alternates.get((r.name, f"{r.lat:.5f}", f"{r.lon:.5f}"), ()),
        )
        for r in read_settlements(Path(data_dir))
    ]
    postcodes = {p.code.removeprefix("LV-"): p for p in read_postcodes(Path(data_dir))}
    lats, lons = np.array([e.lat for e in settlements]), np.array([e.lon for e in settlements])
    return BaseData(NameIndex([*settlements, *feature_entries(Path(data_dir))]), postcodes, settlements, lats, lons)
