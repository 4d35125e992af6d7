"""The map beside the results: an offline folium base map, and the results as data.

folium draws the base (the national outline and municipality borders under the
configured tile layer, all from local files); the numbered markers, their
popups and the sync with the list are drawn by ``static/app.js`` from the JSON
this module prepares, so the list and the map come from the same rows.  Popups
are built with ``textContent`` in the browser: imported names never become HTML.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import url_for
from flask_babel import gettext as _

from locator.maps.base import (
    BOUNDARIES_ATTRIBUTION,
    MUNICIPALITY_STYLE,
    OUTLINE_STYLE,
    offline_map,
    offline_marker_cluster,
    render_parts,
)

from .i18n import distance, money
from .links import page_url

LATVIA = (56.88, 24.6)
# The page draws with Leaflet and its cluster plugin only; folium's other defaults
# (jQuery, Bootstrap, Font Awesome, glyphicons, awesome-markers) are ~500 KB of
# render-blocking files the page never uses.
NEEDED_LINKS = ("leaflet-1.9.3/", "leaflet.markercluster-")


def _needed_links(links: str) -> str:
    return "\n".join(line for line in links.splitlines() if any(k in line for k in NEEDED_LINKS))


def results_map(state, rows, centres, *, lang: str, config: Mapping) -> dict:
    """Parts to embed (header, html, script), the map's JS name, and the markers' data."""
    centre = (state.lat, state.lon) if state.has_point else LATVIA
    static_url = url_for("static", filename="vendor").rstrip("/")
    m = offline_map(  # the borders come from /geo/ (below), cached, not in every page
        static_url=static_url,
        base_layers=False,
        tiles_url=config.get("TILE_URL") or None,
        tiles_attribution=config.get("TILE_ATTRIBUTION") or "",
        center=centre,
        zoom=14 if state.has_point else 7,
    )
    offline_marker_cluster(static_url=static_url, name="results-cluster").add_to(m)  # links the plugin
    markers = [
        {
            "n": n,
            "id": match.place.id,
            "name": match.place.name,
            "address": match.place.address or "",
            "lat": match.place.lat,
            "lon": match.place.lon,
            "distance": distance(match.distance_m),
            "fee": _("no commission") if match.commission_free else money(match.fee_eur),
            "free": match.commission_free,
            "url": page_url("place", lang, place_id=match.place.id),
        }
        for n, (match, _status) in enumerate(rows, start=1)
    ]
    centres_data = [
        {"name": c.name, "address": c.address, "lat": c.lat, "lon": c.lon, "url": page_url("centre", lang, slug=c.slug)}
        for c in centres
    ]
    origin = {"lat": state.lat, "lon": state.lon} if state.has_point else None
    parts = render_parts(m)
    return {
        **parts,
        "links": _needed_links(parts["links"]),
        "name": m.get_name(),
        "data": {
            "markers": markers,
            "centres": centres_data,
            "origin": origin,
            "base": [
                {
                    "url": url_for("pages.geo", name="latvia_outline"),
                    "style": {**OUTLINE_STYLE, "className": "locator-outline"},
                    "attribution": BOUNDARIES_ATTRIBUTION,
                },
                {
                    "url": url_for("pages.geo", name="municipalities"),
                    "style": {**MUNICIPALITY_STYLE, "className": "locator-municipality"},
                },
            ],
        },
    }
