"""OSM XML (``<osm>`` with ``<node>``, ``<way>``, ``<relation>``; Overpass XML too) as OSM
elements, streamed with ``xml.etree.ElementTree.iterparse`` and cleared as it goes.

Why not pyosmium, which reads the PBF: libosmium's XML parser reads OSM XML as the OSM API
writes it, and Overpass XML is more than that.  On libosmium 2.23 (pyosmium 4.3):

- ``<center>`` inside a way or relation (Overpass ``out center``, the usual way to ask for
  areas) stops the read: "Unknown element in <way>: center";
- ``<bounds>`` inside an element (``out bb``) is parsed and dropped, and a ``<remark>``
  (Overpass's report of a timeout, which makes the result incomplete) is skipped unseen;
- with node locations on (needed for ways given by node refs) the coordinates Overpass puts
  in a way's ``<nd>`` (``out geom``) are overwritten by the locations of the nodes in the
  file, and so lost when those nodes are not in it;
- an ``<osm>`` without ``version="0.6"`` is refused.

So this module keeps its own reader: ElementTree over expat, whose messages (``mismatched
tag at line 3, column 3``) the FileProblems quote.

The coordinates of every node seen are kept so that ways can be placed (:class:`NodeStore`,
compactly: 16 bytes a node when ids ascend, as in any extract).  pyosmium's own location
index, filled from Python instead, refuses the negative ids of editors' files and takes longer
to fill.  For a whole country the PBF extract is the better input: libosmium keeps its node
locations in C++.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..records import FileProblem, ProgressCallback, open_counted
from .osm_geometry import (
    BOUNDS_NOTE,
    CENTER_NOTE,
    Element,
    LatLon,
    bounds_centre,
    latlon,
    no_coordinates,
    num,
    way_point,
)
from .osm_json import check_remark


def elements(path: str | Path, on_bytes: ProgressCallback | None) -> Iterator[Element]:
    """Each node, way and relation of the file as an :data:`Element`, in file order.

    Raises FileProblem for a root that is not ``<osm>``, an Overpass error remark or invalid
    XML, possibly after some elements were yielded.
    """
    store = NodeStore()
    with open_counted(path, on_bytes) as fh:
        events = ET.iterparse(fh, events=("start", "end"))
        depth = 0
        root = None
        try:
            for event, elem in events:
                if event == "start":
                    depth += 1
                    if root is None:
                        root = elem
                        if elem.tag != "osm":
                            raise FileProblem(f"{path}: not OSM XML: the root element is <{elem.tag}>, expected <osm>")
                    continue
                depth -= 1
                if depth != 1:
                    continue
                if elem.tag in ("node", "way", "relation"):
                    yield _element(elem, store)
                elif elem.tag == "remark":
                    check_remark(path, elem.text)
                root.clear()
        except ET.ParseError as exc:
            line, column = exc.position
            reason = str(exc).split(":")[0]
            raise FileProblem(f"{path}: not valid XML: {reason} at line {line}, column {column + 1}") from None


def _element(elem: ET.Element, store: NodeStore) -> Element:
    etype, eid = elem.tag, elem.get("id")
    tags = {t.get("k"): t.get("v") for t in elem.findall("tag")}
    if etype == "node":
        lat, lon = num(elem.get("lat")), num(elem.get("lon"))
        if lat is not None and lon is not None and eid is not None:
            store.add(eid, lat, lon)
        if not tags:  # most nodes: only a way's corners, never a place
            return etype, eid, tags, None

        def place():
            if lat is None or lon is None:
                return None, [], f"node {eid} has no coordinates"
            return (lat, lon), [], None

        return etype, eid, tags, place

    def place():
        center = elem.find("center")
        if center is not None:
            c = latlon(center.get("lat"), center.get("lon"))
            if c is not None:
                return c, [CENTER_NOTE], None
        way_problem = None
        if etype == "way":
            refs = []
            for nd in elem.findall("nd"):
                inline = latlon(nd.get("lat"), nd.get("lon"))
                refs.append(inline if inline is not None else store.get(nd.get("ref")))
            if refs:
                found = way_point(eid, refs)
                if found[0] is not None:
                    return found
                way_problem = found[2]
        bounds = elem.find("bounds")
        if bounds is not None:
            b = bounds_centre(bounds.attrib)
            if b is not None:
                return b, [BOUNDS_NOTE], None
        return None, [], way_problem or no_coordinates(etype, eid)

    return etype, eid, tags, place


class NodeStore:
    """Node id -> (lat, lon).

    While ids ascend (as in any extract) three flat arrays, 16 bytes a node: the id, and
    lat/lon in units of 1e-7 degrees, OSM's own precision, so nothing is lost.  Out of
    order ids switch to a dict.
    """

    def __init__(self):
        self._ids = array("q")
        self._lat = array("i")
        self._lon = array("i")
        self._dict: dict[int, LatLon] | None = None

    def add(self, node_id: str, lat: float, lon: float) -> None:
        try:
            i = int(node_id)
        except ValueError:
            return
        if self._dict is not None:
            self._dict[i] = (lat, lon)
        elif (not self._ids or i > self._ids[-1]) and abs(lat) <= 214 and abs(lon) <= 214:
            self._ids.append(i)
            self._lat.append(round(lat * 1e7))
            self._lon.append(round(lon * 1e7))
        else:  # out of order (or absurd coordinates): fall back to a dict
            self._dict = {n: (a / 1e7, o / 1e7) for n, a, o in zip(self._ids, self._lat, self._lon)}
            self._ids, self._lat, self._lon = array("q"), array("i"), array("i")
            self._dict[i] = (lat, lon)

    def get(self, node_id: Any) -> LatLon | None:
        try:
            i = int(node_id)
        except (TypeError, ValueError):
            return None
        if self._dict is not None:
            return self._dict.get(i)
        k = bisect_left(self._ids, i)
        if k < len(self._ids) and self._ids[k] == i:
            return self._lat[k] / 1e7, self._lon[k] / 1e7
        return None
