"""Closed customer-service centres: an upsert on slug."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from locator.models import ClosedCentre, lat_lon

from .load import upsert_source
from .rows import RowRejected, SourceInfo, nfc

CENTRES = ClosedCentre.__table__


@dataclass(frozen=True)
class CentreRow:
    slug: str
    name: str
    address: str
    lat: float
    lon: float
    closed_on: dt.date
    municipality: str | None = None

    @classmethod
    def make(cls, *, slug, name, address, lat, lon, closed_on, municipality=None) -> CentreRow:
        if not slug or not nfc(name) or not nfc(address):
            raise RowRejected("a closed centre needs a slug, a name and an address")
        try:
            day = closed_on if isinstance(closed_on, dt.date) else dt.date.fromisoformat(closed_on)
        except (TypeError, ValueError):
            raise RowRejected(f"closed_on {closed_on!r} is not a date (YYYY-MM-DD)") from None
        return cls(slug, nfc(name), nfc(address), float(lat), float(lon), day, nfc(municipality))


def _state(name, address, municipality, closed_on, source_id, lon, lat) -> tuple:
    return (name, address, municipality, closed_on, source_id, round(lon, 9), round(lat, 9))


def load_centres(session: Session, rows: list[CentreRow], source: SourceInfo) -> tuple[int, int, int]:
    """Insert new centres, update changed ones (by slug); returns (inserted, updated, unchanged)."""
    source_id = upsert_source(session, source)
    known = {
        r.slug: _state(r.name, r.address, r.municipality, r.closed_on, r.source_id, r.lon, r.lat)
        for r in session.execute(
            select(
                CENTRES.c.slug,
                CENTRES.c.name,
                CENTRES.c.address,
                CENTRES.c.municipality,
                CENTRES.c.closed_on,
                CENTRES.c.source_id,
                *lat_lon(CENTRES.c.geom),
            )
        )
    }
    changed = [
        r
        for r in rows
        if known.get(r.slug) != _state(r.name, r.address, r.municipality, r.closed_on, source_id, r.lon, r.lat)
    ]
    values = [
        {
            "slug_": r.slug,
            "name": r.name,
            "address": r.address,
            "municipality": r.municipality,
            "closed_on": r.closed_on,
            "source_id": source_id,
            "wkt": f"POINT({r.lon!r} {r.lat!r})",
        }
        for r in changed
    ]
    geom = func.ST_GeomFromText(bindparam("wkt"), 4326)
    cols = ("name", "address", "municipality", "closed_on", "source_id")
    new = [v for v in values if v["slug_"] not in known]
    old = [v for v in values if v["slug_"] in known]
    if new:
        session.execute(
            insert(CENTRES).values({c: bindparam(c) for c in cols} | {"slug": bindparam("slug_"), "geom": geom}),
            new,
        )
    if old:
        session.execute(
            update(CENTRES)
            .where(CENTRES.c.slug == bindparam("slug_"))
            .values({c: bindparam(c) for c in cols} | {"geom": geom}),
            old,
        )
    return len(new), len(old), len(rows) - len(changed)
