"""Bulk inserts of new places and their offers, on the caller's connection and in its transaction.

``importers.load.load`` decides which rows are new; this module only writes them, as fast as
each engine allows, through the DBAPI connection under the caller's SQLAlchemy session (so a
rollback, or a killed process, undoes everything, as with any other statement of the session).
The rows written are exactly those a Core ``INSERT`` of the same values would write: same ids
(consecutive, in the order of ``rows``), same geometry bytes, same offers in the same order.
What is left of an import's time here is the server's: 100k places cost about 1 s of COPY on
PostGIS and 0.4 s of SQLite inserts, whatever the Python around them does (``bench/import_floor.py``).

PostGIS
    Ids: ``LOCK TABLE places IN SHARE ROW EXCLUSIVE MODE``, one ``nextval`` and one ``setval``
    to the end of the block.  The lock blocks other *writers* of ``places`` until the caller's
    transaction ends (readers, the web API, never wait) and is what makes the block safe: an
    ``INSERT`` into ``places`` takes ROW EXCLUSIVE before its ``nextval``, so no other session
    can draw an id inside the block, and concurrent imports serialize.  ``nextval`` over
    ``generate_series`` (100k calls) took 0.27 s; this takes 1 ms.  Like ``nextval``,
    ``setval`` is not undone by a rollback: a rolled-back import leaves a gap in the ids, as before.
    Then ``COPY places (id, ..., geom) FROM STDIN`` with the geometry as hex EWKB (exact
    doubles, SRID 4326) and ``COPY offers ... FROM STDIN`` with those ids.  Every index, check
    and foreign key works as for an INSERT.  The rows go through psycopg's ``write_row``:
    building them costs less than the server takes to index them, and they are built while it
    does (the server reads the stream as it comes), so a column-wise text, COPY BINARY or a
    spatially sorted order measured no faster or slower (see ``bench/README.md``).

SpatiaLite
    The ids are ``max(id) + 1 ...``: the session holds SQLite's write lock, so no other writer
    can take them; SQLite gives an ``INTEGER PRIMARY KEY`` exactly ``max + 1`` when none is
    supplied, so the rows are inserted without one and the last id is checked afterwards.
    A plain prepared ``INSERT ... MakePoint(?, ?, 4326)`` runs three SpatiaLite triggers per row
    (a geometry-type check, an ``UPDATE`` of ``geometry_columns_time`` and the R*Tree insert),
    which cost more than the insert itself; for ``BULK_MIN`` rows or more those three triggers
    are dropped *inside the transaction*, the rows inserted, the R*Tree rows added with one
    ``INSERT ... SELECT`` and the triggers recreated from their own SQL, still in the same
    transaction.  SQLite DDL is transactional: a rollback or a kill brings the triggers back
    with everything else, and other connections never see them missing.  The points are built
    by ``MakePoint(lon, lat, 4326)``, so the geometry-type check the trigger would have made
    holds by construction (a blob built in Python is byte-identical but measured slower to bind).
    The rows are bound straight from the row objects (``operator.attrgetter``), with the source
    and time as literals of the statement.  The bulk path also raises the connection's page
    cache to ``BULK_CACHE_KIB`` for its own duration (SQLite's default 2 MB spills dirty pages of
    the indexes and the R*Tree to the WAL over and over: the R*Tree fill went from 0.49 to 0.37 s).
    Offers go in one ``INSERT ... SELECT ... FROM json_each(?)`` (half the time of an
    ``executemany``), with each fee as whole cents divided by 100.0 in SQL: an IEEE division that
    gives the very double SQLAlchemy binds (``float(fee)``), which is checked for every distinct
    fee.  Fees that are not whole cents, or text with NUL characters, take the ``executemany``.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
import time
from collections.abc import Sequence
from decimal import Decimal
from operator import attrgetter

from sqlalchemy import text
from sqlalchemy.orm import Session

from locator.models import Offer, Place

from .rows import PlaceRow

PLACES = Place.__table__
OFFERS = Offer.__table__
BULK_MIN = 256  # SpatiaLite: from this many new rows on, the trigger-free bulk path
BULK_CACHE_KIB = 64 * 1024  # SpatiaLite: page cache of the bulk path (restored afterwards)
_SQLITE_CHUNK = 10_000

# The per-row SpatiaLite triggers on INSERT into places (see the module docstring).
_INSERT_TRIGGERS = ("ggi_places_geom", "tmi_places_geom", "gii_places_geom")

_PLACE_COLUMNS = (
    "id",
    "kind",
    "name",
    "brand",
    "address",
    "municipality",
    "opening_hours",
    "source_id",
    "source_ref",
    "updated_at",
)
_OFFER_COLUMNS = ("place_id", "service", "fee_eur", "condition", "note")
_EWKB_POINT_4326 = bytes.fromhex("0101000020E6100000")  # little endian, Point with SRID, 4326
_pack_xy = struct.Struct("<dd").pack

# What planners need after a bulk load: the columns the queries filter and join on.
ANALYZE_COLUMNS = {
    "places": ("id", "kind", "geom", "source_id"),
    "offers": ("place_id", "service", "fee_eur", "condition"),
}


class _Stages:
    """Seconds per stage into ``out`` (for bench/import_floor.py); free when ``out`` is None."""

    def __init__(self, out: dict[str, float] | None):
        self.out = out
        self.last = time.perf_counter() if out is not None else 0.0

    def __call__(self, name: str) -> None:
        if self.out is not None:
            now = time.perf_counter()
            self.out[name] = self.out.get(name, 0.0) + now - self.last
            self.last = now


def insert_new(
    session: Session,
    rows: Sequence[PlaceRow],
    source_id: int,
    now: dt.datetime,
    *,
    stages: dict[str, float] | None = None,
) -> list[int]:
    """Insert ``rows`` as new places of ``source_id`` with their offers; their ids, in order.

    ``stages``, if given, receives the seconds spent per stage (ids, places, spatial_index,
    offers), for the benchmarks.
    """
    if not rows:
        return []
    connection = session.connection()  # begins the session's transaction if it has not yet
    dbapi = connection.connection.driver_connection
    name = connection.dialect.name
    if name == "postgresql":
        return _postgres(dbapi, rows, source_id, now, _Stages(stages))
    if name == "sqlite":
        return _spatialite(connection, dbapi, rows, source_id, now, _Stages(stages))
    raise NotImplementedError(f"no bulk insert for the {name} dialect")


def analyze(session: Session) -> None:
    """Fresh planner statistics for ``places`` and ``offers`` after a bulk change.

    Without them the planner may walk the primary key instead of the spatial index until
    autovacuum comes round (seen on PostGIS after a bulk load).  On PostGIS only the columns
    queries filter and join on (``ANALYZE_COLUMNS``: the box, kinds, joins and offers filters
    of ``locator.query``, the source lookups of the importers) are analysed: 0.14 s instead of
    0.21 s after 100k new places and offers (most of a full ANALYZE goes to sorting the long
    text columns), with the same plans (GiST for the nearest query).  The other columns get
    their statistics from autovacuum: the rows written in this transaction count as changes
    made after this ANALYZE once it commits, so autovacuum analyses both tables again soon.
    SQLite analyses indexes, not columns: the plain ANALYZE of both tables (0.03 s).
    """
    if session.connection().dialect.name == "postgresql":
        session.execute(
            text(
                "ANALYZE " + ", ".join(f"{table} ({', '.join(columns)})" for table, columns in ANALYZE_COLUMNS.items())
            )
        )
    else:
        for table in ANALYZE_COLUMNS:
            session.execute(text(f"ANALYZE {table}"))


# --- PostGIS ------------------------------------------------------------------------


def ewkb_hex(lon: float, lat: float) -> str:
    """A point as PostGIS accepts it in COPY text: hex EWKB with SRID 4326."""
    return (_EWKB_POINT_4326 + _pack_xy(lon, lat)).hex()


PLACES_COPY = f"COPY places ({', '.join(_PLACE_COLUMNS)}, geom) FROM STDIN"
OFFERS_COPY = f"COPY offers ({', '.join(_OFFER_COLUMNS)}) FROM STDIN"


def _postgres(dbapi, rows: Sequence[PlaceRow], source_id: int, now: dt.datetime, stage: _Stages) -> list[int]:
    n = len(rows)
    with dbapi.cursor() as cur:
        first = reserve_ids(cur, n)
        ids = list(range(first, first + n))
        stage("ids")
        with cur.copy(PLACES_COPY) as copy:
            write_places(copy.write_row, ids, rows, source_id, now)
        stage("places")  # the GiST index is filled by the COPY itself
        if any(r.offers for r in rows):
            with cur.copy(OFFERS_COPY) as copy:
                write_offers(copy.write_row, ids, rows)
        stage("offers")
    return ids


def reserve_ids(cur, n: int) -> int:
    """The first of ``n`` consecutive ids of ``places`` kept for the caller's transaction.

    Safe because of the lock (see the module docstring): no other writer can insert into
    places, and so draw an id, until the transaction ends."""
    cur.execute("LOCK TABLE places IN SHARE ROW EXCLUSIVE MODE")
    cur.execute("SELECT nextval(pg_get_serial_sequence('places', 'id'))")
    first = cur.fetchone()[0]
    if n > 1:
        cur.execute("SELECT setval(pg_get_serial_sequence('places', 'id'), %s)", (first + n - 1,))
    return first


def give_back_ids(cur, next_free: int) -> None:
    """Let the sequence hand out ``next_free`` next (ids reserved but not used), under the lock."""
    cur.execute("SELECT setval(pg_get_serial_sequence('places', 'id'), %s, false)", (next_free,))


def write_places(write, ids, rows: Sequence[PlaceRow], source_id: int, now: dt.datetime) -> None:
    for pid, r in zip(ids, rows):
        write(
            (
                pid,
                r.kind,
                r.name,
                r.brand,
                r.address,
                r.municipality,
                r.opening_hours,
                source_id,
                r.source_ref,
                now,
                ewkb_hex(r.lon, r.lat),
            )
        )


def write_offers(write, ids, rows: Sequence[PlaceRow]) -> None:
    for pid, r in zip(ids, rows):
        for o in r.offers:
            write((pid, o.service, o.fee_eur, o.condition, o.note))


# --- SpatiaLite -----------------------------------------------------------------------


def _bind_processor(type_, dialect):
    return type_.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)


# The text of a place as written, in this order, by both SpatiaLite paths.
PLACE_TEXT = ("kind", "name", "brand", "address", "municipality", "opening_hours", "source_ref")
_place_values = attrgetter(*PLACE_TEXT, "lon", "lat")


def _sql_literal(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {value!r}")


def _spatialite(
    connection, dbapi, rows: Sequence[PlaceRow], source_id: int, now: dt.datetime, stage: _Stages
) -> list[int]:
    dialect = connection.dialect
    # The values SQLAlchemy itself would bind, so rows written here equal rows written by Core.
    when = _bind_processor(PLACES.c.updated_at.type, dialect)(now)
    fee_processor = _bind_processor(OFFERS.c.fee_eur.type, dialect)
    n = len(rows)
    cur = dbapi.cursor()
    restore_cache = None
    try:
        if not dbapi.in_transaction:  # pysqlite begins on the first write; the DDL below must be inside
            cur.execute("BEGIN")
        first = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM places").fetchone()[0]
        ids = list(range(first, first + n))
        triggers, restore_cache = set_aside_triggers(cur) if n >= BULK_MIN else (None, None)
        bulk = triggers is not None
        stage("ids")
        # No id: SQLite gives each row max(id) + 1, i.e. ids[i] (checked below).
        cur.executemany(
            "INSERT INTO places (kind, name, brand, address, municipality, opening_hours, source_ref, "
            f"geom, source_id, updated_at) VALUES ({', '.join('?' * 7)}, MakePoint(?, ?, 4326), "
            f"{_sql_literal(source_id)}, {_sql_literal(when)})",
            map(_place_values, rows),
        )
        last = cur.execute("SELECT last_insert_rowid()").fetchone()[0]
        if last != ids[-1]:
            raise RuntimeError(f"places got ids up to {last}, expected {ids[0]}..{ids[-1]}")
        stage("places")
        if bulk:
            # (From Python values, or in a spatially sorted order, it measured slower.)
            cur.execute(RTREE_FILL, (ids[0], ids[-1]))
            put_back_triggers(cur, triggers)
        stage("spatial_index")
        _spatialite_offers(cur, ids, rows, fee_processor)
        stage("offers")
    finally:
        try:
            restore_cache_size(cur, restore_cache)
        finally:
            cur.close()
    return ids


# The R*Tree rows of the places with ids in a range.  SQLite's R*Tree rounds float32 bounds
# outwards itself, so every box contains its point.
RTREE_FILL = (
    'INSERT INTO "idx_places_geom" (pkid, xmin, xmax, ymin, ymax) '
    "SELECT id, MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) "
    "FROM places WHERE id BETWEEN ? AND ?"
)


def set_aside_triggers(cur) -> tuple[list[tuple[str, str]] | None, int | None]:
    """Drop the per-row INSERT triggers of ``places`` (inside the caller's transaction) and raise
    the page cache to ``BULK_CACHE_KIB``: (the triggers' names and SQL, the cache size to restore
    or None).  (None, None), and nothing done, when the SpatiaLite layout is not the known one."""
    triggers = cur.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'places' "
        f"AND name IN ({', '.join('?' * len(_INSERT_TRIGGERS))})",
        _INSERT_TRIGGERS,
    ).fetchall()
    if len(triggers) != len(_INSERT_TRIGGERS):  # an unknown SpatiaLite layout: keep them
        return None, None
    restore = None
    cache_size = cur.execute("PRAGMA cache_size").fetchone()[0]  # < 0: KiB, > 0: pages
    page_kib = cur.execute("PRAGMA page_size").fetchone()[0] / 1024
    if (-cache_size if cache_size < 0 else cache_size * page_kib) < BULK_CACHE_KIB:
        cur.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
        restore = cache_size
    for name, _ in triggers:
        cur.execute(f'DROP TRIGGER "{name}"')
    return triggers, restore


def put_back_triggers(cur, triggers: list[tuple[str, str]]) -> None:
    """What the dropped triggers would have done once more (the layer's last-insert time), and
    the triggers themselves, from their own SQL."""
    cur.execute(
        "UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
        "WHERE Lower(f_table_name) = Lower('places') AND Lower(f_geometry_column) = Lower('geom')"
    )
    for _, sql in triggers:
        cur.execute(sql)


def restore_cache_size(cur, size: int | None) -> None:
    if size is not None:
        cur.execute(f"PRAGMA cache_size = {int(size)}")


_OFFERS_INSERT = f"INSERT INTO offers ({', '.join(_OFFER_COLUMNS)}) "
OFFERS_FROM_JSON = (
    _OFFERS_INSERT + "SELECT value ->> 0, value ->> 1, (value ->> 2) / 100.0, value ->> 3, "
    "value ->> 4 FROM json_each(?) ORDER BY key"
)
OFFERS_VALUES = _OFFERS_INSERT + f"VALUES ({', '.join('?' * len(_OFFER_COLUMNS))})"


def _spatialite_offers(cur, ids: list[int], rows: Sequence[PlaceRow], fee_processor) -> None:
    text = offers_json(ids, rows, fee_processor)
    if text is None:
        offers = offer_values(ids, rows, fee_processor)
        for start in range(0, len(offers), _SQLITE_CHUNK):
            cur.executemany(OFFERS_VALUES, offers[start : start + _SQLITE_CHUNK])
    elif text:
        cur.execute(OFFERS_FROM_JSON, (text,))


def offers_json(ids: list[int], rows: Sequence[PlaceRow], fee_processor) -> str | None:
    """The offers of ``rows`` (places ``ids``) as the JSON of ``OFFERS_FROM_JSON``; "" when there
    are none; None when one of them cannot go that way byte-identically (use ``offer_values``)."""
    fragments: dict[int, str] = {}  # id(OfferRow) -> its JSON after the place id; rows share them

    def fragment(o) -> str | None:
        c = _whole_cents(o.fee_eur, fee_processor)
        if c is None:
            return None
        f = json.dumps((o.service, c, o.condition, o.note), ensure_ascii=False)
        return None if "\\u0000" in f else f[1:]

    parts = []
    for pid, r in zip(ids, rows):
        for o in r.offers:
            f = fragments.get(id(o))
            if f is None:
                f = fragments[id(o)] = fragment(o)
                if f is None:
                    return None
            parts.append(f"[{pid},{f}")
    return "[" + ",".join(parts) + "]" if parts else ""


def offer_values(ids: list[int], rows: Sequence[PlaceRow], fee_processor) -> list[tuple]:
    return [
        (pid, o.service, fee_processor(o.fee_eur), o.condition, o.note) for pid, r in zip(ids, rows) for o in r.offers
    ]


def _whole_cents(fee: Decimal, fee_processor) -> int | None:
    """``fee`` in cents if ``cents / 100.0`` (SQLite's IEEE division) is exactly what
    SQLAlchemy would bind for it; else None."""
    bound = fee_processor(fee)
    if type(bound) is not float or not fee.is_finite():
        return None
    c = fee * 100
    if c != c.to_integral_value() or abs(c) >= 2**53:
        return None
    c = int(c)
    return c if c / 100.0 == bound and struct.pack("<d", c / 100.0) == struct.pack("<d", bound) else None
