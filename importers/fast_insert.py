"""Bulk inserts of new places and their offers, on the caller's connection and in its transaction.

``importers.load.load`` decides which rows are new; this module only writes them, as fast as
each engine allows, through the DBAPI connection under the caller's SQLAlchemy session (so a
rollback, or a killed process, undoes everything, as with any other statement of the session).

PostGIS
    The ids come from the ``places`` sequence in one query (``nextval`` over
    ``generate_series``), then ``COPY places (id, ..., geom) FROM STDIN`` with the geometry as
    hex EWKB (exact doubles, SRID 4326) and ``COPY offers ... FROM STDIN`` with those ids.  The
    GiST, unique and foreign-key checks run as for an INSERT.

SpatiaLite
    The ids are ``max(id) + 1 ...`` (the session already holds SQLite's write lock: no other
    writer can take them).  A plain prepared ``INSERT ... MakePoint(?, ?, 4326)`` runs three
    SpatiaLite triggers per row (a geometry-type check, an ``UPDATE`` of
    ``geometry_columns_time`` and the R*Tree insert), which cost more than the insert itself;
    for ``BULK_MIN`` rows or more those three triggers are dropped *inside the transaction*,
    the rows inserted, the R*Tree rows added with one ``INSERT ... SELECT`` and the triggers
    recreated from their own SQL, still in the same transaction.  SQLite DDL is transactional:
    a rollback or a kill brings the triggers back with everything else, and other connections
    never see them missing.  The points are built by ``MakePoint(lon, lat, 4326)``, so the
    geometry-type check the trigger would have made holds by construction.
"""

from __future__ import annotations

import datetime as dt
import struct
from decimal import Decimal
from typing import Sequence

from sqlalchemy.orm import Session

from locator.models import Offer, Place

from .rows import PlaceRow

PLACES = Place.__table__
OFFERS = Offer.__table__
BULK_MIN = 256  # SpatiaLite: from this many new rows on, the trigger-free bulk path
_SQLITE_CHUNK = 10_000

# The per-row SpatiaLite triggers on INSERT into places (see the module docstring).
_INSERT_TRIGGERS = ("ggi_places_geom", "tmi_places_geom", "gii_places_geom")

_PLACE_COLUMNS = ("id", "kind", "name", "brand", "address", "municipality", "opening_hours",
                  "source_id", "source_ref", "updated_at")
_OFFER_COLUMNS = ("place_id", "service", "fee_eur", "condition", "note")
_EWKB_POINT_4326 = bytes.fromhex("0101000020E6100000")  # little endian, Point with SRID, 4326
_pack_xy = struct.Struct("<dd").pack


def insert_new(session: Session, rows: Sequence[PlaceRow], source_id: int, now: dt.datetime) -> list[int]:
    """Insert ``rows`` as new places of ``source_id`` with their offers; their ids, in order."""
    if not rows:
        return []
    connection = session.connection()  # begins the session's transaction if it has not yet
    dbapi = connection.connection.driver_connection
    name = connection.dialect.name
    if name == "postgresql":
        return _postgres(dbapi, rows, source_id, now)
    if name == "sqlite":
        return _spatialite(connection, dbapi, rows, source_id, now)
    raise NotImplementedError(f"no bulk insert for the {name} dialect")


# --- PostGIS ------------------------------------------------------------------------


def ewkb_hex(lon: float, lat: float) -> str:
    """A point as PostGIS accepts it in COPY text: hex EWKB with SRID 4326."""
    return (_EWKB_POINT_4326 + _pack_xy(lon, lat)).hex()


def _postgres(dbapi, rows: Sequence[PlaceRow], source_id: int, now: dt.datetime) -> list[int]:
    n = len(rows)
    with dbapi.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence('places', 'id')) FROM generate_series(1, %s) ORDER BY 1",
            (n,),
        )
        ids = [r[0] for r in cur.fetchall()]
        with cur.copy(f"COPY places ({', '.join(_PLACE_COLUMNS)}, geom) FROM STDIN") as copy:
            write = copy.write_row
            for pid, r in zip(ids, rows):
                write((pid, r.kind, r.name, r.brand, r.address, r.municipality, r.opening_hours,
                       source_id, r.source_ref, now, ewkb_hex(r.lon, r.lat)))
        if any(r.offers for r in rows):
            with cur.copy(f"COPY offers ({', '.join(_OFFER_COLUMNS)}) FROM STDIN") as copy:
                write = copy.write_row
                for pid, r in zip(ids, rows):
                    for o in r.offers:
                        write((pid, o.service, o.fee_eur, o.condition, o.note))
    return ids


# --- SpatiaLite -----------------------------------------------------------------------


def _bind_processor(type_, dialect):
    return type_.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)


def _spatialite(connection, dbapi, rows: Sequence[PlaceRow], source_id: int, now: dt.datetime) -> list[int]:
    dialect = connection.dialect
    # The values SQLAlchemy itself would bind, so rows written here equal rows written by Core.
    when = _bind_processor(PLACES.c.updated_at.type, dialect)(now)
    fee_processor = _bind_processor(OFFERS.c.fee_eur.type, dialect)
    fees: dict[Decimal, object] = {}

    def fee(value: Decimal):
        try:
            return fees[value]
        except KeyError:
            fees[value] = out = fee_processor(value)
            return out

    cur = dbapi.cursor()
    try:
        if not dbapi.in_transaction:  # pysqlite begins on the first write; the DDL below must be inside
            cur.execute("BEGIN")
        first = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM places").fetchone()[0]
        ids = list(range(first, first + len(rows)))
        bulk = len(rows) >= BULK_MIN
        triggers = []
        if bulk:
            triggers = cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'places' "
                f"AND name IN ({', '.join('?' * len(_INSERT_TRIGGERS))})",
                _INSERT_TRIGGERS,
            ).fetchall()
            bulk = len(triggers) == len(_INSERT_TRIGGERS)  # an unknown SpatiaLite layout: keep them
        if bulk:
            for name, _ in triggers:
                cur.execute(f'DROP TRIGGER "{name}"')
        insert = (f"INSERT INTO places ({', '.join(_PLACE_COLUMNS)}, geom) "
                  f"VALUES ({', '.join('?' * len(_PLACE_COLUMNS))}, MakePoint(?, ?, 4326))")
        for start in range(0, len(rows), _SQLITE_CHUNK):
            cur.executemany(insert, [
                (pid, r.kind, r.name, r.brand, r.address, r.municipality, r.opening_hours,
                 source_id, r.source_ref, when, r.lon, r.lat)
                for pid, r in zip(ids[start:start + _SQLITE_CHUNK], rows[start:start + _SQLITE_CHUNK])
            ])
        if bulk:
            # SQLite's R*Tree rounds float32 bounds outwards itself, so every box contains its point.
            cur.execute(
                'INSERT INTO "idx_places_geom" (pkid, xmin, xmax, ymin, ymax) '
                "SELECT id, MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) "
                "FROM places WHERE id BETWEEN ? AND ?",
                (ids[0], ids[-1]),
            )
            cur.execute(
                "UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                "WHERE Lower(f_table_name) = Lower('places') AND Lower(f_geometry_column) = Lower('geom')"
            )
            for _, sql in triggers:
                cur.execute(sql)
        offers = [(pid, o.service, fee(o.fee_eur), o.condition, o.note)
                  for pid, r in zip(ids, rows) for o in r.offers]
        for start in range(0, len(offers), _SQLITE_CHUNK):
            cur.executemany(
                f"INSERT INTO offers ({', '.join(_OFFER_COLUMNS)}) VALUES ({', '.join('?' * len(_OFFER_COLUMNS))})",
                offers[start:start + _SQLITE_CHUNK],
            )
    finally:
        cur.close()
    return ids
