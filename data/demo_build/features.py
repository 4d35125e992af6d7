"""GeoJSON features as the demo writes them: a places.geojson feature with exactly the documented
properties, settlement addresses, illustrative opening hours, and the one-feature-per-line dump."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from locator.domain import geography

OPENING_HOURS = {
    "bank_branch": "Mo-Fr 09:00-17:00",
    "atm": "24/7",
    "post_office": "Mo-Fr 09:00-17:00",
    "post_office_city": "Mo-Fr 08:00-19:00; Sa 09:00-14:00",
    "dealer": "Mo-Su 08:00-22:00",
    "telecom_shop": "Mo-Fr 10:00-19:00; Sa 10:00-16:00",
}
"""Illustrative opening hours per kind, in OpenStreetMap opening_hours syntax."""


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


def dump_feature_collection(features: list[dict], metadata: dict[str, Any]) -> str:
    """GeoJSON with a top-level "metadata" member, one feature per line (readable diffs)."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    head = json.dumps({"type": "FeatureCollection", "metadata": metadata}, ensure_ascii=False, indent=1)
    return head[:-2] + ',\n "features": [\n' + ",\n".join(lines) + "\n ]\n}\n"
