"""Where an OSM element is: one point (lat, lon in degrees) for a node, a way or a relation.

Every format gives an element's coordinates in its own way; these rules turn them into one
point, or into the reason there is none (a geometry problem, which the validator reports):

- node: its ``lat``/``lon``.
- way/relation with a ``center`` (Overpass ``out center``): the centre
  (note "area: stored as its centre (Overpass 'out center')").
- way with its geometry (Overpass ``out geom``, or node refs whose nodes
  appear earlier in the file): a closed way is an area stored as a point inside
  it (shapely ``representative_point``); an open way is the centroid of its
  nodes.  Nodes missing from the file are left out, with a note.
- else ``bounds`` (Overpass ``out bb``): the centre of the box.
- else no point, and the problem says why, e.g. "way 123 has no coordinates; run the Overpass
  query with 'out center'".  Relations are never assembled from their members: without a
  centre or bounds they get that problem too.

A *place* is what a format computes for an element, only when the element is one of ours:
``((lat, lon) | None, notes, problem | None)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shapely.geometry import Polygon

from .common import AREA_NOTE

CENTER_NOTE = "area: stored as its centre (Overpass 'out center')"
BOUNDS_NOTE = "area: stored as the centre of its bounding box"
LINE_NOTE = "way: stored as the centroid of its nodes"

LatLon = tuple[float, float]
Place = tuple[LatLon | None, list[str], str | None]
PlaceOf = Callable[[], Place]  # called only for an element of ours
# What a format yields per element: (type, id, tags, place of it).
Element = tuple[Any, Any, dict[str, Any], PlaceOf | None]


def num(value: Any) -> float | None:
    """``value`` as a float (a number or its text), else None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def latlon(lat: Any, lon: Any) -> LatLon | None:
    lat, lon = num(lat), num(lon)
    return None if lat is None or lon is None else (lat, lon)


def bounds_centre(b: dict[str, Any]) -> LatLon | None:
    """The centre of ``minlat``/``minlon``/``maxlat``/``maxlon``, or None when one is missing."""
    vals = [num(b.get(k)) for k in ("minlat", "minlon", "maxlat", "maxlon")]
    if None in vals:
        return None
    minlat, minlon, maxlat, maxlon = vals
    return (minlat + maxlat) / 2, (minlon + maxlon) / 2


def no_coordinates(etype: Any, eid: Any) -> str:
    """The problem of an element that gives no coordinates at all."""
    if etype == "relation":
        return (
            f"relation {eid} has no coordinates (relations are not assembled from their members); "
            "run the Overpass query with 'out center'"
        )
    if etype == "way":
        return f"way {eid} has no coordinates; run the Overpass query with 'out center'"
    return f"{etype} {eid} has no coordinates"


def way_point(eid: Any, refs: list[LatLon | None]) -> Place:
    """The place of a way from its nodes' coordinates (None: a node missing from the file)."""
    coords = [c for c in refs if c is not None]
    if not coords:
        return (
            None,
            [],
            (
                f"way {eid} has no coordinates: none of its {len(refs)} nodes is in the file; "
                "run the Overpass query with 'out center'"
            ),
        )
    notes = []
    if len(coords) < len(refs):
        notes.append(f"way: {len(refs) - len(coords)} of its {len(refs)} nodes are not in the file")
    closed = refs[0] is not None and refs[0] == refs[-1] and len(refs) >= 4 and len(coords) == len(refs)
    if closed:
        try:
            inside = Polygon([(lon, lat) for lat, lon in coords]).representative_point()
            if not inside.is_empty:
                return (inside.y, inside.x), notes + [AREA_NOTE], None
        except Exception:  # a degenerate ring: fall back to the centroid of the nodes
            pass
    distinct = list(dict.fromkeys(coords))
    lat = sum(p[0] for p in distinct) / len(distinct)
    lon = sum(p[1] for p in distinct) / len(distinct)
    return (lat, lon), notes + [LINE_NOTE], None
