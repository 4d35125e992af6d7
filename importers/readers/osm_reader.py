"""Read OpenStreetMap data (Overpass JSON, OSM XML or OSM PBF) into :class:`Record`s.

Formats, told apart by the first non-space byte (after a UTF-8 BOM):

- ``{``: Overpass JSON, ``{"elements": [...]}`` (read whole).
- ``<``: OSM XML, ``<osm>`` with ``<node>``, ``<way>``, ``<relation>`` (Overpass
  XML too), streamed with ``iterparse`` and cleared as it goes.
- OSM PBF (``.osm.pbf``, what Geofabrik publishes; detected by its ``OSMHeader``
  block, whatever the name), read with pyosmium: the node locations of the whole
  file are kept (in C++, a few hundred MB for Latvia) so ways can be placed, and
  only elements with an ``amenity`` or ``shop`` tag reach Python, so for PBF
  ``feature N`` counts those elements only (the ``source_ref`` names the
  element exactly), and ``skipped_untagged`` stays 0.  gzip/bzip2 files:
  decompress them first.

Only elements whose tags give one of our kinds yield records; the rest are
counted and skipped silently.  ``Record.feature`` is the element's ordinal
(1-based) among *all* elements of the file, so messages read
``latvia.osm: feature 12``; ``source_ref`` is ``node/123``, ``way/456`` or
``relation/789``.  Use :class:`OsmReader` to see the counts after iterating::

    reader = OsmReader("banks.osm")
    for record in reader: ...
    reader.elements, reader.skipped_untagged, reader.skipped_other_tags

:func:`read_osm` is the plain iterator (the same records, no counts).

Tags -> canonical fields

    OSM tags                                  canonical field
    ----------------------------------------  ------------------------------------------------
    amenity=bank (with or without atm=yes)    kind = bank_branch
    amenity=atm                               kind = atm
    amenity=post_office                       kind = post_office
    shop=mobile_phone, shop=telecommunication kind = telecom_shop
    anything else (shop=supermarket, ...)     not imported: counted, skipped silently
    name, else brand, else operator;          name (a derived name adds a note; no name,
      an atm without name:                      brand or operator: no name, the validator
      "Bankomāts <brand or operator>"           rejects it)
    brand, operator, opening_hours            brand, operator, opening_hours (as found)
    addr:street addr:housenumber,             address "Audēju iela 16, Rīga, LV-1050";
      addr:city (else addr:place),              missing parts left out; without a street,
      addr:postcode                             addr:housename leads ("Jāņkrogs, Ādaži,
                                                LV-2164") or addr:place + number
                                                ("Kalnciems 5"); a bare 4-digit postcode
                                                gets "LV-"
    element type / id                         source_ref "node/123", "way/456", "relation/789"
    fee=no                                    fee_bill_payment "0"
    fee=yes + charge=0.50 EUR                 fee_bill_payment "0.50" (one amount in EUR or
                                                €, "/use" allowed; otherwise a note, no fee)
    fee=yes without charge                    nothing (the fee table applies)
    fee=<anything else>                       nothing, a note
    cash_in=yes on an atm                     fee_cash_deposit "0"
    cash_in=no, or on any other kind          nothing

Values are NFC-normalised and stripped (empty -> None); ``fields`` holds
``lat``/``lon`` always and the other names only when found.

Coordinates

- node: its ``lat``/``lon``.
- way/relation with a ``center`` (Overpass ``out center``): the centre
  (note "area: stored as its centre (Overpass 'out center')").
- way with its geometry (Overpass ``out geom``, or node refs whose nodes
  appear earlier in the file): a closed way is an area stored as a point inside
  it (shapely ``representative_point``); an open way is the centroid of its
  nodes.  Nodes missing from the file are left out, with a note.
- else ``bounds`` (Overpass ``out bb``): the centre of the box.
- else lat/lon None and ``fields["_geometry_problem"]`` says why, e.g. "way 123
  has no coordinates; run the Overpass query with 'out center'".  Relations
  are never assembled from their members: without a centre or bounds they get
  that problem too.

For OSM XML the reader keeps the coordinates of every node it has seen
(compactly: 16 bytes a node when ids ascend, as in any extract; a few hundred MB
for a country) so ways can be placed; filter big extracts first.

File problems (:class:`FileProblem`): cannot read the file; a damaged PBF; compressed; empty; neither JSON nor
XML; invalid JSON / XML (with line and column; for XML possibly after some
records were yielded, so load inside a transaction); JSON without an
``elements`` list; XML whose root is not ``<osm>``; an Overpass ``remark``
reporting an error (the result is incomplete, e.g. a timeout).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shapely.geometry import Polygon

from ..records import FileProblem, ProgressCallback, Record, open_counted
from .common import AREA_NOTE, GEOMETRY_PROBLEM, clean_text, not_utf8, read_bytes

KIND_BY_TAG: dict[tuple[str, str], str] = {
    ("amenity", "bank"): "bank_branch",
    ("amenity", "atm"): "atm",
    ("amenity", "post_office"): "post_office",
    ("shop", "mobile_phone"): "telecom_shop",
    ("shop", "telecommunication"): "telecom_shop",
}
ATM_NAME = "Bankomāts"
CENTER_NOTE = "area: stored as its centre (Overpass 'out center')"
BOUNDS_NOTE = "area: stored as the centre of its bounding box"
LINE_NOTE = "way: stored as the centroid of its nodes"


def read_osm(path: str | Path, *, on_bytes: ProgressCallback | None = None) -> Iterator[Record]:
    """Yield a :class:`Record` per relevant element of the OSM file at ``path``."""
    return iter(OsmReader(path, on_bytes=on_bytes))


class OsmReader:
    """Iterate once for the records; then ``elements`` and the ``skipped_*`` counts are final.

    - ``elements``: every node, way and relation in the file;
    - ``skipped_untagged``: elements without tags (mostly the nodes of ways);
    - ``skipped_other_tags``: tagged elements that are none of our kinds (e.g. ``shop=supermarket``).

    The format is detected (and pbf / unknown files rejected with :class:`FileProblem`)
    when the reader is created.
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
            return self._from_json(self._load_json())
        if self.format == "pbf":
            return self._from_pbf()
        return self._from_xml()

    # -- shared --------------------------------------------------------------------------------

    def _record(self, ordinal: int, kind_osm: str, osm_id: Any, tags: dict[str, Any], place) -> Record | None:
        """The record of one element, or None (counted) when it is not one of ours.

        ``place`` is a callable returning ((lat, lon) | None, notes, problem); it is called
        only for relevant elements.
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
        fields["source_ref"] = f"{kind_osm}/{osm_id}"
        record.notes.extend(notes)
        latlon, place_notes, problem = place()
        fields["lat"], fields["lon"] = latlon if latlon is not None else (None, None)
        record.notes.extend(place_notes)
        if problem is not None:
            fields[GEOMETRY_PROBLEM] = problem
        record.fields = {"source_ref": fields.pop("source_ref"), "kind": fields.pop("kind"), **fields}
        return record

    # -- Overpass JSON -------------------------------------------------------------------------

    def _load_json(self) -> list[Any]:
        raw = read_bytes(self.path, self.on_bytes)
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise FileProblem(not_utf8(self.path, raw, exc)) from None
        except json.JSONDecodeError as exc:
            raise FileProblem(
                f"{self.path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
            hint = ""
            if isinstance(data, dict) and data.get("type") in ("FeatureCollection", "Feature"):
                hint = " (this is GeoJSON: use the GeoJSON reader)"
            raise FileProblem(f'{self.path}: not Overpass JSON: expected an object with an "elements" list{hint}')
        _check_remark(self.path, data.get("remark"))
        return data["elements"]

    def _from_json(self, elements: list[Any]) -> Iterator[Record]:
        nodes: dict[Any, tuple[float, float]] = {}
        for el in elements:
            if (
                isinstance(el, dict)
                and el.get("type") == "node"
                and _num(el.get("lat")) is not None
                and _num(el.get("lon")) is not None
            ):
                nodes[el.get("id")] = (float(el["lat"]), float(el["lon"]))
        for ordinal, el in enumerate(elements, start=1):
            self.elements += 1
            if not isinstance(el, dict):
                self.skipped_untagged += 1
                continue
            tags = el.get("tags") if isinstance(el.get("tags"), dict) else {}
            etype, eid = el.get("type"), el.get("id")
            record = self._record(ordinal, etype, eid, tags, lambda el=el: _json_place(el, nodes))
            if record is not None:
                yield record

    # -- OSM XML -------------------------------------------------------------------------------

    def _from_xml(self) -> Iterator[Record]:
        store = _NodeStore()
        with open_counted(self.path, self.on_bytes) as fh:
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
                                raise FileProblem(
                                    f"{self.path}: not OSM XML: the root element is <{elem.tag}>, expected <osm>"
                                )
                        continue
                    depth -= 1
                    if depth != 1:
                        continue
                    if elem.tag in ("node", "way", "relation"):
                        self.elements += 1
                        record = self._xml_element(self.elements, elem, store)
                        if record is not None:
                            yield record
                    elif elem.tag == "remark":
                        _check_remark(self.path, elem.text)
                    root.clear()
            except ET.ParseError as exc:
                line, column = exc.position
                reason = str(exc).split(":")[0]
                raise FileProblem(f"{self.path}: not valid XML: {reason} at line {line}, column {column + 1}") from None

    # -- OSM PBF -------------------------------------------------------------------------------

    def _from_pbf(self) -> Iterator[Record]:
        import osmium  # pyosmium; only PBF needs it

        if self.on_bytes is not None:  # pyosmium reads the file itself: report it read up front
            self.on_bytes(Path(self.path).stat().st_size)
        objects = (
            osmium.FileProcessor(osmium.io.File(str(self.path), "pbf"))  # whatever its name
            .with_locations()
            .with_filter(osmium.filter.KeyFilter(*{key for key, _ in KIND_BY_TAG}))
        )
        try:
            for ordinal, obj in enumerate(objects, start=1):
                self.elements += 1
                record = self._pbf_element(ordinal, obj)
                if record is not None:
                    yield record
        except RuntimeError as exc:  # libosmium's message for a damaged file
            raise FileProblem(f"{self.path}: cannot read the PBF file: {exc}") from None

    def _pbf_element(self, ordinal: int, obj) -> Record | None:
        tags = {tag.k: tag.v for tag in obj.tags}
        if obj.is_node():
            etype = "node"
            location = obj.location

            def place():
                if not location.valid():
                    return None, [], f"node {obj.id} has no coordinates"
                return (location.lat, location.lon), [], None
        elif obj.is_way():
            etype = "way"
            refs = [(n.lat, n.lon) if n.location.valid() else None for n in obj.nodes]

            def place():
                if not refs:
                    return None, [], _no_coordinates(etype, obj.id)
                return _way_point(obj.id, refs)
        else:
            etype = "relation"

            def place():
                return None, [], _no_coordinates(etype, obj.id)

        return self._record(ordinal, etype, obj.id, tags, place)

    def _xml_element(self, ordinal: int, elem: ET.Element, store: _NodeStore) -> Record | None:
        etype, eid = elem.tag, elem.get("id")
        tags = {t.get("k"): t.get("v") for t in elem.findall("tag")}
        if etype == "node":
            lat, lon = _num(elem.get("lat")), _num(elem.get("lon"))
            if lat is not None and lon is not None and eid is not None:
                store.add(eid, lat, lon)

            def place():
                if lat is None or lon is None:
                    return None, [], f"node {eid} has no coordinates"
                return (lat, lon), [], None

            return self._record(ordinal, etype, eid, tags, place)

        def place():
            center = elem.find("center")
            if center is not None:
                c = _latlon(center.get("lat"), center.get("lon"))
                if c is not None:
                    return c, [CENTER_NOTE], None
            way_problem = None
            if etype == "way":
                refs = []
                for nd in elem.findall("nd"):
                    inline = _latlon(nd.get("lat"), nd.get("lon"))
                    refs.append(inline if inline is not None else store.get(nd.get("ref")))
                if refs:
                    found = _way_point(eid, refs)
                    if found[0] is not None:
                        return found
                    way_problem = found[2]
            bounds = elem.find("bounds")
            if bounds is not None:
                b = _bounds_centre(bounds.attrib)
                if b is not None:
                    return b, [BOUNDS_NOTE], None
            return None, [], way_problem or _no_coordinates(etype, eid)

        return self._record(ordinal, etype, eid, tags, place)


# -- tags --------------------------------------------------------------------------------------


def osm_kind(tags: dict[str, Any]) -> str | None:
    """Our kind for an element's tags, or None when we do not import it."""
    for key in ("amenity", "shop"):
        value = clean_text(tags.get(key))
        if isinstance(value, str) and (key, value) in KIND_BY_TAG:
            return KIND_BY_TAG[(key, value)]
    return None


def map_tags(tags: dict[str, Any], kind: str) -> tuple[dict[str, Any], list[str]]:
    """Canonical fields (without coordinates and source_ref) and notes for a relevant element."""
    t = {k: clean_text(v if v is None or isinstance(v, str) else str(v)) for k, v in tags.items() if isinstance(k, str)}
    fields: dict[str, Any] = {"kind": kind}
    notes: list[str] = []
    name = t.get("name")
    if name is None:
        if kind == "atm" and (t.get("brand") or t.get("operator")):
            name = f"{ATM_NAME} {t.get('brand') or t.get('operator')}"
            notes.append(f"name: {ATM_NAME} + {'brand' if t.get('brand') else 'operator'}")
        elif t.get("brand") or t.get("operator"):
            source = "brand" if t.get("brand") else "operator"
            name = t[source]
            notes.append(f"name: from {source}")
    if name is not None:
        fields["name"] = name
    for key in ("brand", "operator", "opening_hours"):
        if t.get(key) is not None:
            fields[key] = t[key]
    address = format_address(t)
    if address is not None:
        fields["address"] = address

    fee = (t.get("fee") or "").lower()
    if fee == "no":
        fields["fee_bill_payment"] = "0"
    elif fee == "yes" and t.get("charge") is not None:
        amount = parse_charge(t["charge"])
        if amount is not None:
            fields["fee_bill_payment"] = amount
        else:
            notes.append(
                f"charge={t['charge']!r} not understood (expected one amount in EUR); fee left to the fee table"
            )
    elif fee not in ("", "yes"):
        notes.append(f"fee={t['fee']!r} not understood (expected yes or no)")
    if kind == "atm" and (t.get("cash_in") or "").lower() == "yes":
        fields["fee_cash_deposit"] = "0"
    return fields, notes


def format_address(t: dict[str, Any]) -> str | None:
    """ "Audēju iela 16, Rīga, LV-1050" from addr:* tags; None when there are none."""
    street, number = t.get("addr:street"), t.get("addr:housenumber")
    house, city, place = t.get("addr:housename"), t.get("addr:city"), t.get("addr:place")
    first = None
    if street:
        first = f"{street} {number}" if number else street
    elif house:
        first = f"{house} {number}" if number else house
    elif number and place and not city:
        first, place = f"{place} {number}", None  # addr:place instead of a street: "Kalnciems 5"
    elif number:
        first = number
    postcode = t.get("addr:postcode")
    if isinstance(postcode, str) and re.fullmatch(r"\d{4}", postcode):
        postcode = f"LV-{postcode}"
    parts = [p for p in (first, city or place, postcode) if p]
    return ", ".join(str(p) for p in parts) or None


_AMOUNT = re.compile(r"\d+(?:[.,]\d+)?")


def parse_charge(charge: str) -> str | None:
    """ "0.50 EUR" / "€0,50" / "EUR 1" / "0.50 EUR/use" -> the amount as written; None if unclear."""
    amounts = _AMOUNT.findall(charge)
    if len(amounts) != 1:
        return None
    rest = _AMOUNT.sub(" ", charge, count=1).strip().lower()
    rest = re.sub(r"\s*/\s*\w+$", "", rest).strip()  # "/use", "/transaction", "/time"
    if rest not in ("eur", "€", "euro", "euros", "eiro"):
        return None
    return amounts[0]


# -- coordinates -------------------------------------------------------------------------------


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _latlon(lat: Any, lon: Any) -> tuple[float, float] | None:
    lat, lon = _num(lat), _num(lon)
    return None if lat is None or lon is None else (lat, lon)


def _bounds_centre(b: dict[str, Any]) -> tuple[float, float] | None:
    vals = [_num(b.get(k)) for k in ("minlat", "minlon", "maxlat", "maxlon")]
    if None in vals:
        return None
    minlat, minlon, maxlat, maxlon = vals
    return (minlat + maxlat) / 2, (minlon + maxlon) / 2


def _no_coordinates(etype: Any, eid: Any) -> str:
    if etype == "relation":
        return (
            f"relation {eid} has no coordinates (relations are not assembled from their members); "
            "run the Overpass query with 'out center'"
        )
    if etype == "way":
        return f"way {eid} has no coordinates; run the Overpass query with 'out center'"
    return f"{etype} {eid} has no coordinates"


def _way_point(eid: Any, refs: list[tuple[float, float] | None]):
    """((lat, lon), notes, None) from a way's node coordinates (None: missing from the file)."""
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


def _json_place(el: dict[str, Any], nodes: dict[Any, tuple[float, float]]):
    etype, eid = el.get("type"), el.get("id")
    if etype == "node":
        c = _latlon(el.get("lat"), el.get("lon"))
        return (c, [], None) if c is not None else (None, [], _no_coordinates(etype, eid))
    center = el.get("center")
    if isinstance(center, dict):
        c = _latlon(center.get("lat"), center.get("lon"))
        if c is not None:
            return c, [CENTER_NOTE], None
    way_problem = None
    if etype == "way":
        refs: list[tuple[float, float] | None] = []
        geometry = el.get("geometry")
        if isinstance(geometry, list) and geometry:
            refs = [_latlon(g.get("lat"), g.get("lon")) if isinstance(g, dict) else None for g in geometry]
        elif isinstance(el.get("nodes"), list):
            refs = [nodes.get(ref) for ref in el["nodes"]]
        if refs:
            found = _way_point(eid, refs)
            if found[0] is not None:
                return found
            way_problem = found[2]
    bounds = el.get("bounds")
    if isinstance(bounds, dict):
        b = _bounds_centre(bounds)
        if b is not None:
            return b, [BOUNDS_NOTE], None
    return None, [], way_problem or _no_coordinates(etype, eid)


class _NodeStore:
    """Node id -> (lat, lon).

    While ids ascend (as in any extract) three flat arrays, 16 bytes a node: the id, and
    lat/lon in units of 1e-7 degrees, OSM's own precision, so nothing is lost.  Out of
    order ids switch to a dict.
    """

    def __init__(self):
        self._ids = array("q")
        self._lat = array("i")
        self._lon = array("i")
        self._dict: dict[int, tuple[float, float]] | None = None

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

    def get(self, node_id: Any) -> tuple[float, float] | None:
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


# -- format ------------------------------------------------------------------------------------


def _check_remark(path: str | Path, remark: Any) -> None:
    """Overpass reports a timeout or memory error in ``remark``: the result is then incomplete."""
    if isinstance(remark, str) and "error" in remark.lower():
        raise FileProblem(
            f"{path}: Overpass reported {remark.strip()!r}: the result is incomplete; "
            "run the query again (e.g. with a larger [timeout:...] or a smaller area)"
        )


def _detect_format(path: str | Path) -> str:
    """ "json", "xml" or "pbf", from the first bytes; FileProblem otherwise."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError as exc:
        raise FileProblem(f"{path}: cannot read the file: {exc.strerror or exc}") from None
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
