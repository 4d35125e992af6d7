"""Export places as CSV or GeoJSON that import back unchanged (a round trip)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from locator.models import Offer, Place, Source

from .rows import UNKNOWN_FEE, stored_place_columns

CSV_COLUMNS = (
    "source_ref",
    "kind",
    "name",
    "brand",
    "address",
    "municipality",
    "lat",
    "lon",
    "opening_hours",
    "offers",
)
PLACES, OFFERS, SOURCES = Place.__table__, Offer.__table__, Source.__table__


def _places(session: Session, source: str | None, kinds: tuple[str, ...]) -> Iterator[dict]:
    stmt = (
        select(*stored_place_columns())
        .join(SOURCES, SOURCES.c.id == PLACES.c.source_id)
        .order_by(SOURCES.c.name, PLACES.c.source_ref)
    )
    if source:
        stmt = stmt.where(SOURCES.c.name == source)
    if kinds:
        stmt = stmt.where(PLACES.c.kind.in_(kinds))
    offers: dict[int, list] = {}
    for o in session.execute(
        select(OFFERS.c.place_id, OFFERS.c.service, OFFERS.c.fee_eur, OFFERS.c.condition).order_by(
            OFFERS.c.place_id, OFFERS.c.service, OFFERS.c.fee_eur.asc().nulls_first()
        )
    ):
        offers.setdefault(o.place_id, []).append(
            {
                "service": o.service,
                "fee_eur": None if o.fee_eur is None else f"{Decimal(str(o.fee_eur)):.2f}",
                "condition": o.condition,
            }
        )
    for r in session.execute(stmt):
        yield {**r._asdict(), "offers": offers.get(r.id, [])}


def offers_text(offers: list[dict]) -> str:
    """``bill_payment=0.00 if salary_card=swedbank; bill_payment=1.20; cash_deposit=unknown``
    (what the importer reads; an unknown fee as ``unknown``, in GeoJSON as ``null``)."""
    return "; ".join(
        f"{o['service']}={UNKNOWN_FEE if o['fee_eur'] is None else o['fee_eur']}"
        + (f" if {o['condition']}" if o["condition"] else "")
        for o in offers
    )


def export_csv(session: Session, out: IO[str], *, source: str | None = None, kinds: tuple[str, ...] = ()) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    n = 0
    for p in _places(session, source, kinds):
        writer.writerow({**p, "lat": repr(p["lat"]), "lon": repr(p["lon"]), "offers": offers_text(p["offers"])})
        n += 1
    return n


def export_geojson(session: Session, out: IO[str], *, source: str | None = None, kinds: tuple[str, ...] = ()) -> int:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
            "properties": {k: p[k] for k in CSV_COLUMNS if k not in ("lat", "lon")},
        }
        for p in _places(session, source, kinds)
    ]
    json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(features)
