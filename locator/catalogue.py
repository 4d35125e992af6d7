"""What the database holds besides places: sources and their licences."""

from __future__ import annotations

from dataclasses import asdict, dataclass

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
        select(t.c.id, t.c.name, t.c.title, t.c.licence, t.c.attribution, t.c.url,
               t.c.illustrative, t.c.imported_at).order_by(t.c.name)
    )
    return {
        r.id: SourceSummary(
            r.id, r.name, r.title, r.licence, r.attribution, r.url, bool(r.illustrative),
            r.imported_at.isoformat() if r.imported_at else None,
        )
        for r in rows
    }
