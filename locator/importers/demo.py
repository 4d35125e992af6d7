"""The demo set in ``data/demo``, loaded through the same importers as any file.

The places come from two files: ``places.geojson`` (post offices at postcode points, dealers)
and ``osm_2019.json`` (real OpenStreetMap places, read by the OSM reader).
``make run`` (``flask --app locator load-demo``) and the test fixtures both call
:func:`load_demo`, so what the tests check is what a new user sees.  Loading it
again changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from locator.config import PROJECT_ROOT

from .centres import CentreRow, load_centres
from .fee_table import read_fee_table
from .options import Rules
from .pipeline import ImportReport, run_import, sha256_of
from .readers.geojson_reader import read_geojson
from .readers.osm_reader import read_osm
from .records import Record
from .rows import RowRejected, SourceInfo

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
CENTRES_SOURCE = "illustrative-closed-centres"
OSM_FILE, OSM_SOURCE = "osm_2019.json", "osm-2019"
"""The real bank branches, ATMs, post offices and phone shops (OpenStreetMap nodes of 2019, as
Overpass JSON: ``data/demo_build/osm_places.py`` writes it), imported as any OSM file is."""


@dataclass
class DemoSummary:
    places: list[ImportReport] = field(default_factory=list)
    centres_inserted: int = 0
    centres_updated: int = 0
    centres_unchanged: int = 0

    def lines(self) -> list[str]:
        out = [report.summary() for report in self.places]
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
            name=r["name"],
            title=r["title"],
            licence=r["licence"],
            attribution=r["attribution"],
            url=r.get("url"),
            illustrative=bool(r.get("illustrative")),
            description=r.get("description"),
        )
        for r in records
    }


def records_by_source(path: Path) -> dict[str, list[Record]]:
    """The GeoJSON reader's records, grouped by each feature's ``source`` property.

    The demo keeps its sources in one file; the reader yields one record per
    feature in order, so the n-th record belongs to the n-th feature's source.
    """
    with open(path, encoding="utf-8") as fh:
        sources = [f["properties"]["source"] for f in json.load(fh)["features"]]
    grouped: dict[str, list[Record]] = {}
    for source, record in zip(sources, read_geojson(path), strict=True):
        grouped.setdefault(source, []).append(record)
    return grouped


def read_centres(path: Path) -> list[CentreRow]:
    with open(path, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    rows = []
    for number, f in enumerate(features, start=1):
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"][:2]
        try:
            rows.append(
                CentreRow.make(
                    slug=p["slug"],
                    name=p["name"],
                    address=p["address"],
                    lat=lat,
                    lon=lon,
                    closed_on=p["closed_on"],
                    municipality=p.get("municipality"),
                )
            )
        except RowRejected as exc:
            raise RowRejected(f"{path}: feature {number}: {exc}") from None
    return rows


def load_demo(session: Session, data_dir: Path = DEMO_DIR) -> DemoSummary:
    """Load (or refresh) every demo source in the caller's transaction, through the importers.

    Raises ImportRejected if a demo row does not validate (it is a bug in the demo set).
    """
    sources = read_sources(data_dir / "sources.json")
    places = data_dir / "places.geojson"
    rules = Rules(fee_rules=read_fee_table(data_dir / "fees.csv"))
    sha256 = sha256_of(places)
    summary = DemoSummary()
    for name, records in sorted(records_by_source(places).items()):
        if name not in sources:
            raise RowRejected(f"{places}: source {name!r} is not in sources.json")
        summary.places.append(
            run_import(
                session,
                records,
                sources[name],
                file=str(places.relative_to(PROJECT_ROOT)),
                file_format="geojson",
                sha256=sha256,
                rules=rules,
                replace_source=True,
            )
        )
    osm = data_dir / OSM_FILE
    summary.places.append(
        run_import(
            session,
            read_osm(osm),
            sources[OSM_SOURCE],
            file=str(osm.relative_to(PROJECT_ROOT)),
            file_format="osm",
            sha256=sha256_of(osm),
            rules=rules,
            replace_source=True,
        )
    )
    summary.centres_inserted, summary.centres_updated, summary.centres_unchanged = load_centres(
        session, read_centres(data_dir / "closed_centres.geojson"), sources[CENTRES_SOURCE]
    )
    return summary
