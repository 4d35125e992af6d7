"""New places written to SpatiaLite by a second thread while the import validates the next rows.

Why: in a 100k-row import SQLite's own work (places, their R*Tree rows, offers: about 1.1 s)
and the Python work of reading and validating (about 0.8 s) ran one after the other, on a
machine with a second CPU idle.  SQLite releases the GIL for the whole of a statement, so a
writer thread that runs *one statement per chunk* works while the main thread validates the
next chunk.  ``executemany`` would not do: it needs the GIL for every row, and would wait for
the validating thread at every one of them.

So each chunk goes in as:

- ``INSERT INTO places ... SELECT ... FROM json_each(?)``: the text columns as JSON, the point
  as ``GeomFromWKB`` of its 21 bytes cut from one blob of WKB (the doubles travel as bits, never
  as decimal text; the geometry comes out byte-identical to ``MakePoint``), the ids explicit;
- the R*Tree rows of that id range (``fast_insert.RTREE_FILL``);
- the offers through ``fast_insert.OFFERS_FROM_JSON``.

The main thread encodes a chunk (JSON and WKB, in C) and queues it; the writer thread runs it
on the session's own connection, inside the session's transaction.  The main thread does not
touch the connection until :meth:`finish` (or :meth:`close`) has joined the writer.  As in
``fast_insert`` (whose docstring says why), the three per-row SpatiaLite triggers are set aside
inside the transaction for the whole import and put back by :meth:`finish`; a rollback or a
killed process brings them back with everything else.  A chunk the JSON route cannot carry
byte-identically (a fee of -0.00, which the division in SQL would make 0.0; the validator
lets no NUL into the text) is written by the main thread with ``executemany``, once the
writer is idle.
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

from .fast_insert import (
    OFFERS,
    OFFERS_FROM_JSON,
    OFFERS_VALUES,
    PLACE_TEXT,
    PLACES,
    RTREE_FILL,
    _bind_processor,
    offer_values,
    offers_json,
    put_back_triggers,
    restore_cache_size,
    set_aside_triggers,
)
from .rows import PlaceRow

_TEXT = attrgetter(*PLACE_TEXT)
_WKB_POINT = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])  # 21 bytes

_PLACES_FROM_JSON = (
    "INSERT INTO places (id, kind, name, brand, address, municipality, opening_hours, source_ref, "
    "geom, source_id, updated_at) "
    "SELECT ?3 + key, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, "
    "value ->> 6, GeomFromWKB(substr(?2, key * 21 + 1, 21), 4326), ?4, ?5 "
    "FROM json_each(?1) ORDER BY key"
)
_PLACES_VALUES = (
    "INSERT INTO places (id, kind, name, brand, address, municipality, opening_hours, source_ref, "
    "geom, source_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, MakePoint(?, ?, 4326), ?, ?)"
)


def wkb_points(rows: Sequence[PlaceRow]) -> bytes:
    """The points of ``rows`` as consecutive 21-byte little-endian WKB points."""
    points = np.empty(len(rows), dtype=_WKB_POINT)
    points["order"], points["type"] = 1, 1
    points["x"] = np.fromiter(map(attrgetter("lon"), rows), float, len(rows))
    points["y"] = np.fromiter(map(attrgetter("lat"), rows), float, len(rows))
    return points.tobytes()


class SpatiaLiteWriter:
    """Writes chunks of new places of one source, in a thread, within the session's transaction."""

    def __init__(self, session: Session, source_id: int, now: dt.datetime):
        connection = session.connection()  # begins the session's transaction if it has not yet
        dialect = connection.dialect
        self._dbapi = connection.connection.driver_connection
        self._source_id = source_id
        # The values SQLAlchemy itself would bind, so rows written here equal rows written by Core.
        self._when = _bind_processor(PLACES.c.updated_at.type, dialect)(now)
        self._fee = _bind_processor(OFFERS.c.fee_eur.type, dialect)
        cur = self._dbapi.cursor()
        try:
            if not self._dbapi.in_transaction:  # the DDL below must be inside the transaction
                cur.execute("BEGIN")
            self._first = self._next = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM places").fetchone()[0]
            self._triggers, self._cache = set_aside_triggers(cur)
        finally:
            cur.close()
        if self._triggers is None:
            raise NotImplementedError("unknown SpatiaLite trigger layout on places")
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
        self._next += len(rows)
        places = json.dumps(list(map(_TEXT, rows)), ensure_ascii=False)
        offers = offers_json(ids, rows, self._fee)
        if offers is None or "\\u0000" in places:
            self._write_here(ids, rows)
        else:
            self._jobs.put((ids[0], ids[-1], places, wkb_points(rows), offers))
        return ids

    def finish(self) -> list[int]:
        """Wait for the writer, put the triggers back; every id written, in order."""
        self._stop()
        self._raise()
        cur = self._dbapi.cursor()
        try:
            put_back_triggers(cur, self._triggers)
            restore_cache_size(cur, self._cache)
        finally:
            cur.close()
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
        cur.execute(RTREE_FILL, (first, last))
        if offers:
            cur.execute(OFFERS_FROM_JSON, (offers,))

    def _write_here(self, ids: list[int], rows: Sequence[PlaceRow]) -> None:
        """A chunk the JSON route cannot carry: written by this thread once the writer is idle."""
        self._jobs.join()
        self._raise()
        cur = self._dbapi.cursor()
        try:
            cur.executemany(
                _PLACES_VALUES,
                [(pid, *_TEXT(r), r.lon, r.lat, self._source_id, self._when) for pid, r in zip(ids, rows)],
            )
            cur.execute(RTREE_FILL, (ids[0], ids[-1]))
            cur.executemany(OFFERS_VALUES, offer_values(ids, rows, self._fee))
        finally:
            cur.close()

    def _stop(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error
