"""The map beside the results: a small JSON of what to draw, and the static script that draws it.

Per request the server only lists the markers (the same rows as the list), the
closed centres and the origin; ``static/app.js`` builds the Leaflet map from that
JSON, loads the base layers (national outline, municipality borders, settlement
names) from cached files, and keeps the list and the map in sync.  Nothing is
rendered by folium per request: it took half of the page's server time
(bench/README.md, bench/page.py).  Popups are built with ``textContent`` in the
browser: imported names never become HTML.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from flask import Blueprint, current_app, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from locator.domain.geography import LATVIA_BBOX
from locator.maps.vendor import BOUNDARIES_ATTRIBUTION, MUNICIPALITY_STYLE, OUTLINE_STYLE, VENDOR_FILES

from .links import page_url

bp = Blueprint("map", __name__)

MAX_ZOOM = 19
RESULT_ZOOM = 16  # fitting the results never zooms in further than this
# What the page's map needs from the vendored files: Leaflet alone (the markers are
# divIcons, and the results are spread, not clustered).
PAGE_CSS = ("leaflet_css",)
PAGE_JS = ("leaflet",)
# [[south, west], [north, east]] for Leaflet's fitBounds, from (west, south, east, north)
LATVIA_BOUNDS = [[LATVIA_BBOX[1], LATVIA_BBOX[0]], [LATVIA_BBOX[3], LATVIA_BBOX[2]]]


def _per_app(name: str, key, build):
    """``build()`` once per app and ``key`` (in ``app.extensions``); every time with ``app.debug``.

    What does not change between requests (links, legend, base layers, the centres'
    markers) is built once: it was a quarter of the map's time per request.
    """
    if current_app.debug:
        return build()
    cache = current_app.extensions.setdefault(name, {})
    if key not in cache:
        if len(cache) >= 32:  # a bounded memo: the centres change only on import
            cache.clear()
        cache[key] = build()
    return cache[key]


def _links() -> Markup:
    """The <link>/<script> tags of Leaflet (versioned URLs, see web.assets)."""

    def static(name: str) -> str:
        return escape(url_for("static", filename="vendor/" + VENDOR_FILES[name]))

    css = "".join(f'<link rel="stylesheet" href="{static(n)}">' for n in PAGE_CSS)
    return Markup(css + "".join(f'<script src="{static(n)}"></script>' for n in PAGE_JS))


def _fixed_parts(config: Mapping) -> dict:
    """The parts of the map that are the same on every page in this language."""
    tiles_url = config.get("TILE_URL") or None
    return {
        "links": _links(),
        "html": Markup('<div id="map-canvas" class="map-canvas"></div>')
        + Markup(current_app.jinja_env.get_template("nearest/_map_legend.html").render()),
        "data": {
            "latvia": LATVIA_BOUNDS,
            "max_zoom": MAX_ZOOM,
            "result_zoom": RESULT_ZOOM,
            "tiles": {"url": tiles_url, "attribution": config.get("TILE_ATTRIBUTION") or ""} if tiles_url else None,
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
            "labels": url_for("map.labels"),
            "text": {"centre_link": _("Where to pay instead"), "closed_centre": _("Closed customer centre")},
        },
    }


def _centres_data(centres, lang: str) -> list[dict]:
    return [
        {"name": c.name, "address": c.address, "lat": c.lat, "lon": c.lon, "url": page_url("centre", lang, slug=c.slug)}
        for c in centres
    ]


def results_map(state, rows, centres, *, lang: str, config: Mapping) -> dict:
    """``links`` (for <head>), ``html`` (the map's container content) and ``data`` (for app.js).

    ``data.view`` is the origin and zoom 14 when the page has a point, else None:
    app.js then fits all of Latvia (``data.latvia``), whatever the screen's size.
    """
    fixed = _per_app("locator.map_fixed", lang, lambda: _fixed_parts(config))
    # The popups take name, address, distance, fee and link from the list's own row
    # (app.js reads #result-<n>): the list and the map show the same text, formatted once.
    markers = [
        {"n": n, "lat": match.place.lat, "lon": match.place.lon, "free": match.commission_free}
        for n, (match, _status) in enumerate(rows, start=1)
    ]
    centres = tuple(centres)
    origin = {"lat": state.lat, "lon": state.lon} if state.has_point else None
    return {
        "links": fixed["links"],
        "html": fixed["html"],
        "data": {
            **fixed["data"],
            "markers": markers,
            "centres": _per_app("locator.map_centres", (lang, centres), lambda: _centres_data(centres, lang)),
            "origin": origin,
            "view": {**origin, "zoom": 14} if origin else None,
        },
    }


def labels_json() -> tuple[bytes, str]:
    """The settlement labels as JSON bytes and their version (a hash of the bytes), built once per app."""
    cache = current_app.extensions.setdefault("locator.map_labels", {})
    if "body" not in cache:
        from locator.maps.labels import settlement_labels  # the gazetteer's file is read on first use

        body = json.dumps(settlement_labels(), ensure_ascii=False, separators=(",", ":")).encode()
        cache["body"], cache["version"] = body, hashlib.sha256(body).hexdigest()[:12]
    return cache["body"], cache["version"]


@bp.get("/geo/labels.json")
def labels():
    """Settlement names for the base layer (``maps.labels``); caching and gzip: ``web.assets``."""
    body, version = labels_json()
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(version)
    return response.make_conditional(request)
