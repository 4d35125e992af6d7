"""Places that another source already has: the same kind within 25 m with a similar name.

So an ATM imported from a bank's file and again from OpenStreetMap does not show
twice.  Candidates are found with a grid in memory (one query for the file's whole
extent), whose cells are at least NEAR_M wide everywhere in the batch, so a place
within NEAR_M of a row lies in the row's cell or one of the 8 around it; they are
then checked with the geodesic distance (:mod:`locator.domain.geodesy`).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from operator import attrgetter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from locator.domain.geodesy import distance_m
from locator.domain.text import words
from locator.models import Place, Source
from locator.spatial import bbox_around

from .rows import PlaceRow

NEAR_M = 25.0
"""Places farther apart than this many metres (geodesic) are never the same place."""
SIMILAR = 0.8
"""difflib ratio from which two folded names are taken as spelling the same name."""
PLACES, SOURCES = Place.__table__, Source.__table__


@dataclass(frozen=True)
class Duplicate:
    """An incoming row that matches a place of another source."""

    source_ref: str
    name: str
    existing_id: int
    existing_name: str
    existing_source: str
    distance_m: float


def name_key(name: str) -> str:
    """Case, diacritics and punctuation removed: "Swedbank bankomāts!" -> "swedbank bankomats"."""
    return " ".join(words(name))


def similar(a: str, b: str) -> bool:
    """Names that a person would call the same place (one contains the other, or close spelling)."""
    fa, fb = name_key(a), name_key(b)
    if not fa or not fb:
        return False
    if fa == fb or set(fa.split()) <= set(fb.split()) or set(fb.split()) <= set(fa.split()):
        return True
    return difflib.SequenceMatcher(None, fa, fb).ratio() >= SIMILAR


@dataclass(frozen=True)
class _Grid:
    """Cells of ``dlat`` x ``dlon`` degrees: each at least NEAR_M across at every latitude up to
    the batch's farthest from the equator (from :func:`locator.spatial.bbox_around`, which is
    provably wide enough)."""

    dlat: float
    dlon: float

    @classmethod
    def for_latitudes(cls, lats: list[float]) -> _Grid:
        box = bbox_around(lat=max(lats, key=abs), lon=0.0, radius_m=NEAR_M)
        return cls(dlat=(box.max_lat - box.min_lat) / 2, dlon=box.max_lon)

    def cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.dlat), math.floor(lon / self.dlon)


def find_duplicates(session: Session, rows: list[PlaceRow], source_name: str) -> list[Duplicate]:
    """Rows of ``source_name`` that duplicate a place of another source."""
    if not rows:
        return []
    lats, lons = list(map(attrgetter("lat"), rows)), list(map(attrgetter("lon"), rows))
    grid = _Grid.for_latitudes(lats)
    lat_col, lon_col = func.ST_Y(PLACES.c.geom), func.ST_X(PLACES.c.geom)  # y is the latitude
    existing = session.execute(
        select(
            PLACES.c.id,
            PLACES.c.kind,
            PLACES.c.name,
            SOURCES.c.name.label("source"),
            lat_col.label("lat"),
            lon_col.label("lon"),
        )
        .join(SOURCES, SOURCES.c.id == PLACES.c.source_id)
        # An IN list, not a join condition, so that the (source_id, source_ref) index skips
        # the importing source's own places (just written, in a large import).
        .where(PLACES.c.source_id.in_(select(SOURCES.c.id).where(SOURCES.c.name != source_name)))
        .where(PLACES.c.kind.in_({r.kind for r in rows}))
        .where(
            lat_col.between(min(lats) - grid.dlat, max(lats) + grid.dlat),
            lon_col.between(min(lons) - grid.dlon, max(lons) + grid.dlon),
        )
    ).all()
    if not existing:  # the first source in this area: nothing to compare with
        return []
    cells: dict[tuple[int, int], list] = {}
    for e in existing:
        cells.setdefault(grid.cell(e.lat, e.lon), []).append(e)
    near = {(ci + di, cj + dj) for ci, cj in cells for di in (-1, 0, 1) for dj in (-1, 0, 1)}
    found = []
    for r in rows:
        ci, cj = grid.cell(r.lat, r.lon)
        if (ci, cj) not in near:  # no other place in this cell or the 8 around it
            continue
        best = None
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                for e in cells.get((ci + di, cj + dj), ()):
                    if e.kind != r.kind:
                        continue
                    d = distance_m(lat1=r.lat, lon1=r.lon, lat2=e.lat, lon2=e.lon)
                    if d <= NEAR_M and similar(r.name, e.name) and (best is None or d < best[1]):
                        best = (e, d)
        if best is not None:
            e, d = best
            found.append(Duplicate(r.source_ref, r.name, e.id, e.name, e.source, round(d, 1)))
    return found
