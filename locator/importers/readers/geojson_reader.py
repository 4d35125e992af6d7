"""Read a GeoJSON FeatureCollection (or a single Feature) into :class:`Record`s.

One record per feature, numbered from 1 (``Record.feature``), so messages read
``places.geojson: feature 12``.  The reader decodes and renames; it never
judges values (ranges, "outside Latvia", empty names): the validator does.

Fields
    ``mapping`` is canonical name -> property name, like the CSV reader's
    ``--map``.  A property whose name is already canonical maps to itself
    (a mapping for that field wins over it).  Properties that map to no
    canonical field are ignored.  ``source_ref``, when neither mapped nor a
    property, comes from the ``id`` property, then ``@id`` (overpass-turbo
    exports), then the feature's top-level ``id`` member.

Values
    Strings are NFC-normalised and stripped, an empty string becomes None;
    numbers and booleans are kept as they are (fees stay numbers).
    ``fields`` holds ``lat`` and ``lon`` always (None when there are none)
    and the other canonical names only when the feature gives them.

Geometry (GeoJSON is lon, lat; a Z value is ignored)
    Point          -> lon/lat floats.
    Polygon,
    MultiPolygon   -> an area stored as a point inside it (shapely's
                      ``representative_point``); note "area: stored as a point inside it".
    MultiPoint     -> its point when it has exactly one.
    anything else  -> lat/lon None and ``fields[GEOMETRY_PROBLEM]`` (the key
    or missing        ``"_geometry_problem"``) saying why, for the validator
                      to report; likewise for an item of ``features`` that is
                      not a Feature.  A feature with a null geometry but both
                      ``lat`` and ``lon`` properties (canonical or mapped)
                      keeps those instead.

File problems (:class:`FileProblem`, raised by the call, before any record)
    cannot read the file; not UTF-8; invalid JSON (line and column); not a FeatureCollection or
    Feature; a ``features`` member that is not a list; a ``crs`` member naming
    anything but WGS 84 longitude/latitude; a mapped property no feature has.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from shapely.geometry import shape

from ..records import FIELDS, FileProblem, ProgressCallback, Record
from ..table import Columns, Table, is_clean, join, none_for_empty, single_spaced_only, strings_of
from .common import AREA_NOTE, GEOMETRY_PROBLEM, clean_text, not_utf8, read_bytes

_AREAS = ("Polygon", "MultiPolygon")
_GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)
_SOURCE_REF_ALIASES = ("id", "@id")


def read_geojson(
    path: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    on_bytes: ProgressCallback | None = None,
) -> Table:
    """One :class:`Record` per feature of the GeoJSON file at ``path``, as a :class:`Table`
    (which also gives the records' values as columns, see :mod:`locator.importers.table`).

    Raises :class:`FileProblem` (before yielding anything) when the file as a
    whole cannot be read; see the module docstring.
    """
    mapping = dict(mapping or {})
    unknown = [f for f in mapping if f not in FIELDS]
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} in mapping; fields: {', '.join(FIELDS)}")
    features = _load_features(path, on_bytes)
    _check_mapping(path, features, mapping)
    file = str(path)
    return Table(
        file,
        n=len(features),
        record=lambda i: _record(file, i + 1, features[i], mapping),
        where=lambda i: f"{file}: feature {i + 1}",
        columns=lambda a, b: _column_values(features[a:b], mapping),
    )


def _load_features(path: str | Path, on_bytes: ProgressCallback | None) -> list[Any]:
    raw = read_bytes(path, on_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(not_utf8(path, raw, exc)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(data, dict):
        raise FileProblem(f"{path}: not a GeoJSON FeatureCollection (found a JSON {_json_kind(data)})")
    kind = data.get("type")
    if kind == "Feature":
        features = [data]
    elif kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise FileProblem(f'{path}: the FeatureCollection has no "features" list')
    elif kind is None:
        hint = " (this looks like Overpass JSON: use the OSM reader)" if "elements" in data else ""
        raise FileProblem(f'{path}: not a GeoJSON FeatureCollection (found an object without "type"){hint}')
    else:
        raise FileProblem(f"{path}: not a GeoJSON FeatureCollection (found type {kind!r})")
    _check_crs(path, data.get("crs"))
    return features


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


_WGS84_CRS = re.compile(r"(CRS84|(^|:)4326)$", re.IGNORECASE)


def _check_crs(path: str | Path, crs: Any) -> None:
    """A GeoJSON 2008 ``crs`` member naming anything but WGS 84 lon/lat means projected coordinates."""
    if crs is None:
        return
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if isinstance(name, str) and _WGS84_CRS.search(name.strip()):
        return
    raise FileProblem(
        f"{path}: coordinates are in {name or json.dumps(crs)}, not WGS 84 longitude/latitude; "
        f"convert them first, e.g. ogr2ogr -t_srs EPSG:4326 out.geojson {path}"
    )


def _properties(feature: Any) -> dict[str, Any]:
    if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
        return feature["properties"]
    return {}


def _check_mapping(path: str | Path, features: list[Any], mapping: dict[str, str]) -> None:
    """A mapped property that no feature has is a typo, like a missing CSV column."""
    if not mapping or not features:
        return
    seen: set[str] = set()
    for feature in features:
        seen.update(_properties(feature))
    for ours, theirs in mapping.items():
        if theirs not in seen:
            found = ", ".join(sorted(seen)[:30]) or "none"
            raise FileProblem(
                f"{path}: --map {ours}={theirs}: no feature has a property {theirs!r}; properties found: {found}"
            )


def _record(file: str, number: int, feature: Any, mapping: dict[str, str]) -> Record:
    record = Record(file=file, fields={}, feature=number)
    if not isinstance(feature, dict):
        record.fields.update(lat=None, lon=None)
        record.fields[GEOMETRY_PROBLEM] = f"not a GeoJSON Feature (found a JSON {_json_kind(feature)})"
        return record
    if feature.get("type", "Feature") != "Feature":
        record.fields.update(lat=None, lon=None)
        record.fields[GEOMETRY_PROBLEM] = f"not a GeoJSON Feature (found type {feature.get('type')!r})"
        return record

    props = _properties(feature)
    fields = record.fields
    for name in FIELDS:
        key = mapping.get(name, name)
        if key in props:
            fields[name] = clean_text(props[key])
    if "source_ref" not in mapping and fields.get("source_ref") is None:
        ref = _fallback_ref(feature, props)
        if ref is not None:
            fields["source_ref"] = ref

    from_properties = (fields.get("lat"), fields.get("lon"))
    fields["lat"] = fields["lon"] = None
    geometry = feature.get("geometry")
    if geometry is None and None not in from_properties:
        fields["lat"], fields["lon"] = from_properties
        record.notes.append("no geometry: coordinates from the lat and lon properties")
        return record
    point, problem = _point(geometry)
    if problem is not None:
        fields[GEOMETRY_PROBLEM] = problem
    else:
        fields["lon"], fields["lat"] = point
        if geometry["type"] in _AREAS:
            record.notes.append(AREA_NOTE)
    return record


def _fallback_ref(feature: dict, props: dict) -> Any:
    """The id of a feature without a ``source_ref``: the ``id`` or ``@id`` property, else the
    feature's own ``id`` member (cleaned), else None."""
    for alias in _SOURCE_REF_ALIASES:
        value = clean_text(props.get(alias))
        if value is not None:
            return value
    return clean_text(feature.get("id"))


_COORDINATE_TYPES = (int, float)  # exact types: a bool is not a coordinate


def _column_values(features: list[Any], mapping: dict[str, str]) -> Columns:
    """The records' fields as columns.  A feature that is not a plain Point Feature with
    numeric coordinates and a properties object is suspect (its record is built one by one)."""
    keys: set[str] = set()
    for feature in features:
        if type(feature) is dict and type(feature.get("properties")) is dict:
            keys.update(feature["properties"])
    wanted = [
        (name, mapping.get(name, name))
        for name in FIELDS
        if name not in ("lat", "lon") and mapping.get(name, name) in keys
    ]
    raw: dict[str, list[Any]] = {name: [] for name, _ in wanted}
    lats: list[float | None] = []
    lons: list[float | None] = []
    suspect: list[bool] = []
    for feature in features:
        props = geometry = coords = None
        if type(feature) is dict and feature.get("type", "Feature") == "Feature":
            props, geometry = feature.get("properties"), feature.get("geometry")
            if type(geometry) is dict and geometry.get("type") == "Point":
                coords = geometry.get("coordinates")
        if (
            type(props) is dict
            and type(coords) is list
            and len(coords) >= 2
            and type(coords[0]) in _COORDINATE_TYPES
            and type(coords[1]) in _COORDINATE_TYPES
        ):
            suspect.append(False)
            lons.append(float(coords[0]))
            lats.append(float(coords[1]))
        else:
            suspect.append(True)
            lons.append(None)
            lats.append(None)
            props = {}
        for name, key in wanted:
            raw[name].append(props.get(key))
    values: dict[str, list[Any]] = {}
    plain: set[str] = set()
    for name, column in raw.items():
        values[name], is_plain = _clean_column(column)
        if is_plain:
            plain.add(name)
    values["lat"], values["lon"] = lats, lons
    if "source_ref" not in mapping:
        refs = values.setdefault("source_ref", [None] * len(features))
        for i, ref in enumerate(refs):
            if ref is None and not suspect[i]:
                refs[i] = _fallback_ref(features[i], features[i]["properties"])
    return Columns(values, suspect, frozenset(plain))


def _clean_column(column: list[Any]) -> tuple[list[Any], bool]:
    """:func:`clean_text` of every value, tested on the whole column first, and whether the
    result is plain (see ``Columns.plain``)."""
    strings = strings_of(column)
    if strings is not None:
        text = join(strings)
        if is_clean(strings, joined=text):
            return none_for_empty(column), single_spaced_only(strings, text)
    return [clean_text(value) for value in column], False


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _point(geometry: Any) -> tuple[tuple[float, float] | None, str | None]:
    """((lon, lat), None) for a usable geometry, else (None, why not)."""
    if geometry is None:
        return None, "the feature has no geometry (null); expected a Point or an area"
    if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
        return None, "the geometry is not a GeoJSON geometry object; expected a Point or an area"
    kind = geometry["type"]
    coords = geometry.get("coordinates")
    if kind == "Point":
        if isinstance(coords, list) and len(coords) >= 2:
            lon, lat = _number(coords[0]), _number(coords[1])
            if lon is not None and lat is not None:
                return (lon, lat), None
        return None, f"the Point has no usable coordinates ({json.dumps(coords)}); expected [longitude, latitude]"
    if kind == "MultiPoint" and isinstance(coords, list) and len(coords) == 1:
        return _point({"type": "Point", "coordinates": coords[0]})
    if kind in _AREAS:
        try:
            inside = shape(geometry).representative_point()
        except Exception as exc:  # shapely raises several types for malformed rings
            return None, f"the {kind} cannot be read ({exc}); expected rings of [longitude, latitude]"
        if inside.is_empty or not (math.isfinite(inside.x) and math.isfinite(inside.y)):
            return None, f"the {kind} is empty; expected a Point or an area"
        return (inside.x, inside.y), None
    if kind == "MultiPoint":
        count = len(coords) if isinstance(coords, list) else 0
        return None, f"a MultiPoint with {count} points is not one place; expected a Point or an area"
    if kind in _GEOMETRY_TYPES:
        return None, f"a {kind} is not a place; expected a Point or an area"
    return None, f"geometry type {kind!r} is not GeoJSON; expected a Point or an area"
