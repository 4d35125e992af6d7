"""New places written to SpatiaLite by a second thread while the import validates the next rows.

Why a thread: SQLite releases the GIL for the whole of a statement, so a writer thread that
runs *one statement per chunk* works while the main thread validates the next chunk
(``executemany`` would need the GIL for every row and wait for the validating thread at each).
Each chunk goes in as:

- ``INSERT INTO places ... SELECT ... FROM json_each(?)``: the text columns as JSON, the point
  as ``GeomFromWKB`` of its 21 bytes cut from one blob of WKB (the doubles travel as bits, never
  as decimal text; the geometry comes out byte-identical to ``MakePoint``), the ids explicit;
- the R*Tree rows of that id range (``RTREE_FILL``);
- the offers in one ``INSERT ... SELECT ... FROM json_each(?)``, each fee as whole cents divided
  by 100.0 in SQL: the IEEE division gives the very double SQLAlchemy binds (``float(fee)``) for
  every fee of the column's range (``Numeric(8, 2)``; -0.00 and 0.00 are both stored as 0).

The main thread encodes a chunk (JSON and WKB, in C) and queues it; the writer thread runs it
on the session's own connection, inside the session's transaction.  The main thread does not
touch the connection until :meth:`finish` (or :meth:`close`) has joined the writer.

Triggers: a plain ``INSERT`` runs three SpatiaLite triggers per row (a geometry-type check, an
``UPDATE`` of ``geometry_columns_time`` and the R*Tree insert), which cost more than the insert
itself.  They are dropped *inside the transaction* for the whole import and recreated from their
own SQL by :meth:`finish`, the R*Tree filled per chunk.  SQLite DDL is transactional: a rollback
or a kill brings the triggers back with everything else, and other connections never see them
missing.  The points are built from WKB points, so the geometry-type check holds by
construction.  On a SpatiaLite layout without those three triggers nothing is set aside and the
database's own triggers do their work row by row.  The page cache is raised to
``BULK_CACHE_KIB`` for the import (SQLite's default 2 MB spills dirty pages of the indexes and
the R*Tree to the WAL over and over).
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
from collections.abc import Sequence
from operator import attrgetter

import numpy as np
from sqlalchemy.orm import Session

from locator.models import Place

from ..rows import PlaceRow
from . import Stages

BULK_CACHE_KIB = 64 * 1024  # page cache while an import writes (restored afterwards)
_INSERT_TRIGGERS = ("ggi_places_geom", "tmi_places_geom", "gii_places_geom")  # see the docstring
_PLACE_TEXT = ("kind", "name", "brand", "address", "municipality", "opening_hours", "source_ref")
_TEXT = attrgetter(*_PLACE_TEXT)
_WKB_POINT = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])  # 21 bytes

_PLACES_FROM_JSON = (
    f"INSERT INTO places (id, {', '.join(_PLACE_TEXT)}, geom, source_id, updated_at) "
    "SELECT ?3 + key, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, "
    "value ->> 6, GeomFromWKB(substr(?2, key * 21 + 1, 21), 4326), ?4, ?5 "
    "FROM json_each(?1) ORDER BY key"
)
# The R*Tree rows of the places with ids in a range.  SQLite's R*Tree rounds float32 bounds
# outwards itself, so every box contains its point.
RTREE_FILL = (
    'INSERT INTO "idx_places_geom" (pkid, xmin, xmax, ymin, ymax) '
    "SELECT id, MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) "
    "FROM places WHERE id BETWEEN ? AND ?"
)
OFFERS_FROM_JSON = (
    "INSERT INTO offers (place_id, service, fee_eur, condition, note) "
    "SELECT value ->> 0, value ->> 1, (value ->> 2) / 100.0, value ->> 3, value ->> 4 "
    "FROM json_each(?) ORDER BY key"
)


def wkb_points(rows: Sequence[PlaceRow]) -> bytes:
    """The points of ``rows`` as consecutive 21-byte little-endian WKB points."""
    points = np.empty(len(rows), dtype=_WKB_POINT)
    points["order"], points["type"] = 1, 1
    points["x"] = np.fromiter(map(attrgetter("lon"), rows), float, len(rows))
    points["y"] = np.fromiter(map(attrgetter("lat"), rows), float, len(rows))
    return points.tobytes()


def offers_json(ids: Sequence[int], rows: Sequence[PlaceRow]) -> str:
    """The offers of ``rows`` (places ``ids``) as the JSON of ``OFFERS_FROM_JSON``; "" when none."""
    fragments: dict[int, str] = {}  # id(OfferRow) -> its JSON after the place id; rows share them
    parts = []
    for pid, r in zip(ids, rows):
        for o in r.offers:
            f = fragments.get(id(o))
            if f is None:
                cents = None if o.fee_eur is None else o.fee_eur * 100  # at most two places (rows.OfferRow)
                if cents is not None and cents != cents.to_integral_value():
                    raise ValueError(f"fee {o.fee_eur} is not a number of cents")
                whole = None if cents is None else int(cents)  # JSON null: an unknown fee, NULL / 100.0 is NULL
                f = json.dumps((o.service, whole, o.condition, o.note), ensure_ascii=False)[1:]
                fragments[id(o)] = f
            parts.append(f"[{pid},{f}")
    return "[" + ",".join(parts) + "]" if parts else ""


class SpatiaLiteWriter:
    """Writes chunks of new places of one source, in a thread, within the session's transaction."""

    def __init__(self, session: Session, source_id: int, now: dt.datetime, stage: Stages):
        connection = session.connection()  # begins the session's transaction if it has not yet
        dialect = connection.dialect
        self._dbapi = connection.connection.driver_connection
        self._source_id, self._stage = source_id, stage
        # The value SQLAlchemy itself would bind, so rows written here equal rows written by Core.
        bind = Place.__table__.c.updated_at.type.dialect_impl(dialect).bind_processor(dialect)
        self._when = bind(now) if bind is not None else now
        cur = self._dbapi.cursor()
        try:
            if not self._dbapi.in_transaction:  # the DDL below must be inside the transaction
                cur.execute("BEGIN")
            self._first = self._next = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM places").fetchone()[0]
            self._triggers, self._cache = _set_aside_triggers(cur)
        finally:
            cur.close()
        stage("ids")
        self._jobs: queue.Queue = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = threading.Thread(
            target=self._work, name="locator-import-writer", daemon=True
        )
        self._thread.start()

    def add(self, rows: Sequence[PlaceRow]) -> list[int]:
        """Queue ``rows`` (new places) for writing; their ids."""
        self._raise()
        if not rows:
            return []
        ids = list(range(self._next, self._next + len(rows)))
        places = json.dumps(list(map(_TEXT, rows)), ensure_ascii=False)
        if "\\u0000" in places:  # the validator lets none through; SQLite's JSON would cut the text
            raise ValueError("a place's text contains a NUL character, which cannot be stored")
        offers = offers_json(ids, rows)
        self._next += len(rows)
        self._jobs.put((ids[0], ids[-1], places, wkb_points(rows), offers))
        return ids

    def finish(self) -> list[int]:
        """Wait for the writer, put the triggers back; every id written, in order."""
        self._stop()
        self._raise()
        cur = self._dbapi.cursor()
        try:
            if self._triggers:
                _put_back_triggers(cur, self._triggers)
            if self._cache is not None:
                cur.execute(f"PRAGMA cache_size = {int(self._cache)}")
        finally:
            cur.close()
        self._stage("spatial_index")
        return list(range(self._first, self._next))

    def close(self) -> None:
        """Stop the writer without finishing (on an error: the caller rolls back)."""
        self._stop()

    # -- the writer thread ----------------------------------------------------------------

    def _work(self) -> None:
        cur = self._dbapi.cursor()
        try:
            while True:
                job = self._jobs.get()
                try:
                    if job is None:
                        return
                    if self._error is None:
                        self._write(cur, *job)
                except BaseException as exc:  # handed to the main thread by _raise()
                    self._error = exc
                finally:
                    self._jobs.task_done()
        finally:
            cur.close()

    def _write(self, cur, first: int, last: int, places: str, points: bytes, offers: str) -> None:
        cur.execute(_PLACES_FROM_JSON, (places, points, first, self._source_id, self._when))
        self._stage("places")
        if self._triggers:  # else the database's own triggers filled the R*Tree
            cur.execute(RTREE_FILL, (first, last))
        self._stage("spatial_index")
        if offers:
            cur.execute(OFFERS_FROM_JSON, (offers,))
        self._stage("offers")

    def _stop(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error


def _set_aside_triggers(cur) -> tuple[list[tuple[str, str]], int | None]:
    """Drop the per-row INSERT triggers of ``places`` (inside the caller's transaction) and raise
    the page cache to ``BULK_CACHE_KIB``: (the triggers' names and SQL, the cache size to restore
    or None).  ([], None), and nothing done, when the SpatiaLite layout is not the known one."""
    triggers = cur.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'places' "
        f"AND name IN ({', '.join('?' * len(_INSERT_TRIGGERS))})",
        _INSERT_TRIGGERS,
    ).fetchall()
    if len(triggers) != len(_INSERT_TRIGGERS):  # an unknown SpatiaLite layout: keep them
        return [], None
    restore = None
    cache_size = cur.execute("PRAGMA cache_size").fetchone()[0]  # < 0: KiB, > 0: pages
    page_kib = cur.execute("PRAGMA page_size").fetchone()[0] / 1024
    if (-cache_size if cache_size < 0 else cache_size * page_kib) < BULK_CACHE_KIB:
        cur.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
        restore = cache_size
    for name, _ in triggers:
        cur.execute(f'DROP TRIGGER "{name}"')
    return triggers, restore


def _put_back_triggers(cur, triggers: list[tuple[str, str]]) -> None:
    """What the dropped triggers would have done once more (the layer's last-insert time), and
    the triggers themselves, from their own SQL."""
    cur.execute(
        "UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
        "WHERE Lower(f_table_name) = Lower('places') AND Lower(f_geometry_column) = Lower('geom')"
    )
    for _, sql in triggers:
        cur.execute(sql)
