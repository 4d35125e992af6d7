"""The boundary files: Latvia's outline and the 43 municipalities, repaired, with official names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from locator.domain import geography

from .features import dump_feature_collection
from .sources import SHARED_FILES, read_json


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
