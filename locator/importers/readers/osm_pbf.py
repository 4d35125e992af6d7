"""OSM PBF (``.osm.pbf``, what Geofabrik publishes) as OSM elements, read with pyosmium.

libosmium keeps the node locations of the whole file (in C++, not in Python objects) so that
ways can be placed, and passes on only elements with a key of ours (``amenity``, ``shop``):
a country extract's millions of untagged nodes never reach Python.  So for PBF the elements
yielded, and so ``feature N``, count those elements only (the ``source_ref`` names each one
exactly).  PBF carries no Overpass ``center``: a way is placed from its nodes, a relation has
no coordinates.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..records import FileProblem, ProgressCallback
from .osm_geometry import Element, no_coordinates, way_point
from .osm_tags import KIND_KEYS


def elements(path: str | Path, on_bytes: ProgressCallback | None) -> Iterator[Element]:
    """Each element with an ``amenity`` or ``shop`` tag as an :data:`Element`, in file order;
    FileProblem for a damaged file, possibly after some elements were yielded."""
    import osmium  # loaded only when a PBF is read (and so after SpatiaLite, see test_native_libs)

    if on_bytes is not None:  # pyosmium reads the file itself: report it read up front
        on_bytes(Path(path).stat().st_size)
    objects = (
        osmium.FileProcessor(osmium.io.File(str(path), "pbf"))  # whatever its name
        .with_locations()
        .with_filter(osmium.filter.KeyFilter(*KIND_KEYS))
    )
    try:
        for obj in objects:
            yield _element(obj)
    except RuntimeError as exc:  # libosmium's message for a damaged file
        raise FileProblem(f"{path}: cannot read the PBF file: {exc}") from None


def _element(obj) -> Element:
    """The element of a pyosmium object, its place computed from copies (the object itself
    is valid only until the next one is read)."""
    tags = {tag.k: tag.v for tag in obj.tags}
    eid = obj.id
    if obj.is_node():
        location = obj.location

        def place():
            if not location.valid():
                return None, [], f"node {eid} has no coordinates"
            return (location.lat, location.lon), [], None

        return "node", eid, tags, place
    if obj.is_way():
        refs = [(n.lat, n.lon) if n.location.valid() else None for n in obj.nodes]

        def place():
            if not refs:
                return None, [], no_coordinates("way", eid)
            return way_point(eid, refs)

        return "way", eid, tags, place
    return "relation", eid, tags, lambda: (None, [], no_coordinates("relation", eid))
