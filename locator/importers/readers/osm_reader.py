"""Read OpenStreetMap data (Overpass JSON, OSM XML or OSM PBF) into :class:`Record`s.

Formats, told apart by the first bytes (after a UTF-8 BOM and spaces), whatever the name:

- ``{``: Overpass JSON, ``{"elements": [...]}`` (:mod:`.osm_json`, read whole).
- ``<``: OSM XML, Overpass XML too (:mod:`.osm_xml`, streamed).
- an ``OSMHeader`` block: OSM PBF (:mod:`.osm_pbf`, read with pyosmium; there only elements
  with an ``amenity`` or ``shop`` tag are counted, and ``skipped_untagged`` stays 0).
- gzip/bzip2 files: decompress them first.

Only elements whose tags give one of our kinds (:mod:`.osm_tags`) yield records; the rest are
counted and skipped silently.  ``Record.feature`` is the element's ordinal (1-based) among
the elements of the file, so messages read ``latvia.osm: feature 12``; ``source_ref`` is
``node/123``, ``way/456`` or ``relation/789``; the point is placed as :mod:`.osm_geometry`
says, and ``fields`` holds ``lat``/``lon`` always (None, with
``fields["_geometry_problem"]`` saying why, when there is no point) and the other names only
when found.  Use :class:`OsmReader` to see the counts after iterating::

    reader = OsmReader("banks.osm")
    for record in reader: ...
    reader.elements, reader.skipped_untagged, reader.skipped_other_tags

:func:`read_osm` is the plain iterator (the same records, no counts).

File problems (:class:`FileProblem`): cannot read the file; a damaged PBF; compressed; empty;
neither JSON nor XML nor PBF; invalid JSON / XML (with line and column; for XML and PBF
possibly after some records were yielded, so load inside a transaction); JSON without an
``elements`` list; XML whose root is not ``<osm>``; an Overpass ``remark`` reporting an error
(the result is incomplete, e.g. a timeout).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..records import FileProblem, ProgressCallback, Record
from . import osm_json, osm_pbf, osm_xml
from .common import GEOMETRY_PROBLEM, cannot_read
from .osm_geometry import Element
from .osm_tags import map_tags, osm_kind


def read_osm(path: str | Path, *, on_bytes: ProgressCallback | None = None) -> Iterator[Record]:
    """Yield a :class:`Record` per relevant element of the OSM file at ``path``."""
    return iter(OsmReader(path, on_bytes=on_bytes))


class OsmReader:
    """Iterate once for the records; then ``elements`` and the ``skipped_*`` counts are final.

    - ``elements``: every node, way and relation in the file (for PBF: those with an
      ``amenity`` or ``shop`` tag);
    - ``skipped_untagged``: elements without tags (mostly the nodes of ways);
    - ``skipped_other_tags``: tagged elements that are none of our kinds (e.g. ``shop=supermarket``).

    The format is detected when the reader is created (a file of none of the three formats
    is a :class:`FileProblem` then); Overpass JSON is read, and its problems raised, when
    iteration starts.
    """

    def __init__(self, path: str | Path, *, on_bytes: ProgressCallback | None = None):
        self.path = path
        self.file = str(path)
        self.on_bytes = on_bytes
        self.elements = 0
        self.skipped_untagged = 0
        self.skipped_other_tags = 0
        self.format = _detect_format(path)

    @property
    def skipped(self) -> int:
        return self.skipped_untagged + self.skipped_other_tags

    def __iter__(self) -> Iterator[Record]:
        self.elements = self.skipped_untagged = self.skipped_other_tags = 0
        if self.format == "json":
            return self._records(osm_json.elements(osm_json.load(self.path, self.on_bytes)))
        if self.format == "pbf":
            return self._records(osm_pbf.elements(self.path, self.on_bytes))
        return self._records(osm_xml.elements(self.path, self.on_bytes))

    def _records(self, elements: Iterator[Element]) -> Iterator[Record]:
        for etype, eid, tags, place in elements:
            self.elements += 1
            record = self._record(self.elements, etype, eid, tags, place)
            if record is not None:
                yield record

    def _record(self, ordinal: int, etype: Any, eid: Any, tags: dict[str, Any], place) -> Record | None:
        """The record of one element, or None (counted) when it is not one of ours.

        ``place`` is called only for relevant elements (see :mod:`.osm_geometry`).
        """
        if not tags:
            self.skipped_untagged += 1
            return None
        kind = osm_kind(tags)
        if kind is None:
            self.skipped_other_tags += 1
            return None
        record = Record(file=self.file, fields={}, feature=ordinal)
        fields, notes = map_tags(tags, kind)
        fields["source_ref"] = f"{etype}/{eid}"
        record.notes.extend(notes)
        latlon, place_notes, problem = place()
        fields["lat"], fields["lon"] = latlon if latlon is not None else (None, None)
        record.notes.extend(place_notes)
        if problem is not None:
            fields[GEOMETRY_PROBLEM] = problem
        record.fields = {"source_ref": fields.pop("source_ref"), "kind": fields.pop("kind"), **fields}
        return record


def _detect_format(path: str | Path) -> str:
    """ "json", "xml" or "pbf", from the first bytes; FileProblem otherwise."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError as exc:
        raise FileProblem(cannot_read(path, exc)) from None
    if b"OSMHeader" in head[:32]:
        return "pbf"
    if head.startswith(b"\x1f\x8b"):
        raise FileProblem(f"{path}: gzip-compressed; decompress it first: gunzip -k {path}")
    if head.startswith(b"BZh"):
        raise FileProblem(f"{path}: bzip2-compressed; decompress it first: bunzip2 -k {path}")
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not text:
        raise FileProblem(f"{path}: empty file; expected Overpass JSON or OSM XML")
    if text[:1] == b"{":
        return "json"
    if text[:1] == b"<":
        return "xml"
    if text[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FileProblem(f"{path}: UTF-16 text; save it as UTF-8")
    raise FileProblem(
        f"{path}: neither Overpass JSON nor OSM XML (starts with {text[:16].decode('utf-8', 'replace')!r}); "
        "expected '{' (Overpass JSON) or '<' (OSM XML)"
    )
