"""Where a point is in Latvia: inside the country, and in which municipality.

Everything here works on WGS84 latitude and longitude (EPSG:4326) in degrees, always passed
by keyword (``in_latvia(lat=..., lon=...)``) so the two cannot be swapped silently. Buffers
around polygons are in metres, computed in LKS-92 / Latvia TM (EPSG:3059), the national metric
projection, because at 57°N a degree of longitude is only 0.545 of a degree of latitude and a
buffer in degrees would be lopsided. (Point-to-point distances are geodesic, elsewhere.)

The boundaries are the simplified geoBoundaries outline and 2021 municipalities shipped in the
repository's ``data/`` folder (CC BY 4.0, "Boundaries: geoBoundaries, CC BY 4.0"; see
``data/README.md``). They are loaded lazily and cached, so importing this module costs nothing.
This module knows nothing of Flask or the database.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from ..config import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "data"
OUTLINE_PATH = DATA_DIR / "latvia_outline.geojson"
MUNICIPALITIES_PATH = DATA_DIR / "municipalities.geojson"

METRIC_CRS = "EPSG:3059"
"""LKS-92 / Latvia TM: metres, valid over the whole country (pyproj ships it, works offline)."""

LATVIA_BBOX: tuple[float, float, float, float] = (20.9621, 55.6747, 28.2415, 58.0856)
"""(min_lon, min_lat, max_lon, max_lat) of the national outline, degrees WGS84.

A literal so that it costs no file read; ``tests/test_geography.py`` checks it against
``latvia_outline().bounds``. It is the unbuffered outline: points on the beach can lie
slightly outside it, so use ``in_latvia`` rather than this box to accept or reject points.
"""

DEFAULT_BUFFER_M = 1500.0
"""How far outside the simplified outline a point may be and still count as in Latvia, metres.

The outline was simplified with a 0.004° tolerance, which moves the coast and the border by
up to ~0.5 km; real coastal places therefore fall outside it. The largest real case in the
shipped data is postcode LV-3113 (Engure and Ezernieki, on the Gulf of Riga coast), whose
GeoNames point lies 1.42 km off the simplified coast: 1,500 m is the smallest round figure
that accepts it. The buffer applies everywhere, so it also reaches ~1.5 km into Lithuania,
Estonia, Russia and Belarus at the land border (e.g. Valga next to Valka): pass
``buffer_m=0`` where foreign points near the land border must be rejected.
"""

NEAREST_MUNICIPALITY_M = 2000.0
"""How far (metres) ``municipality_of`` looks for the nearest polygon when none contains the
point: covers the slivers between separately simplified polygons and points just off the
coast, but not foreign towns across the border."""

OFFICIAL_NAMES: dict[str, str] = {
    # The 7 state cities (valstspilsētas) that are municipalities of their own. The source
    # gives four of them in the genitive ("Jelgavas", "Rēzeknes", "Jūrmalas", "Liepājas").
    "riga": "Rīga",
    "daugavpils": "Daugavpils",
    "jelgavas": "Jelgava",
    "jurmalas": "Jūrmala",
    "liepajas": "Liepāja",
    "rezeknes": "Rēzekne",
    "ventspils": "Ventspils",
    # The 36 novadi: the source already uses the official form "<genitive> novads".
    "adazu-novads": "Ādažu novads",
    "aizkraukles-novads": "Aizkraukles novads",
    "aluksnes-novads": "Alūksnes novads",
    "augsdaugavas-novads": "Augšdaugavas novads",
    "balvu-novads": "Balvu novads",
    "bauskas-novads": "Bauskas novads",
    "cesu-novads": "Cēsu novads",
    "dienvidkurzemes-novads": "Dienvidkurzemes novads",
    "dobeles-novads": "Dobeles novads",
    "gulbenes-novads": "Gulbenes novads",
    "jekabpils-novads": "Jēkabpils novads",
    "jelgavas-novads": "Jelgavas novads",
    "kekavas-novads": "Ķekavas novads",
    "kraslavas-novads": "Krāslavas novads",
    "kuldigas-novads": "Kuldīgas novads",
    "limbazu-novads": "Limbažu novads",
    "livanu-novads": "Līvānu novads",
    "ludzas-novads": "Ludzas novads",
    "madonas-novads": "Madonas novads",
    "marupes-novads": "Mārupes novads",
    "ogres-novads": "Ogres novads",
    "olaines-novads": "Olaines novads",
    "preilu-novads": "Preiļu novads",
    "rezeknes-novads": "Rēzeknes novads",
    "ropazu-novads": "Ropažu novads",
    "salaspils-novads": "Salaspils novads",
    "saldus-novads": "Saldus novads",
    "saulkrastu-novads": "Saulkrastu novads",
    "siguldas-novads": "Siguldas novads",
    "smiltenes-novads": "Smiltenes novads",
    "talsu-novads": "Talsu novads",
    "tukuma-novads": "Tukuma novads",
    "valkas-novads": "Valkas novads",
    "valmieras-novads": "Valmieras novads",
    "varaklanu-novads": "Varakļānu novads",
    "ventspils-novads": "Ventspils novads",
}
"""Source polygon ``id`` (geoBoundaries ASCII slug) -> official Latvian name (nominative,
with diacritics) of each of the 43 municipalities after the 2021 reform."""

STATE_CITY_MUNICIPALITIES: frozenset[str] = frozenset(
    name for name in OFFICIAL_NAMES.values() if not name.endswith(" novads")
)
"""The 7 state cities that are municipalities of their own (Jēkabpils, Ogre and Valmiera are
state cities too since 2021 but lie inside their novads)."""


@lru_cache(maxsize=1)
def _to_metric() -> Transformer:
    return Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    """Return ``geom`` (lon/lat degrees, EPSG:4326) reprojected to EPSG:3059 metres."""
    return shapely.transform(geom, _to_metric().transform, interleaved=False)


def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Return ``geom`` (EPSG:3059 metres) reprojected to lon/lat degrees, EPSG:4326."""
    return shapely.transform(geom, _to_wgs84().transform, interleaved=False)


def project(*, lat: float, lon: float) -> tuple[float, float]:
    """(x, y) in EPSG:3059 metres of a WGS84 point (degrees)."""
    return _to_metric().transform(lon, lat)


def unproject(x: float, y: float) -> tuple[float, float]:
    """(lon, lat) in WGS84 degrees of an EPSG:3059 point."""
    return _to_wgs84().transform(x, y)


def _read_geojson_geometry(obj: dict[str, Any]) -> dict[str, Any]:
    """The geometry member of a Feature, a one-feature FeatureCollection or a bare geometry."""
    if obj.get("type") == "FeatureCollection":
        (obj,) = obj["features"]
    if obj.get("type") == "Feature":
        return obj["geometry"]
    return obj


def repair_polygon(geom: BaseGeometry) -> Polygon | MultiPolygon:
    """Repair ``geom`` with make_valid and keep only its polygonal parts.

    make_valid can return a GeometryCollection with stray lines or points where a ring
    touched itself; those carry no area and would only confuse point-in-polygon tests.
    """
    if geom.is_valid and isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = [p for p in shapely.get_parts(shapely.make_valid(geom)) if isinstance(p, (Polygon, MultiPolygon))]
    merged = shapely.union_all(parts)
    if not isinstance(merged, (Polygon, MultiPolygon)):
        raise ValueError(f"geometry has no area after make_valid: {merged.geom_type}")
    return merged


@lru_cache(maxsize=1)
def latvia_outline() -> Polygon:
    """The national outline of Latvia, lon/lat degrees (EPSG:4326), from data/latvia_outline.geojson.

    Simplified (tolerance 0.004°): the coast and border can be off by ~0.5 km, so test
    membership with ``in_latvia`` (which buffers) rather than with this polygon directly.
    """
    with OUTLINE_PATH.open(encoding="utf-8") as fh:
        geom = repair_polygon(shape(_read_geojson_geometry(json.load(fh))))
    if not isinstance(geom, Polygon):
        raise ValueError(f"{OUTLINE_PATH}: expected one Polygon, got {geom.geom_type}")
    return geom


@lru_cache(maxsize=16)
def buffered_outline(buffer_m: float = DEFAULT_BUFFER_M) -> Polygon | MultiPolygon:
    """The outline grown by ``buffer_m`` metres, lon/lat degrees, prepared for fast tests.

    The buffer is done in EPSG:3059 so it is the same number of metres east-west as
    north-south, then projected back. Cached per buffer value (16 values at most).
    """
    outline = latvia_outline()
    if buffer_m == 0:
        geom = outline
    else:
        geom = to_wgs84(to_metric(outline).buffer(buffer_m, quad_segs=8))
    shapely.prepare(geom)
    return geom


@lru_cache(maxsize=16)
def _buffered_bounds(buffer_m: float) -> tuple[float, float, float, float]:
    return buffered_outline(buffer_m).bounds


def in_latvia(*, lat: float, lon: float, buffer_m: float = DEFAULT_BUFFER_M) -> bool:
    """True if the point (WGS84 degrees) is inside Latvia's outline grown by ``buffer_m`` metres.

    The default 1,500 m absorbs the simplification of the outline (see ``DEFAULT_BUFFER_M``),
    so beach points and the LV-3113 GeoNames points 1.42 km off the coast count as inside; it
    also lets in points up to 1.5 km across the land border: use ``buffer_m=0`` to reject
    those. Points on the boundary count as inside. NaN or infinite coordinates give False.
    A bounding-box test and a prepared polygon keep a call cheap enough to run per row.
    """
    minx, miny, maxx, maxy = _buffered_bounds(buffer_m)
    if not (minx <= lon <= maxx and miny <= lat <= maxy):  # also rejects NaN
        return False
    return bool(shapely.intersects_xy(buffered_outline(buffer_m), lon, lat))


def in_latvia_many(*, lats, lons, buffer_m: float = DEFAULT_BUFFER_M) -> np.ndarray:
    """:func:`in_latvia` for arrays of points at once (a boolean array): one vectorised
    ``intersects_xy`` over the prepared outline, the same answer point by point."""
    lon, lat = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    minx, miny, maxx, maxy = _buffered_bounds(buffer_m)
    with np.errstate(invalid="ignore"):
        inside = (minx <= lon) & (lon <= maxx) & (miny <= lat) & (lat <= maxy)
    if inside.any():
        inside[inside] = shapely.intersects_xy(buffered_outline(buffer_m), lon[inside], lat[inside])
    return inside


class _MunicipalityIndex:
    """The 43 municipality polygons with an STRtree in degrees (containment) and one in
    EPSG:3059 metres (nearest-polygon fallback within ``NEAREST_MUNICIPALITY_M``)."""

    def __init__(self, items: list[tuple[str, Polygon | MultiPolygon]]) -> None:
        self.names = [name for name, _ in items]
        self.geoms = [geom for _, geom in items]
        self.tree = STRtree(self.geoms)
        self.metric_geoms = [to_metric(g) for g in self.geoms]
        self.metric_tree = STRtree(self.metric_geoms)
        minx, miny, maxx, maxy = LATVIA_BBOX
        self.bounds = (minx - 0.1, miny - 0.05, maxx + 0.1, maxy + 0.05)

    def lookup(self, *, lat: float, lon: float) -> str | None:
        minx, miny, maxx, maxy = self.bounds
        if not (minx <= lon <= maxx and miny <= lat <= maxy):  # also rejects NaN
            return None
        hits = self.tree.query(Point(lon, lat), predicate="intersects")
        if len(hits) == 1:
            return self.names[hits[0]]
        x, y = project(lat=lat, lon=lon)
        here = Point(x, y)
        if len(hits) > 1:
            # Tiny overlaps of separately simplified polygons: take the one the point is
            # deepest inside (farthest from its boundary); ties go to the first in file order.
            best = max(sorted(hits), key=lambda i: self.metric_geoms[i].boundary.distance(here))
            return self.names[best]
        nearest = self.metric_tree.query_nearest(here, max_distance=NEAREST_MUNICIPALITY_M)
        if len(nearest) == 0:
            return None
        return self.names[min(nearest)]


def _load_municipalities() -> list[tuple[str, Polygon | MultiPolygon]]:
    with MUNICIPALITIES_PATH.open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    items = []
    for feature in features:
        source_id = feature["properties"]["id"]
        try:
            name = OFFICIAL_NAMES[source_id]
        except KeyError:
            raise ValueError(
                f"{MUNICIPALITIES_PATH}: unknown municipality id {source_id!r}; "
                "add it to OFFICIAL_NAMES in locator/domain/geography.py"
            ) from None
        items.append((name, repair_polygon(shape(feature["geometry"]))))
    return items


@lru_cache(maxsize=1)
def municipalities() -> list[tuple[str, Polygon | MultiPolygon]]:
    """The 43 municipalities as (official name, polygon in lon/lat degrees), in file order.

    Geometries are repaired with make_valid (the source's Daugavpils ring touches itself, so
    Daugavpils comes back as a MultiPolygon of two parts). Do not mutate the returned list.
    """
    return _load_municipalities()


@lru_cache(maxsize=1)
def _municipality_index() -> _MunicipalityIndex:
    return _MunicipalityIndex(municipalities())


def municipalities_of(*, lats, lons) -> list[str | None]:
    """:func:`municipality_of` for many points: one bulk STRtree query; the points in no
    polygon or in two (the rare cases with a fallback) are looked up one by one."""
    lon, lat = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    index = _municipality_index()
    names: list[str | None] = [None] * len(lon)
    point_i, polygon_i = index.tree.query(shapely.points(lon, lat), predicate="intersects")
    hits = np.bincount(point_i, minlength=len(lon))
    for i, g in zip(point_i.tolist(), polygon_i.tolist()):
        if hits[i] == 1:
            names[i] = index.names[g]
    for i in np.flatnonzero(hits != 1).tolist():
        names[i] = municipality_of(lat=float(lat[i]), lon=float(lon[i]))
    return names


def municipality_of(*, lat: float, lon: float) -> str | None:
    """Official name of the municipality containing the point (WGS84 degrees).

    Returns e.g. "Rīga", "Jelgava" or "Ādažu novads". A point in no polygon (the slivers
    between separately simplified polygons, or just off the coast) gets the nearest polygon
    within 2 km (``NEAREST_MUNICIPALITY_M``, measured in EPSG:3059 metres); a point farther
    than that, or a NaN, gets None.
    """
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None
    return _municipality_index().lookup(lat=lat, lon=lon)
