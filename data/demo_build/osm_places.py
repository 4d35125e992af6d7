"""Real bank branches, ATMs, post offices and phone shops: the OpenStreetMap nodes of Sept 2019
(``osm_latvia_main_nodes_2019.sqlite``), converted to the Overpass JSON that the OSM reader
(``locator.importers.readers.osm_reader``) reads, so that ``load-demo`` imports them the way
anyone imports an OSM extract.

The extract keeps one main tag per node and its names, nothing else.  The build adds, and says
so in the file's ``note``: ``brand`` read from the name (:data:`BRANDS`), ``addr:place`` /
``addr:city`` as the nearest GeoNames settlement and its municipality (no street addresses are
invented), and illustrative ``opening_hours`` per kind (OSM's own are not in the extract).
Unnamed nodes keep no name: the reader names them after their brand or their kind.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections import Counter
from contextlib import closing
from pathlib import Path

from locator.domain import geography
from locator.gazetteer.geonames import Settlement
from locator.importers.readers.osm_tags import KIND_BY_TAG

from .dealers import NearestSettlement, brand_of
from .features import OPENING_HOURS

OSM_KINDS = KIND_BY_TAG
"""The (TAG, VALUE) pairs the demo takes: those the OSM reader makes a place of, with its kind."""

BRANDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    # (brand, casefolded words or prefixes of the OSM name); first match wins.  Names of banks
    # that merged are read as the bank they became: DNB and Nordea became Luminor (2017), Parex
    # Citadele (2010), SEB Unibanka SEB.  Banks no longer trading keep no brand.
    "bank": (
        ("Swedbank", ("swedbank",)),
        ("SEB", ("seb",)),
        ("Citadele", ("citadele", "parex")),
        ("Luminor", ("luminor", "dnb", "nordea")),
        ("Rietumu banka", ("rietumu",)),
        ("BlueOrange", ("blueorange", "baltic international bank")),
    ),
    "telecom_shop": (
        ("LMT", ("lmt", "latvijas mobilais telefons")),
        ("Tele2", ("tele2", "tele 2")),
        ("Bite", ("bite",)),
    ),
}
"""The one table of brands read from OSM names: banks (for branches and ATMs) and phone shops.
Every post office is Latvijas Pasts (but the couriers' of :data:`NOT_A_POST_OFFICE`)."""

NOT_A_POST_OFFICE = ("ups",)
"""OSM post offices that are couriers' depots, where no bill is paid: skipped (counted)."""


def read_nodes(path: Path) -> list[tuple]:
    """(id, lat, lon, name, tag, value) of the nodes of :data:`OSM_KINDS`, by id."""
    pairs = " OR ".join("(TAG = ? AND VALUE = ?)" for _ in OSM_KINDS)
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return db.execute(
            f"SELECT ID, LAT, LON, NAME, TAG, VALUE FROM NODE WHERE {pairs} ORDER BY ID",
            [v for pair in OSM_KINDS for v in pair],
        ).fetchall()


def osm_brand(name: str | None, kind: str) -> str | None:
    """The brand of a node of ``kind`` from its name ('DnB Nord' -> 'Luminor'); None if unclear."""
    if kind == "post_office":
        return "Latvijas Pasts"
    if not name:
        return None
    return brand_of(name, BRANDS["bank" if kind in ("bank_branch", "atm") else kind])


def build_osm_places(nodes: list[tuple], settlements: list[Settlement], stats: Counter) -> tuple[str, list[dict]]:
    """The Overpass JSON text of the nodes inside Latvia, and a summary per element (for the
    post offices' replacement and the statistics): ``{"kind", "lat", "lon", "brand"}``."""
    nearest = NearestSettlement(settlements)
    elements, kept = [], []
    for node_id, lat, lon, name, tag, value in nodes:
        kind = OSM_KINDS[(tag, value)]
        name = unicodedata.normalize("NFC", name.strip()) if name and name.strip() else None
        if not geography.in_latvia(lon=lon, lat=lat, buffer_m=0):
            stats[f"{kind}: OSM nodes outside Latvia (clipped)"] += 1
            continue
        if kind == "post_office" and name and brand_of(name, (("courier", NOT_A_POST_OFFICE),)):
            stats["post_office: OSM couriers' depots (skipped)"] += 1
            continue
        tags = {tag: value}
        if name:
            tags["name"] = name
        brand = osm_brand(name, kind)
        if brand:
            tags["brand"] = brand
        town = nearest(lon, lat)
        municipality = geography.municipality_of(lon=lon, lat=lat)
        if municipality and town.name != municipality:
            tags["addr:place"] = town.name
        if municipality:
            tags["addr:city"] = municipality
        tags["opening_hours"] = OPENING_HOURS[kind]
        elements.append({"type": "node", "id": node_id, "lat": round(lat, 7), "lon": round(lon, 7), "tags": tags})
        kept.append({"kind": kind, "lat": lat, "lon": lon, "brand": brand})
        stats[f"{kind}: OSM nodes{'' if name else ' without a name'}"] += 1
    return dump_overpass(elements), kept


NOTE = (
    "Real places: OpenStreetMap nodes (amenity=bank, atm, post_office; shop=mobile_phone) of the "
    "Latvia extract of September 2019, as OSM had them then (some have closed or moved since; OSM "
    "maps many offices as buildings, which the extract lacks). Added by data/build_demo.py, not from "
    "OSM: brand (read from the name), addr:place and addr:city (the nearest GeoNames settlement and "
    "the municipality), and ILLUSTRATIVE opening_hours per kind. Fees, and the shops' role as the "
    "operator's partners, are ILLUSTRATIVE (data/demo/fees.csv)."
)


def dump_overpass(elements: list[dict]) -> str:
    """Overpass JSON, one element per line (readable diffs)."""
    head = {
        "version": 0.6,
        "generator": "data/build_demo.py from osm_latvia_main_nodes_2019.sqlite",
        "osm3s": {
            "copyright": "The data included in this document is from www.openstreetmap.org. "
            "The data is made available under ODbL."
        },
        "note": NOTE,
    }
    lines = [json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in elements]
    text = json.dumps(head, ensure_ascii=False, indent=1)
    return text[:-2] + ',\n "elements": [\n' + ",\n".join(lines) + "\n ]\n}\n"
