"""The import and export commands, end to end on both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from locator import create_app
from locator.models import ImportRun, Place, Source

DATA = Path(__file__).parent / "data"
OK = ["--licence", "CC0", "--attribution", "test"]


@pytest.fixture
def runner(db_url, session):
    return create_app({"DATABASE_URL": db_url}).test_cli_runner()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def places(session, source: str) -> dict[str, tuple]:
    rows = session.execute(
        select(Place.source_ref, Place.name, Place.kind).join(Source).where(Source.name == source)
    ).all()
    return {r.source_ref: (r.name, r.kind) for r in rows}


def test_one_rejected_row_writes_nothing_and_names_every_reason(runner, session, tmp_path):
    f = write(tmp_path, "atm.csv", "id,name,lat,lon\n1,A,56.95,24.1\n2,B,abc,24.1\n3,,56.9,24.2\n4,D,54.68,25.28\n")
    result = runner.invoke(args=["import", "csv", str(f), "--kind", "atm", *OK])
    assert result.exit_code == 1
    assert f"{f}:3: lat 'abc' is not a number" in result.output
    assert f"{f}:4: name is empty" in result.output
    assert f"{f}:5: the point lat 54.68, lon 25.28 is outside Latvia" in result.output
    assert "3 of 4 rows rejected; nothing was written" in result.output
    assert session.scalar(select(func.count()).select_from(Place)) == 0
    assert session.scalar(select(func.count()).select_from(Source)) == 0


def test_skip_invalid_writes_the_valid_rows_and_a_file_of_the_rejected(runner, session, tmp_path):
    f = write(tmp_path, "atm.csv", "id,name,lat,lon\n1,A,56.95,24.1\n2,B,abc,24.1\n")
    rejects = tmp_path / "rejected.csv"
    result = runner.invoke(
        args=["import", "csv", str(f), "--kind", "atm", "--skip-invalid", "--rejects", str(rejects), *OK]
    )
    assert result.exit_code == 0, result.output
    assert set(places(session, "atm")) == {"1"}
    assert rejects.read_text(encoding="utf-8").splitlines() == ["where,reason", f"{f}:3,lat 'abc' is not a number"]


def test_clip_counts_and_skips_points_outside_latvia(runner, session, tmp_path):
    f = write(tmp_path, "atm.csv", "id,name,lat,lon\n1,A,56.95,24.1\n2,Vilnius,54.68,25.28\n")
    result = runner.invoke(args=["import", "csv", str(f), "--kind", "atm", "--clip", *OK])
    assert result.exit_code == 0 and "1 inserted" in result.output and "1 clipped" in result.output


def test_the_same_file_again_changes_nothing_and_each_import_is_recorded(runner, session, tmp_path):
    f = write(tmp_path, "atm.csv", 'id,name,lat,lon,fee_bill_payment\n1,A,56.95,24.1,"0,50"\n2,B,56.96,24.2,0\n')
    first = runner.invoke(args=["import", "csv", str(f), "--kind", "atm", *OK])
    second = runner.invoke(args=["import", "csv", str(f), "--kind", "atm"])
    assert "2 inserted" in first.output
    assert "0 inserted, 0 updated, 2 unchanged" in second.output
    runs = session.scalars(select(ImportRun).order_by(ImportRun.id)).all()
    assert [(r.inserted, r.unchanged) for r in runs] == [(2, 0), (0, 2)]
    assert len(runs[0].file_sha256) == 64 and runs[0].file_sha256 == runs[1].file_sha256


def test_replace_source_removes_places_the_file_no_longer_has(runner, session, tmp_path):
    runner.invoke(
        args=[
            "import",
            "csv",
            str(write(tmp_path, "a.csv", "id,name,lat,lon\n1,A,56.95,24.1\n2,B,56.96,24.2\n")),
            "--source",
            "s",
            "--kind",
            "atm",
            *OK,
        ]
    )
    result = runner.invoke(
        args=[
            "import",
            "csv",
            str(write(tmp_path, "b.csv", "id,name,lat,lon\n2,B,56.96,24.2\n")),
            "--source",
            "s",
            "--kind",
            "atm",
            "--replace-source",
        ]
    )
    assert "1 removed" in result.output and set(places(session, "s")) == {"2"}


def test_dry_run_counts_but_writes_nothing(runner, session, tmp_path):
    f = write(tmp_path, "atm.csv", "id,name,lat,lon\n1,A,56.95,24.1\n")
    result = runner.invoke(args=["import", "csv", str(f), "--kind", "atm", "--dry-run", *OK])
    assert "1 inserted" in result.output and "dry run: nothing written" in result.output
    assert session.scalar(select(func.count()).select_from(Place)) == 0


def test_a_new_source_needs_its_licence(runner, tmp_path):
    f = write(tmp_path, "atm.csv", "id,name,lat,lon\n1,A,56.95,24.1\n")
    result = runner.invoke(args=["import", "csv", str(f), "--kind", "atm"])
    assert result.exit_code == 2 and "--licence and --attribution" in result.output


def test_duplicates_across_sources_are_reported_and_merged_on_request(runner, session, tmp_path):
    bank = write(tmp_path, "bank.csv", "id,name,brand,lat,lon\nb1,Swedbank bankomāts,Swedbank,56.9500,24.1000\n")
    osm = write(
        tmp_path, "osm.csv", "id,name,lat,lon\nn1,SWEDBANK Bankomats,56.95010,24.10010\nn2,Citadele,56.97,24.2\n"
    )
    runner.invoke(args=["import", "csv", str(bank), "--source", "bank", "--kind", "atm", *OK])
    seen = runner.invoke(args=["import", "csv", str(osm), "--source", "osm", "--kind", "atm", "--dry-run", *OK])
    assert "1 rows possible duplicates" in seen.output and "n1 'SWEDBANK Bankomats' ~ place" in seen.output
    merged = runner.invoke(
        args=["import", "csv", str(osm), "--source", "osm", "--kind", "atm", "--merge-duplicates", *OK]
    )
    assert "1 merged" in merged.output and set(places(session, "osm")) == {"n2"}


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_export_imports_back_unchanged(runner, session, tmp_path, fmt):
    f = write(
        tmp_path,
        "atm.csv",
        "id,name,brand,lat,lon,offers\n"
        "1,Swedbank bankomāts,Swedbank,56.951234567,24.1,bill_payment=0 if salary_card=Swedbank; bill_payment=1.20\n"
        '2,"Pasts ""Rīga""",,56.96,24.2,bill_payment=0.50\n',
    )
    assert runner.invoke(args=["import", "csv", str(f), "--source", "s", "--kind", "atm", *OK]).exit_code == 0
    out = tmp_path / f"out.{fmt}"
    assert runner.invoke(args=["export", fmt, "--source", "s", "-o", str(out)]).exit_code == 0
    again = runner.invoke(args=["import", fmt, str(out), "--source", "s"])
    assert "0 inserted, 0 updated, 2 unchanged" in again.output, again.output
    if fmt == "geojson":
        props = json.loads(out.read_text(encoding="utf-8"))["features"][0]["properties"]
        assert props["offers"][0] == {"service": "bill_payment", "fee_eur": "0.00", "condition": "salary_card=swedbank"}


@pytest.mark.parametrize("name", ["places_utf8.csv", "places_utf8_bom.csv", "places_iso8859_13.csv"])
def test_latvian_names_arrive_intact_in_the_database_from_every_encoding(runner, session, name):
    result = runner.invoke(args=["import", "csv", str(DATA / "csv" / name), "--source", "enc", *OK])
    assert result.exit_code == 0, result.output
    names = {n for n, _ in places(session, "enc").values()}
    addresses = set(session.scalars(select(Place.address)))
    assert "Jāņkrogs" in names and any("Rīga" in (a or "") for a in addresses | names)
    assert any("Daugavpils Ģimnāzijas iela" in (a or "") for a in addresses | names)


def test_a_bank_file_with_latvian_headers_imports_without_editing(runner, session):
    result = runner.invoke(
        args=[
            "import",
            "csv",
            str(DATA / "csv" / "banka_cp1257.csv"),
            "--source",
            "banka",
            "--kind",
            "bank_branch",
            "--map",
            "name=banka",
            "--map",
            "address=adrese",
            "--map",
            "fee_bill_payment=komisija",
            *OK,
        ]
    )
    assert result.exit_code == 0, result.output
    got = {ref: name for ref, (name, _) in places(session, "banka").items()}
    assert got == {"SW-001": "Swedbank", "SW-002": "Jāņkrogs", "SW-003": 'SIA "Mego"'}


def test_a_terminal_gets_a_progress_bar_and_a_pipe_only_the_summary(db_url, session, tmp_path):
    import os
    import pty
    import subprocess
    import sys

    f = write(
        tmp_path, "atm.csv", "id,name,lat,lon\n" + "".join(f"{i},A{i},{56.9 + i / 1e5:.6f},24.1\n" for i in range(2000))
    )
    env = {**os.environ, "LOCATOR_DATABASE_URL": db_url, "COLUMNS": "100"}
    flask = str(Path(sys.executable).with_name("flask"))
    args = [flask, "--app", "locator", "import", "csv", str(f), "--kind", "atm", "--dry-run", *OK]
    piped = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0 and "Reading" not in piped.stderr + piped.stdout
    assert "Importing" not in piped.stderr + piped.stdout
    assert piped.stdout.strip().endswith(
        "2000 inserted, 0 updated, 0 unchanged, 0 rejected, 0 clipped, 0 merged, 0 removed; "
        "2000 with no known fee (listed as 'fee unknown') (dry run: nothing written)"
    )
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(args, env=env, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=120)
    text = seen.decode("utf-8", "replace")
    assert proc.returncode == 0 and "Reading atm.csv" in text and "100%" in text
    assert "Importing atm.csv" in text and text.count("100%") >= 2


@pytest.mark.parametrize(
    "command",
    [["import", "csv", str(DATA / "csv" / "places_utf8.csv"), *OK], ["export", "csv", "-o", "-"]],
    ids=["import", "export"],
)
def test_a_database_without_tables_is_named_with_the_fix(tmp_path, command):
    app = create_app({"DATABASE_URL": f"sqlite+pysqlite:///{tmp_path / 'empty.sqlite'}"})
    result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 1
    assert result.output.endswith(
        "Error: the database is not ready:\nthe database has no locator tables\n  fix: flask --app locator init-db\n"
    )


def test_an_osm_pbf_extract_imports_like_the_same_data_as_xml(runner, session, tmp_path):
    from tests.test_osm_reader import XML, to_pbf

    pbf = to_pbf(XML, tmp_path / "latvia-latest.osm.pbf")
    result = runner.invoke(
        args=[
            "import",
            "osm",
            str(pbf),
            "--source",
            "osm-pbf",
            "--skip-invalid",
            "--rejects",
            str(tmp_path / "rejected.csv"),
            *OK,
        ]
    )
    assert result.exit_code == 0, result.output
    xml = runner.invoke(
        args=[
            "import",
            "osm",
            str(XML),
            "--source",
            "osm-xml",
            "--skip-invalid",
            "--rejects",
            str(tmp_path / "rejected-xml.csv"),
            *OK,
        ]
    )
    assert xml.exit_code == 0, xml.output
    from_pbf, from_xml = places(session, "osm-pbf"), places(session, "osm-xml")
    assert from_pbf and set(from_pbf) <= set(from_xml)
    assert set(from_xml) - set(from_pbf) == {"way/301", "relation/402"}  # placed by Overpass <center> only
