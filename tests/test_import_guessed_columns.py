"""An explicit flag wins over a column guessed from the header, and every message about a
guessed column names it (a bank's ATM export whose ``veids`` column is the ATM's type)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from locator import create_app
from locator.importers.options import Rules
from locator.importers.readers.csv_reader import read_csv
from locator.importers.validator import validate_table
from locator.models import Place, Source

OK = ["--licence", "made up", "--attribution", "locator tests"]
# The shape of the bank's export: ';', Windows-1257, Latvian headers, and `veids` holding the
# type of ATM (COM: a cash machine with a deposit slot), which the header alias reads as the kind.
ATM_EXPORT = (
    "ID;Nosaukums;Adrese;Veids;Platums;Garums\n"
    "A1;Bankomāts Audēju ielā;Audēju iela 16, Rīga;COM;56,9477;24,1085\n"
    "A2;Bankomāts Jelgavā;Lielā iela 2, Jelgava;COM;56,6511;23,7214\n"
    "A3;Bankomāts Liepājā;Graudu iela 27, Liepāja;CIM;56,5087;21,0119\n"
)


@pytest.fixture
def export(tmp_path) -> Path:
    path = tmp_path / "bankomati.csv"
    path.write_bytes(ATM_EXPORT.encode("cp1257"))
    return path


@pytest.fixture
def runner(db_url, session):
    return create_app({"DATABASE_URL": db_url}).test_cli_runner()


def test_kind_flag_wins_over_the_veids_column(runner, session, export):
    result = runner.invoke(args=["import", "csv", str(export), "--source", "bank-atms", "--kind", "atm", *OK])
    assert result.exit_code == 0, result.output
    assert "3 inserted" in result.output and "0 rejected" in result.output
    assert f"{export}: kind from --kind, not from column 'Veids'" in result.output
    kinds = session.scalars(select(Place.kind).join(Source).where(Source.name == "bank-atms")).all()
    assert kinds == ["atm", "atm", "atm"]


def test_without_the_flag_each_reason_names_the_guessed_column(runner, session, export):
    result = runner.invoke(args=["import", "csv", str(export), "--source", "bank-atms", *OK])
    assert result.exit_code == 1
    for line, kind in ((2, "COM"), (3, "COM"), (4, "CIM")):
        assert f"{export}:{line}: unknown kind '{kind}';" in result.output
    reasons = [line for line in result.output.splitlines() if ": unknown kind" in line]
    assert len(reasons) == 3 and all(r.endswith("(kind from column 'Veids')") for r in reasons)
    assert session.scalars(select(Place)).first() is None


def test_a_reason_about_guessed_coordinates_names_both_columns(tmp_path):
    path = tmp_path / "swapped.csv"
    path.write_text("id;nosaukums;platums;garums\n1;Bankomāts;24,1085;56,9477\n", encoding="utf-8")
    (reason,) = validate_table(read_csv(path), Rules(default_kind="atm"))
    assert reason.startswith("lat 24.1085 and lon 56.9477 look swapped")
    assert reason.endswith("(lat from column 'platums', lon from column 'garums')")


def test_a_canonical_or_mapped_column_is_not_a_guess(tmp_path):
    path = tmp_path / "atms.csv"
    path.write_text("id,kind,nosaukums,lat,lon\n1,kiosk,A,56.95,24.1\n", encoding="utf-8")
    table = read_csv(path)
    assert table.guessed == {"source_ref": "id", "name": "nosaukums"}
    (reason,) = validate_table(table, Rules())
    assert reason.startswith("unknown kind 'kiosk'") and "from column" not in reason


def test_a_duplicate_id_names_the_column_it_was_guessed_from(runner, session, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("ID;nosaukums;platums;garums\n7;A;56,95;24,1\n7;B;56,96;24,1\n", encoding="utf-8")
    result = runner.invoke(args=["import", "csv", str(path), "--kind", "atm", *OK])
    assert result.exit_code == 1
    assert f"{path}:3: duplicate id '7' in the file (first at {path}:2) (source_ref from column 'ID')" in result.output


def test_a_missing_point_names_the_guessed_address_column(tmp_path):
    path = tmp_path / "no_point.csv"
    path.write_text("id,nosaukums,adrese,platums,garums\n1,A,Audēju iela 16,,\n", encoding="utf-8")
    (reason,) = validate_table(read_csv(path), Rules(default_kind="atm"))
    assert reason.startswith("coordinates missing and no geocoder is configured to find 'Audēju iela 16'")
    assert reason.endswith("(address from column 'adrese')")
