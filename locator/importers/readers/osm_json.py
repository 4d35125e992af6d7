"""Overpass JSON, ``{"elements": [...]}``, as OSM elements; and the Overpass ``remark``.

The file is read whole (Overpass results are query-sized) and every node's coordinates kept,
so that a way given by node refs is placed by the nodes listed with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..records import FileProblem, ProgressCallback
from .common import not_utf8, read_bytes
from .osm_geometry import (
    BOUNDS_NOTE,
    CENTER_NOTE,
    Element,
    LatLon,
    Place,
    bounds_centre,
    latlon,
    no_coordinates,
    num,
    way_point,
)


def load(path: str | Path, on_bytes: ProgressCallback | None) -> list[Any]:
    """The ``elements`` list of the Overpass JSON file at ``path``; FileProblem when there is none."""
    raw = read_bytes(path, on_bytes)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FileProblem(not_utf8(path, raw, exc)) from None
    except json.JSONDecodeError as exc:
        raise FileProblem(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
        hint = ""
        if isinstance(data, dict) and data.get("type") in ("FeatureCollection", "Feature"):
            hint = " (this is GeoJSON: use the GeoJSON reader)"
        raise FileProblem(f'{path}: not Overpass JSON: expected an object with an "elements" list{hint}')
    check_remark(path, data.get("remark"))
    return data["elements"]


def elements(items: list[Any]) -> Iterator[Element]:
    """Each item of ``elements`` as an :data:`Element`."""
    nodes: dict[Any, LatLon] = {}
    for el in items:
        if (
            isinstance(el, dict)
            and el.get("type") == "node"
            and num(el.get("lat")) is not None
            and num(el.get("lon")) is not None
        ):
            nodes[el.get("id")] = (float(el["lat"]), float(el["lon"]))
    for el in items:
        if not isinstance(el, dict):
            yield None, None, {}, None  # no element: counted with the untagged
            continue
        tags = el.get("tags") if isinstance(el.get("tags"), dict) else {}
        yield el.get("type"), el.get("id"), tags, lambda el=el: _place(el, nodes)


def check_remark(path: str | Path, remark: Any) -> None:
    """Overpass reports a timeout or memory error in ``remark``: the result is then incomplete."""
    if isinstance(remark, str) and "error" in remark.lower():
        raise FileProblem(
            f"{path}: Overpass reported {remark.strip()!r}: the result is incomplete; "
            "run the query again (e.g. with a larger [timeout:...] or a smaller area)"
        )


def _place(el: dict[str, Any], nodes: dict[Any, LatLon]) -> Place:
    etype, eid = el.get("type"), el.get("id")
    if etype == "node":
        c = latlon(el.get("lat"), el.get("lon"))
        return (c, [], None) if c is not None else (None, [], no_coordinates(etype, eid))
    center = el.get("center")
    if isinstance(center, dict):
        c = latlon(center.get("lat"), center.get("lon"))
        if c is not None:
            return c, [CENTER_NOTE], None
    way_problem = None
    if etype == "way":
        refs: list[LatLon | None] = []
        geometry = el.get("geometry")
        if isinstance(geometry, list) and geometry:
            refs = [latlon(g.get("lat"), g.get("lon")) if isinstance(g, dict) else None for g in geometry]
        elif isinstance(el.get("nodes"), list):
            refs = [nodes.get(ref) for ref in el["nodes"]]
        if refs:
            found = way_point(eid, refs)
            if found[0] is not None:
                return found
            way_problem = found[2]
    bounds = el.get("bounds")
    if isinstance(bounds, dict):
        b = bounds_centre(bounds)
        if b is not None:
            return b, [BOUNDS_NOTE], None
    return None, [], way_problem or no_coordinates(etype, eid)
