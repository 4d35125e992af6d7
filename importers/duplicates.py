"""Places that another source already has: the same kind within 25 m with a similar name.

So an ATM imported from a bank's file and again from OpenStreetMap does not show
twice.  Candidates are found with a grid of ~30 m cells in memory (one query for
the file's whole extent), then checked with the geodesic distance.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass
from operator import attrgetter

from pyproj import Geod
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from locator.models import Place, Source

from .rows import PlaceRow

NEAR_M = 25.0
SIMILAR = 0.8
_GEOD = Geod(ellps="WGS84")
_CELL_LAT = 0.0003  # ~33 m
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


def fold(name: str) -> str:
    """Case, diacritics and punctuation removed: "Swedbank bankomāts!" -> "swedbank bankomats"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def similar(a: str, b: str) -> bool:
    """Names that a person would call the same place (one contains the other, or close spelling)."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return False
    if fa == fb or set(fa.split()) <= set(fb.split()) or set(fb.split()) <= set(fa.split()):
        return True
    return difflib.SequenceMatcher(None, fa, fb).ratio() >= SIMILAR


def _cell(lat: float, lon: float) -> tuple[int, int]:
    cell_lon = _CELL_LAT / max(math.cos(math.radians(lat)), 0.1)
    return int(math.floor(lat / _CELL_LAT)), int(math.floor(lon / cell_lon))


def find_duplicates(session: Session, rows: list[PlaceRow], source_name: str) -> list[Duplicate]:
    """Rows of ``source_name`` that duplicate a place of another source."""
    if not rows:
        return []
    pad = 0.001  # > 25 m in both directions at Latvian latitudes
    lats, lons = list(map(attrgetter("lat"), rows)), list(map(attrgetter("lon"), rows))
    lat_col, lon_col = func.ST_Y(PLACES.c.geom), func.ST_X(PLACES.c.geom)
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
            lat_col.between(min(lats) - pad, max(lats) + pad), lon_col.between(min(lons) - 2 * pad, max(lons) + 2 * pad)
        )
    ).all()
    if not existing:  # the first source in this area: nothing to compare with
        return []
    grid: dict[tuple[int, int], list] = {}
    for e in existing:
        grid.setdefault(_cell(e.lat, e.lon), []).append(e)
    near = {(ci + di, cj + dj) for ci, cj in grid for di in (-1, 0, 1) for dj in (-1, 0, 1)}
    found = []
    for r in rows:
        ci, cj = _cell(r.lat, r.lon)
        if (ci, cj) not in near:  # no other place in this cell or the 8 around it
            continue
        best = None
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                for e in grid.get((ci + di, cj + dj), ()):
                    if e.kind != r.kind:
                        continue
                    _, _, d = _GEOD.inv(r.lon, r.lat, e.lon, e.lat)
                    if d <= NEAR_M and similar(r.name, e.name) and (best is None or d < best[1]):
                        best = (e, d)
        if best is not None:
            e, d = best
            found.append(Duplicate(r.source_ref, r.name, e.id, e.name, e.source, round(d, 1)))
    return found
