"""What the database holds besides places: sources and their licences."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Place, Source, lat_lon


@dataclass(frozen=True)
class SourceSummary:
    id: int
    name: str
    title: str
    licence: str
    attribution: str
    url: str | None
    illustrative: bool
    imported_at: str | None

    def as_dict(self, *, with_import_time: bool = True) -> dict:
        """JSON form; without the import time where a stable answer matters (nearest)."""
        d = asdict(self)
        del d["id"]
        if not with_import_time:
            del d["imported_at"]
        return d


def sources(session: Session, *, limit: int | None = None, offset: int = 0) -> list[SourceSummary]:
    """The sources by name: all, or ``limit`` of them after ``offset``."""
    t = Source.__table__
    stmt = select(
        t.c.id, t.c.name, t.c.title, t.c.licence, t.c.attribution, t.c.url, t.c.illustrative, t.c.imported_at
    ).order_by(t.c.name)
    if limit is not None or offset:
        stmt = stmt.limit(limit).offset(offset)
    return [
        SourceSummary(
            r.id,
            r.name,
            r.title,
            r.licence,
            r.attribution,
            r.url,
            bool(r.illustrative),
            r.imported_at.isoformat() if r.imported_at else None,
        )
        for r in session.execute(stmt)
    ]


def sources_by_id(session: Session) -> dict[int, SourceSummary]:
    """Every source, keyed by id, in name order (a handful of rows, read afresh)."""
    return {s.id: s for s in sources(session)}


BANK_KINDS = ("bank_branch", "atm")


def bank_brands(session: Session) -> list[str]:
    """The banks in the data: the brands of bank branches and ATMs, sorted, each once."""
    p = Place.__table__
    rows = session.execute(
        select(p.c.brand).where(p.c.kind.in_(BANK_KINDS), p.c.brand.is_not(None)).group_by(p.c.brand)
    )
    return sorted({r.brand.strip() for r in rows if r.brand and r.brand.strip()}, key=str.casefold)


MAX_AGE_S = 30.0


class CatalogueCache:
    """Sources and bank brands (and lists given to :meth:`remember`) kept per database for up to ``MAX_AGE_S`` s.

    They change only when something is imported, yet every API answer carries
    the sources' attribution and every page lists the banks: read per request
    they would cost a database round trip each.
    A source id that is not in the cache (a new import) refreshes it at once;
    a changed title, licence or bank shows within ``MAX_AGE_S``.  The app owns
    one (``app.extensions``); nothing is kept at module level.
    """

    def __init__(self, max_age_s: float = MAX_AGE_S) -> None:
        self.max_age_s = max_age_s
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, object], tuple[float, object]] = {}

    def _get(self, session: Session, what: str, read, fresh=lambda _value: True):
        key = (what, session.get_bind().url)
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is None or now - hit[0] > self.max_age_s or not fresh(hit[1]):
            hit = (now, read(session))
            with self._lock:
                self._entries[key] = hit
        return hit[1]

    def sources(self, session: Session, needed: Iterable[int] = ()) -> dict[int, SourceSummary]:
        """:func:`sources_by_id`, holding at least the ids ``needed``."""
        needed = set(needed)
        return self._get(session, "sources", sources_by_id, lambda found: needed <= found.keys())

    def bank_brands(self, session: Session) -> list[str]:
        """:func:`bank_brands`."""
        return self._get(session, "banks", bank_brands)

    def remember(self, session: Session, what: str, read):
        """``read(session)``, kept under the name ``what`` like the sources and banks.

        For other lists that change only on import and are read on every page (the
        closed centres, which the map shows everywhere: read from :mod:`locator.query`).
        """
        return self._get(session, what, read)


@dataclass(frozen=True)
class OfferSummary:
    service: str
    fee_eur: Decimal | None  # None: unknown
    condition: str | None
    note: str | None


@dataclass(frozen=True)
class PlaceDetails:
    """A place with every offer and its source: what a place page shows."""

    id: int
    kind: str
    name: str
    brand: str | None
    address: str | None
    municipality: str | None
    lat: float
    lon: float
    opening_hours: str | None
    updated_at: str
    offers: list[OfferSummary]
    source: SourceSummary


def place_details(session: Session, place_id: int) -> PlaceDetails:
    """One place by id; raises UnknownPlace."""
    from decimal import Decimal

    from .errors import UnknownPlace
    from .models import Offer

    p, o = Place.__table__, Offer.__table__
    row = session.execute(
        select(
            p.c.id,
            p.c.kind,
            p.c.name,
            p.c.brand,
            p.c.address,
            p.c.municipality,
            *lat_lon(p.c.geom),
            p.c.opening_hours,
            p.c.updated_at,
            p.c.source_id,
        ).where(p.c.id == place_id)
    ).first()
    if row is None:
        raise UnknownPlace(f"no place {place_id}", param="id")
    offers = [
        OfferSummary(
            r.service,
            None if r.fee_eur is None else Decimal(str(r.fee_eur)).quantize(Decimal("0.01")),
            r.condition,
            r.note,
        )
        for r in session.execute(
            select(o.c.service, o.c.fee_eur, o.c.condition, o.c.note)
            .where(o.c.place_id == place_id)
            .order_by(o.c.service, o.c.fee_eur.asc().nulls_first())
        )
    ]
    source = sources_by_id(session)[row.source_id]
    return PlaceDetails(
        row.id,
        row.kind,
        row.name,
        row.brand,
        row.address,
        row.municipality,
        row.lat,
        row.lon,
        row.opening_hours,
        row.updated_at.isoformat(),
        offers,
        source,
    )


def source_description(session: Session, source_id: int) -> str | None:
    """A source's description (what is real in it and what is not), for the place page."""
    return session.execute(select(Source.description).where(Source.id == source_id)).scalar()
