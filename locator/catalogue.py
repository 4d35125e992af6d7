"""What the database holds besides places: sources and their licences."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Source


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


def sources_by_id(session: Session) -> dict[int, SourceSummary]:
    """Every source, keyed by id (a handful of rows: read per request, never stale)."""
    t = Source.__table__
    rows = session.execute(
        select(
            t.c.id, t.c.name, t.c.title, t.c.licence, t.c.attribution, t.c.url, t.c.illustrative, t.c.imported_at
        ).order_by(t.c.name)
    )
    return {
        r.id: SourceSummary(
            r.id,
            r.name,
            r.title,
            r.licence,
            r.attribution,
            r.url,
            bool(r.illustrative),
            r.imported_at.isoformat() if r.imported_at else None,
        )
        for r in rows
    }


SOURCES_MAX_AGE_S = 30.0
_cache: dict[str, tuple[float, dict[int, SourceSummary]]] = {}
_cache_lock = threading.Lock()


def cached_sources(session: Session, needed: Iterable[int] = ()) -> dict[int, SourceSummary]:
    """:func:`sources_by_id`, kept per database for up to 30 s.

    Sources change only when something is imported, yet every API answer
    carries their attribution: re-reading them per request was a quarter of a
    request's database time on PostGIS.  An id that is not in the cache (a new
    import) refreshes it at once; a changed title or licence shows within 30 s.
    """
    key = session.get_bind().url.render_as_string(hide_password=False)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is None or now - hit[0] > SOURCES_MAX_AGE_S or not set(needed) <= hit[1].keys():
        hit = (now, sources_by_id(session))
        with _cache_lock:
            _cache[key] = hit
    return hit[1]


@dataclass(frozen=True)
class OfferSummary:
    service: str
    fee_eur: Decimal
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

    from sqlalchemy import func

    from .errors import UnknownPlace
    from .models import Offer, Place

    p, o = Place.__table__, Offer.__table__
    row = session.execute(
        select(
            p.c.id,
            p.c.kind,
            p.c.name,
            p.c.brand,
            p.c.address,
            p.c.municipality,
            func.ST_Y(p.c.geom).label("lat"),
            func.ST_X(p.c.geom).label("lon"),
            p.c.opening_hours,
            p.c.updated_at,
            p.c.source_id,
        ).where(p.c.id == place_id)
    ).first()
    if row is None:
        raise UnknownPlace(f"no place {place_id}", param="id")
    offers = [
        OfferSummary(r.service, Decimal(str(r.fee_eur)).quantize(Decimal("0.01")), r.condition, r.note)
        for r in session.execute(
            select(o.c.service, o.c.fee_eur, o.c.condition, o.c.note)
            .where(o.c.place_id == place_id)
            .order_by(o.c.service, o.c.fee_eur)
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
