"""New places streamed to PostGIS in one open COPY while the import validates the next rows.

Why: the server's work (the COPY of places with its indexes and checks) and this process's
work (reading and validating) would otherwise run one after the other.  The server is another
process: with the COPY of places kept open across the chunks of an import, it indexes each
chunk while this process validates the next one.  The offers follow in a second COPY once the
places are in (their foreign key needs the places).

Ids: ``LOCK TABLE places IN SHARE ROW EXCLUSIVE MODE``, one ``nextval`` and one ``setval`` to
the end of the block of ``expected`` ids, the unused rest given back by :meth:`finish`.  The
lock blocks other *writers* of ``places`` until the caller's transaction ends (readers, the web
API, never wait) and is what makes the block safe: an ``INSERT`` into ``places`` takes ROW
EXCLUSIVE before its ``nextval``, so no other session can draw an id inside the block, and
concurrent imports serialize.  Like ``nextval``, ``setval`` is not undone by a rollback: a
rolled-back import leaves a gap in the ids.

The rows go as COPY text through psycopg's ``write_row``, the geometry as hex EWKB (exact
doubles, SRID 4326); every index, check and foreign key works as for an INSERT.  While the COPY
is open the session's connection can run nothing else: the caller must not use the session
until :meth:`finish` or :meth:`close` has returned.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import struct
from collections.abc import Sequence

from sqlalchemy.orm import Session

from ..rows import PlaceRow
from . import Stages

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
PLACES_COPY = f"COPY places ({', '.join(_PLACE_COLUMNS)}, geom) FROM STDIN"
OFFERS_COPY = f"COPY offers ({', '.join(_OFFER_COLUMNS)}) FROM STDIN"
_EWKB_POINT_4326 = bytes.fromhex("0101000020E6100000")  # little endian, Point with SRID, 4326
_pack_xy = struct.Struct("<dd").pack


def ewkb_hex(lon: float, lat: float) -> str:
    """A point as PostGIS accepts it in COPY text: hex EWKB with SRID 4326."""
    return (_EWKB_POINT_4326 + _pack_xy(lon, lat)).hex()


class PostGISWriter:
    """Writes chunks of new places of one source through one COPY, within the session's transaction."""

    def __init__(self, session: Session, source_id: int, now: dt.datetime, expected: int, stage: Stages):
        self._cur = session.connection().connection.driver_connection.cursor()
        self._source_id, self._now, self._stage = source_id, now, stage
        size = max(expected, 1)
        self._first = self._next = _reserve_ids(self._cur, size)
        self._end = self._first + size
        stage("ids")
        self._copying = self._cur.copy(PLACES_COPY)
        self._copy = self._copying.__enter__()
        self._written: list[tuple[range, Sequence[PlaceRow]]] = []

    def add(self, rows: Sequence[PlaceRow]) -> list[int]:
        """Send ``rows`` (new places) down the COPY; their ids."""
        if not rows:
            return []
        ids = range(self._next, self._next + len(rows))
        if ids.stop > self._end:
            raise RuntimeError(f"more new places than the {self._end - self._first} ids reserved")
        self._next = ids.stop
        write, source_id, now = self._copy.write_row, self._source_id, self._now
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
        self._written.append((ids, rows))
        return list(ids)

    def finish(self) -> list[int]:
        """End the COPY of places, COPY their offers, give back the unused ids; the ids written."""
        copying, self._copying = self._copying, None
        copying.__exit__(None, None, None)  # waits for the server to take the last rows
        self._stage("places")  # the GiST index is filled by the COPY itself
        if any(r.offers for _, rows in self._written for r in rows):
            with self._cur.copy(OFFERS_COPY) as copy:
                for ids, rows in self._written:
                    for pid, r in zip(ids, rows):
                        for o in r.offers:
                            copy.write_row((pid, o.service, o.fee_eur, o.condition, o.note))
        self._stage("offers")
        self._cur.execute("SELECT setval(pg_get_serial_sequence('places', 'id'), %s, false)", (self._next,))
        self._cur.close()
        return list(range(self._first, self._next))

    def close(self) -> None:
        """Abandon the COPY (on an error: the caller rolls back the transaction)."""
        if self._copying is not None:
            copying, self._copying = self._copying, None
            # The server answers the abandoned COPY with an error; the rollback follows.
            with contextlib.suppress(Exception):
                copying.__exit__(RuntimeError, RuntimeError("import stopped"), None)
            self._cur.close()


def _reserve_ids(cur, n: int) -> int:
    """The first of ``n`` consecutive ids of ``places`` kept for the caller's transaction (under
    the lock of the module docstring)."""
    cur.execute("LOCK TABLE places IN SHARE ROW EXCLUSIVE MODE")
    cur.execute("SELECT nextval(pg_get_serial_sequence('places', 'id'))")
    first = cur.fetchone()[0]
    if n > 1:
        cur.execute("SELECT setval(pg_get_serial_sequence('places', 'id'), %s)", (first + n - 1,))
    return first
