"""The demo set in ``data/demo``, loaded through the same importers as any file.

``make run`` (``flask --app locator load-demo``) and the test fixtures both call
:func:`load_demo`, so what the tests check is what a new user sees.  Loading it
again changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from importers.centres import CentreRow, load_centres
from importers.fee_table import offers_for, read_fee_table
from importers.load import LoadSummary, load
from importers.rows import PlaceRow, RowRejected, SourceInfo

from .config import PROJECT_ROOT

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
CENTRES_SOURCE = "illustrative-closed-centres"


@dataclass
class DemoSummary:
    places: list[LoadSummary] = field(default_factory=list)
    centres_inserted: int = 0
    centres_updated: int = 0
    centres_unchanged: int = 0

    def lines(self) -> list[str]:
        out = [line for s in self.places for line in s.lines()]
        out.append(
            f"closed centres: {self.centres_inserted} inserted, {self.centres_updated} updated, "
            f"{self.centres_unchanged} unchanged"
        )
        return out


def read_sources(path: Path) -> dict[str, SourceInfo]:
    with open(path, encoding="utf-8") as fh:
        records = json.load(fh)
    return {
        r["name"]: SourceInfo(
            name=r["name"], title=r["title"], licence=r["licence"], attribution=r["attribution"],
            url=r.get("url"), illustrative=bool(r.get("illustrative")), description=r.get("description"),
        )
        for r in records
    }


def read_places(path: Path, fee_table: Path) -> dict[str, list[PlaceRow]]:
    """Places of the demo GeoJSON grouped by source, with offers from the fee table."""
    rules = read_fee_table(fee_table)
    with open(path, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    by_source: dict[str, list[PlaceRow]] = {}
    for number, feature in enumerate(features, start=1):
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"][:2]
        try:
            row = PlaceRow.make(
                source_ref=props["source_ref"], kind=props["kind"], name=props["name"],
                lat=lat, lon=lon, brand=props.get("brand"), address=props.get("address"),
                municipality=props.get("municipality"), opening_hours=props.get("opening_hours"),
                offers=offers_for(props["kind"], props.get("brand"), rules),
            )
        except RowRejected as exc:
            raise RowRejected(f"{path}: feature {number}: {exc}") from None
        by_source.setdefault(props["source"], []).append(row)
    return by_source


def read_centres(path: Path) -> list[CentreRow]:
    with open(path, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    rows = []
    for number, f in enumerate(features, start=1):
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"][:2]
        try:
            rows.append(CentreRow.make(slug=p["slug"], name=p["name"], address=p["address"], lat=lat,
                                       lon=lon, closed_on=p["closed_on"], municipality=p.get("municipality")))
        except RowRejected as exc:
            raise RowRejected(f"{path}: feature {number}: {exc}") from None
    return rows


def load_demo(session: Session, data_dir: Path = DEMO_DIR) -> DemoSummary:
    """Load (or refresh) every demo source in the caller's transaction."""
    sources = read_sources(data_dir / "sources.json")
    places = read_places(data_dir / "places.geojson", data_dir / "fees.csv")
    summary = DemoSummary()
    for name, rows in sorted(places.items()):
        if name not in sources:
            raise RowRejected(f"{data_dir / 'places.geojson'}: source {name!r} is not in sources.json")
        summary.places.append(load(session, rows, sources[name], replace_source=True))
    summary.centres_inserted, summary.centres_updated, summary.centres_unchanged = load_centres(
        session, read_centres(data_dir / "closed_centres.geojson"), sources[CENTRES_SOURCE]
    )
    return summary
