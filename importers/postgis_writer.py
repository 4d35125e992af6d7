"""New places streamed to PostGIS in one open COPY while the import validates the next rows.

Why: in a 100k-row import the server's work (the COPY of places with its indexes and checks,
about 1.1 s) and the Python work of validating (about 0.5 s) ran one after the other.  The
server is another process: with the COPY of places kept open across the chunks of an import,
it indexes each chunk while this process validates the next one.  The offers follow in a
second COPY once the places are in (their foreign key needs the places).

The ids are reserved for the whole table up front (``fast_insert.reserve_ids``, under a lock
that keeps other writers out until the transaction ends), and the unused rest is given back by
:meth:`finish`.  While the COPY is open the session's connection can run nothing else: the
caller must not use the session until :meth:`finish` or :meth:`close` has returned.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from .fast_insert import OFFERS_COPY, PLACES_COPY, give_back_ids, reserve_ids, write_offers, write_places
from .rows import PlaceRow


class PostGISWriter:
    """Writes chunks of new places of one source through one COPY, within the session's transaction."""

    def __init__(self, session: Session, source_id: int, now: dt.datetime, expected: int):
        self._cur = session.connection().connection.driver_connection.cursor()
        self._source_id, self._now = source_id, now
        self._first = self._next = reserve_ids(self._cur, max(expected, 1))
        self._end = self._first + max(expected, 1)
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
        write_places(self._copy.write_row, ids, rows, self._source_id, self._now)
        self._written.append((ids, rows))
        return list(ids)

    def finish(self) -> list[int]:
        """End the COPY of places, COPY their offers, give back the unused ids; the ids written."""
        copying, self._copying = self._copying, None
        copying.__exit__(None, None, None)  # waits for the server to take the last rows
        if any(r.offers for _, rows in self._written for r in rows):
            with self._cur.copy(OFFERS_COPY) as copy:
                for ids, rows in self._written:
                    write_offers(copy.write_row, ids, rows)
        give_back_ids(self._cur, self._next)
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
