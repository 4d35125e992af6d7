"""The map beside the results: an offline folium base map, and the results as data.

folium draws the base (the national outline and municipality borders under the
configured tile layer, all from local files); the numbered markers, their
popups and the sync with the list are drawn by ``static/app.js`` from the JSON
this module prepares, so the list and the map come from the same rows.  Popups
are built with ``textContent`` in the browser: imported names never become HTML.
"""

from __future__ import annotations

import functools
import json
from typing import Mapping

from flask import url_for

from maps.base import offline_map, render_parts

from ..config import PROJECT_ROOT
from ..i18n import distance, money

LATVIA = (56.88, 24.6)


@functools.cache
def _geojson(name: str) -> dict:
    with open(PROJECT_ROOT / "data" / name, encoding="utf-8") as fh:
        return json.load(fh)


def results_map(state, rows, centres, *, lang: str, config: Mapping) -> dict:
    """Parts to embed (header, html, script), the map's JS name, and the markers' data."""
    centre = (state.lat, state.lon) if state.has_point else LATVIA
    m = offline_map(
        static_url=url_for("static", filename="vendor").rstrip("/"),
        tiles_url=config.get("TILE_URL") or None,
        tiles_attribution=config.get("TILE_ATTRIBUTION") or "",
        center=centre,
        zoom=14 if state.has_point else 7,
        outline_geojson=_geojson("latvia_outline.geojson"),
        municipalities_geojson=_geojson("municipalities.geojson"),
    )
    from .pages import page_url

    markers = [
        {
            "n": n,
            "id": match.place.id,
            "name": match.place.name,
            "address": match.place.address or "",
            "lat": match.place.lat,
            "lon": match.place.lon,
            "distance": distance(match.distance_m),
            "fee": money(match.fee_eur),
            "free": match.commission_free,
            "url": page_url("place", lang, place_id=match.place.id),
        }
        for n, (match, _status) in enumerate(rows, start=1)
    ]
    centres_data = [
        {"name": c.name, "address": c.address, "lat": c.lat, "lon": c.lon,
         "url": page_url("centre", lang, slug=c.slug)}
        for c in centres
    ]
    origin = {"lat": state.lat, "lon": state.lon} if state.has_point else None
    return {
        **render_parts(m),
        "name": m.get_name(),
        "data": {"markers": markers, "centres": centres_data, "origin": origin},
    }
