"""The gazetteer's shipped data files, data/gazetteer/*.tsv, and the name index built from them.

* ``settlements.tsv``: every GeoNames populated place of Latvia (towns, villages, Rīga
  neighbourhoods) plus the village names of the GeoNames postcode file that the populated places
  lack, with municipality, parish and population where known;
* ``postcodes.tsv``: the 697 LV-xxxx postcodes at the point of their post office.

UTF-8, tab-separated, with a header; coordinates in WGS84 degrees. :mod:`.build` writes them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..config import PROJECT_ROOT
from .names import KIND_WEIGHT, Entry, NameIndex, settlement_label, where_words

DATA_DIR = PROJECT_ROOT / "data" / "gazetteer"
SETTLEMENTS_FILE = "settlements.tsv"
POSTCODES_FILE = "postcodes.tsv"
SETTLEMENT_COLUMNS = ("name", "lat", "lon", "municipality", "parish", "population", "kind", "source")
POSTCODE_COLUMNS = ("code", "place", "lat", "lon", "municipality")


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
    """The settlements and postcodes of ``data_dir``, read once per process and folder
    (the files are immutable while the service runs)."""
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
        )
        for r in read_settlements(Path(data_dir))
    ]
    postcodes = {p.code.removeprefix("LV-"): p for p in read_postcodes(Path(data_dir))}
    lats, lons = np.array([e.lat for e in settlements]), np.array([e.lon for e in settlements])
    return BaseData(NameIndex(settlements), postcodes, settlements, lats, lons)
