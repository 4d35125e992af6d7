"""`load-demo` loads the shipped demo set through the importers, and a second run changes nothing."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from locator import create_app
from locator.importers.demo import DEMO_DIR
from locator.models import ClosedCentre, ImportRun, Offer, Place, Source


def test_load_demo_twice_inserts_then_changes_nothing(db_url, session):
    runner = create_app({"DATABASE_URL": db_url}).test_cli_runner()
    first = runner.invoke(args=["load-demo"])
    second = runner.invoke(args=["load-demo"])
    assert first.exit_code == 0, first.output
    features = json.loads((DEMO_DIR / "places.geojson").read_text(encoding="utf-8"))["features"]
    features += json.loads((DEMO_DIR / "osm_2019.json").read_text(encoding="utf-8"))["elements"]
    inserted = sum(
        int(line.split(" inserted")[0].rsplit(" ", 1)[1])
        for line in first.output.splitlines()
        if not line.startswith("closed centres")
    )
    assert inserted == len(features)
    assert all(" 0 rejected" in line for line in first.output.splitlines() if "->" in line)
    assert "0 inserted, 0 updated" in second.output and "updated, 0 unchanged" not in second.output
    assert all(" 0 inserted, 0 updated" in line for line in second.output.splitlines())
    assert session.scalar(select(func.count()).select_from(Place)) == len(features)
    assert session.scalar(select(func.count()).select_from(ClosedCentre)) >= 8


def test_every_demo_place_gets_offers_from_the_fee_table(db_url, session):
    create_app({"DATABASE_URL": db_url}).test_cli_runner().invoke(args=["load-demo"])
    without = session.scalar(select(func.count()).select_from(Place).where(~Place.offers.any()))
    assert without == 0
    assert session.scalar(select(func.count()).select_from(Offer).where(Offer.condition.is_not(None))) > 0


def test_invented_sources_say_illustrative(db_url, session):
    create_app({"DATABASE_URL": db_url}).test_cli_runner().invoke(args=["load-demo"])
    for src in session.scalars(select(Source)):
        text = f"{src.title} {src.licence} {src.description}".lower()
        assert src.licence and src.attribution
        if src.illustrative or src.name in ("osm-shops", "osm-2019"):
            assert "illustrative" in text, src.name


def test_the_real_places_come_in_through_the_osm_reader(db_url, session):
    create_app({"DATABASE_URL": db_url}).test_cli_runner().invoke(args=["load-demo"])
    run = session.scalars(select(ImportRun).join(Source).where(Source.name == "osm-2019")).one()
    assert (run.file_format, run.file_name, run.rejected) == ("osm", "data/demo/osm_2019.json", 0)
    elements = json.loads((DEMO_DIR / "osm_2019.json").read_text(encoding="utf-8"))["elements"]
    refs = set(session.scalars(select(Place.source_ref).join(Source).where(Source.name == "osm-2019")))
    assert refs == {f"node/{e['id']}" for e in elements}
    source = session.scalars(select(Source).where(Source.name == "osm-2019")).one()
    assert not source.illustrative and source.licence == "ODbL 1.0"
