"""Migrations from empty equal the model, and check-db says what is wrong and how to fix it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from locator import create_app, migrate
from locator.db import get_engine
from tests.databases import ENGINES, new_database, postgres_admin_url


@pytest.fixture(params=ENGINES)
def empty_db(request, tmp_path_factory):
    url, drop = new_database(request.param, tmp_path_factory)
    yield url
    drop()


def test_upgrade_from_empty_equals_the_model(empty_db):
    engine = get_engine(empty_db)
    migrate.upgrade(engine)
    assert migrate.diff_against_model(engine) == []
    assert {"places", "offers", "sources", "closed_centres"} <= set(inspect(engine).get_table_names())
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_downgrade_to_empty_and_back(empty_db):
    engine = get_engine(empty_db)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert "places" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert migrate.diff_against_model(engine) == []


def test_init_db_is_safe_to_run_twice(empty_db):
    runner = create_app({"DATABASE_URL": empty_db}).test_cli_runner()
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and "migrated from empty" in first.output
    assert second.exit_code == 0 and "up to date" in second.output


def test_check_db_on_an_empty_database_says_to_run_init_db(empty_db):
    runner = create_app({"DATABASE_URL": empty_db}).test_cli_runner()
    result = runner.invoke(args=["check-db"])
    assert result.exit_code == 1
    assert "no locator tables" in result.output and "flask --app locator init-db" in result.output
    runner.invoke(args=["init-db"])
    ok = runner.invoke(args=["check-db"])
    assert ok.exit_code == 0 and "is ready" in ok.output


def test_check_db_says_when_the_database_is_behind(empty_db):
    engine = get_engine(empty_db)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    problems = migrate.problems(engine)
    assert len(problems) == 1 and "behind on migrations" in problems[0] and "init-db" in problems[0]


def test_check_db_names_a_missing_spatialite_module(tmp_path):
    app = create_app(
        {
            "DATABASE_URL": f"sqlite+pysqlite:///{tmp_path}/x.sqlite",
            "SPATIALITE_LIBRARY_PATH": "mod_spatialite_missing",
        }
    )
    result = app.test_cli_runner().invoke(args=["check-db"])
    assert result.exit_code == 1
    assert "could not load the SpatiaLite extension" in result.output
    assert "apt-get install libsqlite3-mod-spatialite" in result.output


def test_check_db_names_a_missing_postgis_extension():
    admin = postgres_admin_url()
    name = "locator_t_no_postgis"
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(admin).set(database=name).render_as_string(hide_password=False)
        result = create_app({"DATABASE_URL": url}).test_cli_runner().invoke(args=["check-db"])
        assert result.exit_code == 1
        assert "CREATE EXTENSION postgis" in result.output
    finally:
        from locator.db import dispose_engines

        dispose_engines()
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
