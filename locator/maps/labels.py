"""Settlement names for the offline base layer: which towns are labelled, from which zoom.

Offline there are no tiles, so without names a map at city zoom is a pale shape with
a few borders.  The page draws these labels itself (Leaflet ``divIcon`` text in a pane
under the markers), from the gazetteer's own file (``data/gazetteer/settlements.tsv``):
cities and towns, and Rīga's (and other towns') neighbourhoods when zoomed in.  No tile
server is involved.

A label appears from ``min_zoom`` on (Leaflet zoom levels: Latvia fills a phone at 6
and a desktop map at 7, where the ten cities are named; a town of 20,000 is a few km
across at 12).  Bigger places appear first, so the country view names only the cities
and nothing overlaps much.
"""

from __future__ import annotations

from pathlib import Path

from ..gazetteer.files import DATA_DIR, read_settlements

# (kind, least population, min_zoom): the first row a settlement meets decides.
ZOOM_RULES = (
    ("city", 0, 6),
    ("town", 10_000, 8),
    ("town", 2_000, 9),
    ("town", 0, 10),
    ("district", 0, 12),
)
COORD_DECIMALS = 5  # about 1 m: more would only make the file longer


def min_zoom(kind: str, population: int) -> int | None:
    """The zoom from which a settlement is labelled, or None for never (villages, hamlets)."""
    for rule_kind, least, zoom in ZOOM_RULES:
        if kind == rule_kind and population >= least:
            return zoom
    return None


def settlement_labels(data_dir: Path = DATA_DIR) -> tuple[dict, ...]:
    """``{"name", "lat", "lon", "z"}`` per labelled settlement (WGS84 degrees, ``z`` the min zoom).

    Biggest first (the browser draws in this order, so a city's name lies above a
    neighbourhood's).  Reads the file on each call: the web layer keeps the result per app.
    """
    rows = []
    for s in read_settlements(data_dir):
        zoom = min_zoom(s.kind, s.population)
        if zoom is not None:
            rows.append((zoom, -s.population, s.name, s.lat, s.lon))
    rows.sort()
    return tuple(
        {"name": name, "lat": round(lat, COORD_DECIMALS), "lon": round(lon, COORD_DECIMALS), "z": zoom}
        for zoom, _pop, name, lat, lon in rows
    )
