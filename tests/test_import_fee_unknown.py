"""Places imported without a known fee still show up, for the services their kind usually
offers, as "fee unknown", and are never counted as commission-free (both engines)."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from locator import create_app
from locator.domain.vocabulary import USUAL_SERVICES
from locator.models import Offer, Place, Source

OK = ["--licence", "made up", "--attribution", "locator tests"]
# A bank's ATM export without a single fee column (the shape of the one that never showed up).
ATMS = (
    "ID;Nosaukums;Adrese;Veids;Platums;Garums\n"
    "F1;Bankomāts Vecrīgā;Kaļķu iela 1, Rīga;COM;56,9486;24,1099\n"
    "F2;Bankomāts Centrā;Brīvības iela 30, Rīga;COM;56,9560;24,1180\n"
    "F3;Bankomāts Jelgavā;Lielā iela 2, Jelgava;CIM;56,6511;23,7214\n"
)
RIGA = "lat=56.9477&lon=24.1085"


@pytest.fixture
def app(db_url, session):
    return create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test"})


@pytest.fixture
def imported(app, tmp_path):
    path = tmp_path / "bankomati.csv"
    path.write_bytes(ATMS.encode("cp1257"))
    result = app.test_cli_runner().invoke(
        args=["import", "csv", str(path), "--source", "fee-less-atms", "--kind", "atm", *OK]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_the_summary_counts_the_places_with_no_known_fee(imported):
    assert "3 read, 3 inserted" in imported
    assert "; 3 with no known fee (listed as 'fee unknown')" in imported


def test_each_place_gets_its_kinds_usual_services_at_an_unknown_fee(imported, session):
    offers = session.execute(select(Place.source_ref, Offer.service, Offer.fee_eur).join(Offer.place)).all()
    assert sorted(offers) == sorted((ref, s, None) for ref in ("F1", "F2", "F3") for s in USUAL_SERVICES["atm"])


@pytest.mark.parametrize("service", USUAL_SERVICES["atm"])
def test_the_places_appear_in_the_api_with_fee_null(app, imported, service):
    answer = app.test_client().get(f"/api/nearest?{RIGA}&service={service}&k=10").get_json()
    got = {r["name"]: r for r in answer["results"]}
    assert set(got) == {"Bankomāts Vecrīgā", "Bankomāts Centrā", "Bankomāts Jelgavā"}
    for r in got.values():
        assert r["fee_eur"] is None and r["fee_known"] is False and r["commission_free"] is False
    distances = [r["distance_m"] for r in answer["results"]]
    assert distances == sorted(distances)


def test_an_unknown_fee_is_never_commission_free(app, imported):
    client = app.test_client()
    for service in USUAL_SERVICES["atm"]:
        answer = client.get(f"/api/nearest?{RIGA}&service={service}&commission_free=true&k=10").get_json()
        assert answer["results"] == []
    with_card = client.get(f"/api/nearest?{RIGA}&commission_free=true&salary_card=Swedbank&k=10").get_json()
    assert with_card["results"] == []


def test_a_service_the_kind_does_not_usually_offer_stays_out(app, imported):
    assert "buy_phones" not in USUAL_SERVICES["atm"]
    answer = app.test_client().get(f"/api/nearest?{RIGA}&service=buy_phones&k=10").get_json()
    assert answer["results"] == []


@pytest.mark.parametrize(("prefix", "text"), [("", "maksa nav zināma"), ("/en", "fee unknown")])
def test_the_page_says_fee_unknown(app, imported, prefix, text):
    page = app.test_client().get(f"{prefix}/?{RIGA}&service=cash_deposit&commission_free=0")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count(f'<span class="fee unknown">{text}</span>') == 3


def test_the_files_own_services_override_the_kinds_table(app, session, tmp_path):
    path = tmp_path / "atms.csv"
    path.write_text(
        "id,name,lat,lon,offers\n"
        "1,Tikai iemaksa,56.9486,24.1099,cash_deposit=unknown\n"
        "2,Rēķini par 0.30,56.9490,24.1100,bill_payment=0.30\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["import", "csv", str(path), "--source", "own", "--kind", "atm", *OK])
    assert result.exit_code == 0, result.output
    assert "; 1 with no known fee" in result.output
    client = app.test_client()
    deposit = client.get(f"/api/nearest?{RIGA}&service=cash_deposit&k=10").get_json()["results"]
    bills = client.get(f"/api/nearest?{RIGA}&service=bill_payment&k=10").get_json()["results"]
    assert [(r["name"], r["fee_eur"]) for r in deposit] == [("Tikai iemaksa", None)]
    assert [(r["name"], r["fee_eur"]) for r in bills] == [("Rēķini par 0.30", 0.3)]


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_an_unknown_fee_exports_and_imports_back_unchanged(app, imported, session, tmp_path, fmt):
    runner = app.test_cli_runner()
    out = tmp_path / f"export.{fmt}"
    assert runner.invoke(args=["export", fmt, "--source", "fee-less-atms", "-o", str(out)]).exit_code == 0
    if fmt == "csv":
        offers = {row["offers"] for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
        assert offers == {"bill_payment=unknown; cash_deposit=unknown"}
    again = runner.invoke(args=["import", fmt, str(out), "--source", "fee-less-atms"])
    assert again.exit_code == 0, again.output
    assert "0 inserted, 0 updated, 3 unchanged" in again.output
    assert session.scalar(select(Source.name).where(Source.name == "fee-less-atms")) == "fee-less-atms"


def test_the_geojson_answer_carries_the_unknown_fee_too(app, imported):
    answer = app.test_client().get(f"/api/nearest?{RIGA}&service=cash_deposit&k=10&f=geojson").get_json()
    props = [f["properties"] for f in answer["features"]]
    assert len(props) == 3 and all(p["fee_eur"] is None and p["fee_known"] is False for p in props)


@pytest.mark.parametrize(("prefix", "text"), [("", "maksa nav zināma"), ("/en", "fee unknown")])
def test_the_place_page_lists_each_service_with_fee_unknown(app, imported, session, prefix, text):
    place_id = session.scalar(select(Place.id).where(Place.source_ref == "F1"))
    html = app.test_client().get(f"{prefix}/places/{place_id}").get_data(as_text=True)
    assert html.count(text) >= len(USUAL_SERVICES["atm"])
