"""The one writer of new places per engine, on the caller's connection and in its transaction.

``locator.importers.load.Loader`` decides which rows are new; a writer only stores them, chunk by
chunk as the import hands them over, while the import validates the next chunk:

* PostGIS (``writers.postgis``): one ``COPY places`` kept open across the chunks, the offers
  in a second COPY at the end;
* SpatiaLite (``writers.spatialite``): a thread running one ``INSERT ... SELECT FROM
  json_each`` per chunk, with the per-row spatial-index triggers set aside for the import.

Both write exactly what a Core ``INSERT`` of the same values would (same ids, consecutive in
the order of the rows; same geometry bytes; same offers in the same order), through the DBAPI
connection under the caller's session, so a rollback or a killed process undoes everything.
Until ``finish()`` or ``close()`` returns, the caller must not use the session.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..rows import PlaceRow

# What planners need after a bulk load: the columns the queries filter and join on.
ANALYZE_COLUMNS = {
    "places": ("id", "kind", "geom", "source_id"),
    "offers": ("place_id", "service", "fee_eur", "condition"),
}


class Writer(Protocol):
    def add(self, rows: Sequence[PlaceRow]) -> list[int]:
        """Send ``rows`` (new places of the source) on their way; their ids."""

    def finish(self) -> list[int]:
        """Wait until everything is written; every id written, in order."""

    def close(self) -> None:
        """Stop without finishing (on an error: the caller rolls back)."""


class Stages:
    """Seconds per stage into ``out`` (for bench/import_floor.py); free when ``out`` is None."""

    def __init__(self, out: dict[str, float] | None):
        self.out = out
        self.last = time.perf_counter() if out is not None else 0.0

    def __call__(self, name: str) -> None:
        if self.out is not None:
            now = time.perf_counter()
            self.out[name] = self.out.get(name, 0.0) + now - self.last
            self.last = now


def writer_for(
    session: Session, source_id: int, now: dt.datetime, expected: int, *, stages: dict[str, float] | None = None
) -> Writer:
    """The writer of new places of ``source_id`` for the session's engine; ``expected``: at most
    how many rows will be added (PostGIS reserves their ids up front).  ``stages``, if given,
    receives the seconds spent per stage (ids, places, spatial_index, offers)."""
    name = session.connection().dialect.name  # begins the session's transaction if it has not yet
    if name == "postgresql":
        from .postgis import PostGISWriter

        return PostGISWriter(session, source_id, now, expected, Stages(stages))
    if name == "sqlite":
        from .spatialite import SpatiaLiteWriter

        return SpatiaLiteWriter(session, source_id, now, Stages(stages))
    raise NotImplementedError(f"no writer for the {name} dialect")


def insert_new(
    session: Session,
    rows: Sequence[PlaceRow],
    source_id: int,
    now: dt.datetime,
    *,
    stages: dict[str, float] | None = None,
) -> list[int]:
    """Write ``rows`` as new places of ``source_id`` in one go (the engine's writer); their ids."""
    if not rows:
        return []
    writer = writer_for(session, source_id, now, len(rows), stages=stages)
    try:
        writer.add(rows)
        return writer.finish()
    finally:
        writer.close()


def analyze(session: Session) -> None:
    """Fresh planner statistics for ``places`` and ``offers`` after a bulk change.

    Without them the planner may walk the primary key instead of the spatial index until
    autovacuum comes round (seen on PostGIS after a bulk load).  On PostGIS only the columns
    queries filter and join on (``ANALYZE_COLUMNS``: the box, kinds, joins and offers filters
    of ``locator.query``, the source lookups of the importers) are analysed, with the same plans
    (GiST for the nearest query) as a full ANALYZE, which spends most of its time sorting the
    long text columns.  The other columns get their statistics from autovacuum: the rows written
    in this transaction count as changes made after this ANALYZE once it commits, so autovacuum
    analyses both tables again soon.  SQLite analyses indexes, not columns: the plain ANALYZE.
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
