"""The dialect seam: the only SQL that differs between SpatiaLite and PostGIS.

Two things differ: how to ask the spatial index for the points inside a
lon/lat box (SpatiaLite's R*Tree table ``idx_<table>_<column>`` vs PostGIS's
``&&`` on a GiST index), and the name of the geodesic distance on the WGS84
ellipsoid.  Everything else in ``locator.query`` is portable SQLAlchemy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    ColumnElement,
    Engine,
    Float,
    Integer,
    MetaData,
    Table,
    bindparam,
    func,
    literal_column,
    select,
)
from sqlalchemy.engine import Connection

# WGS84 ellipsoid
A = 6378137.0
F = 1 / 298.257223563
E2 = F * (2 - F)
WGS84_SPHEROID = 'SPHEROID["WGS 84",6378137,298.257223563]'


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


def bbox_around(*, lat: float, lon: float, radius_m: float) -> BBox:
    """A lon/lat box that provably contains every point within ``radius_m`` of (lat, lon).

    On the ellipsoid a path of length s changes latitude by at most s/M, with
    the meridional radius M >= a(1-e^2), and longitude by at most s/(N cos phi)
    with N >= a; every point of such a path lies within ``dlat`` of ``lat``, so
    cos phi >= cos(|lat| + dlat).  The box is therefore conservative
    everywhere (it covers the whole globe's longitudes near the poles).
    """
    dlat = math.degrees(radius_m / (A * (1 - E2))) * (1 + 1e-9) + 1e-9
    lat_far = abs(lat) + dlat
    if lat_far >= 90:
        dlon = 360.0
    else:
        dlon = math.degrees(radius_m / (A * math.cos(math.radians(lat_far)))) * (1 + 1e-9) + 1e-9
    if dlon >= 180:
        return BBox(-180.0, max(-90.0, lat - dlat), 180.0, min(90.0, lat + dlat))
    # Latvia is far from the antimeridian; a box crossing it is clamped (over-wide,
    # never too narrow, since the clamp only widens towards the whole range).
    min_lon, max_lon = lon - dlon, lon + dlon
    if min_lon < -180 or max_lon > 180:
        min_lon, max_lon = -180.0, 180.0
    return BBox(min_lon, max(-90.0, lat - dlat), max_lon, min(90.0, lat + dlat))


class Backend:
    name: str

    def in_box(self, table: Table, geom: Column) -> ColumnElement[bool]:
        """SQL: ``geom`` may lie inside the box bound as :min_lon, :min_lat, :max_lon, :max_lat.

        Answered by the spatial index; may include extra rows near the edges
        (index boxes are rounded outwards), never misses one.
        """
        raise NotImplementedError

    def distance_m(self, geom: Column, *, lat, lon) -> ColumnElement[float]:
        """SQL: geodesic distance in metres on the WGS84 ellipsoid from ``geom`` to the point (degrees)."""
        raise NotImplementedError

    def explain(self, conn: Connection, sql: str) -> list[str]:
        """The plan of ``sql`` as lines of text."""
        raise NotImplementedError


def _params(names):
    return [bindparam(n, type_=Float) for n in names]


class SpatiaLiteBackend(Backend):
    name = "spatialite"

    def in_box(self, table: Table, geom: Column) -> ColumnElement[bool]:
        idx = _rtree_table(table.name, geom.name)
        min_lon, min_lat, max_lon, max_lat = _params(("min_lon", "min_lat", "max_lon", "max_lat"))
        window = select(idx.c.pkid).where(
            idx.c.xmax >= min_lon, idx.c.xmin <= max_lon, idx.c.ymax >= min_lat, idx.c.ymin <= max_lat
        )
        return table.c.id.in_(window)

    def distance_m(self, geom: Column, *, lat, lon) -> ColumnElement[float]:
        return func.ST_Distance(geom, func.MakePoint(lon, lat, 4326), 1)

    def explain(self, conn: Connection, sql: str) -> list[str]:
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).fetchall()
        return [str(r[-1]) for r in rows]


class PostGISBackend(Backend):
    name = "postgis"

    def in_box(self, table: Table, geom: Column) -> ColumnElement[bool]:
        min_lon, min_lat, max_lon, max_lat = _params(("min_lon", "min_lat", "max_lon", "max_lat"))
        return geom.op("&&")(func.ST_MakeEnvelope(min_lon, min_lat, max_lon, max_lat, 4326))

    def distance_m(self, geom: Column, *, lat, lon) -> ColumnElement[float]:
        point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
        return func.ST_DistanceSpheroid(geom, point, literal_column(f"'{WGS84_SPHEROID}'::spheroid"))

    def explain(self, conn: Connection, sql: str) -> list[str]:
        rows = conn.exec_driver_sql("EXPLAIN " + sql).fetchall()
        return [r[0] for r in rows]


_rtree_meta = MetaData()


def _rtree_table(table: str, column: str) -> Table:
    """SpatiaLite's R*Tree virtual table for ``table.column`` (not part of our model)."""
    name = f"idx_{table}_{column}"
    if name not in _rtree_meta.tables:
        Table(
            name,
            _rtree_meta,
            Column("pkid", Integer),
            Column("xmin", Float),
            Column("xmax", Float),
            Column("ymin", Float),
            Column("ymax", Float),
        )
    return _rtree_meta.tables[name]


_BACKENDS = {"sqlite": SpatiaLiteBackend(), "postgresql": PostGISBackend()}


def backend_for(bind: Engine | Connection) -> Backend:
    try:
        return _BACKENDS[bind.dialect.name]
    except KeyError:
        raise ValueError(f"no spatial backend for dialect {bind.dialect.name!r}") from None
