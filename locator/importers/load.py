"""The one loader: writes validated rows of one source, as an upsert on (source, id).

Readers never touch the database; this is the only writer.  It runs inside the
caller's session and transaction, so a failure anywhere leaves the database as
it was once the caller rolls back (``locator.db.session_scope`` does).
Loading the same rows again changes nothing and reports them as unchanged.
New places and their offers go through the engine's one writer (``locator.importers.writers``: an
open COPY on PostGIS, a writer thread on SpatiaLite), on the same connection and
transaction; an import that hands its rows over chunk by chunk (:class:`Loader` with
``stream``) has them written while it validates the next chunk.  Changed places are updated
through the session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from locator.models import Offer, Place, Source, utcnow

from .rows import PlaceRow, RowRejected, SourceInfo, stored_place_columns
from .writers import Writer, analyze, insert_new, writer_for

PLACES = Place.__table__
OFFERS = Offer.__table__
SOURCES = Source.__table__
BATCH = 5_000
ANALYZE_AFTER = 500  # rows inserted or removed


@dataclass
class LoadSummary:
    source: str
    source_id: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def lines(self) -> list[str]:
        return [
            f"{self.source}: {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.removed} removed"
        ]


def upsert_source(session: Session, info: SourceInfo, when: dt.datetime | None = None) -> int:
    """The id of the source named ``info.name``, created or brought up to date."""
    values = {
        "title": info.title,
        "licence": info.licence,
        "attribution": info.attribution,
        "url": info.url,
        "illustrative": info.illustrative,
        "description": info.description,
        "imported_at": when or utcnow(),
    }
    existing = session.execute(select(SOURCES.c.id).where(SOURCES.c.name == info.name)).scalar()
    if existing is None:
        return session.execute(insert(SOURCES).values(name=info.name, **values).returning(SOURCES.c.id)).scalar_one()
    session.execute(update(SOURCES).where(SOURCES.c.id == existing).values(**values))
    return existing


def _offer_key(offer: tuple) -> tuple:
    """An offer ``(service, fee, condition, note)`` as it sorts: an unknown fee (None) first."""
    service, fee, condition, note = offer
    return service, fee is not None, fee or 0, condition, note


def _offers_state(offers) -> tuple:
    return tuple(sorted(offers, key=_offer_key))


def _state(row: PlaceRow) -> tuple:
    offers = _offers_state((o.service, o.fee_eur, o.condition or "", o.note or "") for o in row.offers)
    return (
        row.kind,
        row.name,
        row.brand,
        row.address,
        row.municipality,
        row.opening_hours,
        round(row.lon, 9),
        round(row.lat, 9),
        offers,
    )


def _existing(session: Session, source_id: int) -> dict[str, tuple[int, tuple]]:
    offers: dict[int, list] = {}
    q = (
        select(OFFERS.c.place_id, OFFERS.c.service, OFFERS.c.fee_eur, OFFERS.c.condition, OFFERS.c.note)
        .join(PLACES, PLACES.c.id == OFFERS.c.place_id)
        .where(PLACES.c.source_id == source_id)
    )
    for r in session.execute(q):
        offers.setdefault(r.place_id, []).append((r.service, r.fee_eur, r.condition or "", r.note or ""))
    out = {}
    q = select(*stored_place_columns()).where(PLACES.c.source_id == source_id)
    for r in session.execute(q):
        state = (
            r.kind,
            r.name,
            r.brand,
            r.address,
            r.municipality,
            r.opening_hours,
            round(r.lon, 9),
            round(r.lat, 9),
            _offers_state(offers.get(r.id, [])),
        )
        out[r.source_ref] = (r.id, state)
    return out


def _place_values(row: PlaceRow, source_id: int, now: dt.datetime) -> dict:
    return {
        "kind": row.kind,
        "name": row.name,
        "brand": row.brand,
        "address": row.address,
        "municipality": row.municipality,
        "opening_hours": row.opening_hours,
        "source_id": source_id,
        "source_ref": row.source_ref,
        "updated_at": now,
        "wkt": f"POINT({row.lon!r} {row.lat!r})",
    }


_UPDATE_PLACE = (
    update(PLACES)
    .where(PLACES.c.id == bindparam("place_id"))
    .values(
        {c: bindparam(c) for c in ("kind", "name", "brand", "address", "municipality", "opening_hours", "updated_at")}
        | {"geom": func.ST_GeomFromText(bindparam("wkt"), 4326)}
    )
)


def _chunks(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def load(
    session: Session,
    rows: Iterable[PlaceRow],
    source: SourceInfo,
    *,
    replace_source: bool = False,
) -> LoadSummary:
    """Upsert ``rows`` as the places of ``source``.

    With ``replace_source`` the source's places that are not in ``rows`` are
    deleted.  Raises RowRejected when two rows share a ``source_ref``.
    """
    loader = Loader(session, source, replace_source=replace_source)
    try:
        loader.add(list(rows))
        return loader.finish()
    finally:
        loader.close()


class Loader:
    """:func:`load` in steps: rows added chunk by chunk, then :meth:`finish`.

    With ``stream`` new places go to the engine's writer (``locator.importers.writers``) as they come,
    while the caller validates the next chunk; ``expected`` is at most how many there will be.
    Otherwise they are kept and handed to the same writer by :meth:`finish`.  Changed places are
    always updated by :meth:`finish`.  Until :meth:`finish` or :meth:`close` returns, the caller
    must not use the session: the writer may be using its connection.
    """

    def __init__(
        self,
        session: Session,
        source: SourceInfo,
        *,
        replace_source: bool = False,
        stream: bool = False,
        expected: int = 0,
    ):
        self.session = session
        self.source = source
        self.replace_source = replace_source
        self.now = utcnow()
        self.source_id = upsert_source(session, source, self.now)
        self.existing = _existing(session, self.source_id)
        self.summary = LoadSummary(source.name, self.source_id)
        self.seen: set[str] = set()
        self.inserts: list[PlaceRow] = []
        self.updates: list[tuple[int, PlaceRow]] = []
        self.stream, self.expected = stream, expected
        self.writer: Writer | None = None

    def add(self, rows: list[PlaceRow]) -> None:
        refs = list(map(_source_ref, rows))
        if not self.existing and len(set(refs)) == len(refs) and self.seen.isdisjoint(refs):
            self.seen.update(refs)  # the usual first import: every row new, checked in C
            inserts = rows
        else:
            inserts = []
            for row in rows:
                if row.source_ref in self.seen:
                    raise RowRejected(f"duplicate id {row.source_ref!r} in source {self.source.name!r}")
                self.seen.add(row.source_ref)
                old = self.existing.get(row.source_ref)
                if old is None:
                    inserts.append(row)
                elif old[1] != _state(row):
                    self.updates.append((old[0], row))
                else:
                    self.summary.unchanged += 1
        self.summary.inserted += len(inserts)
        if not self.stream:
            self.inserts.extend(inserts)
        elif inserts:
            if self.writer is None:
                self.writer = writer_for(self.session, self.source_id, self.now, max(self.expected, len(inserts)))
            self.writer.add(inserts)

    def finish(self) -> LoadSummary:
        session, source_id, now, summary = self.session, self.source_id, self.now, self.summary
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.finish()
        insert_new(session, self.inserts, source_id, now)  # the new places not streamed
        updates = self.updates
        for chunk in _chunks(updates):
            session.execute(
                _UPDATE_PLACE,
                [{**_place_values(r, source_id, now), "place_id": pid} for pid, r in chunk],
            )
            session.execute(delete(OFFERS).where(OFFERS.c.place_id.in_([pid for pid, _ in chunk])))
        offers = [
            {"place_id": pid, "service": o.service, "fee_eur": o.fee_eur, "condition": o.condition, "note": o.note}
            for pid, r in updates
            for o in r.offers
        ]
        for chunk in _chunks(offers):
            session.execute(insert(OFFERS), chunk)
        summary.updated = len(updates)
        if self.replace_source:
            gone = [pid for ref, (pid, _) in self.existing.items() if ref not in self.seen]
            for chunk in _chunks(gone):
                session.execute(delete(OFFERS).where(OFFERS.c.place_id.in_(chunk)))
                session.execute(delete(PLACES).where(PLACES.c.id.in_(chunk)))
            summary.removed = len(gone)
        session.flush()
        if summary.inserted + summary.removed >= ANALYZE_AFTER:
            # Fresh statistics, or the planner may walk the primary key instead of the
            # spatial index until autovacuum comes round (seen on PostGIS after a bulk load);
            # on PostGIS only the columns queries filter and join on (see writers.analyze).
            analyze(session)
        return summary

    def close(self) -> None:
        """Stop the writer thread, if any, without finishing (the caller rolls back)."""
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.close()


_source_ref = attrgetter("source_ref")
