"""Throwaway databases on both engines, for fixtures and tests that need an empty one."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from locator.db import dispose_engines

ENGINES = ("spatialite", "postgis")


def postgres_admin_url() -> str:
    url = os.environ.get("LOCATOR_TEST_POSTGRES_URL")
    if not url:
        pytest.fail(
            "LOCATOR_TEST_POSTGRES_URL is not set: run the suite with `make test`, which "
            "installs PostGIS and starts a throwaway cluster (PostGIS tests are never skipped)."
        )
    return url


def _create_postgis_database() -> tuple[str, callable]:
    admin = postgres_admin_url()
    name = f"locator_t_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))

    def drop() -> None:
        dispose_engines()
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()

    return url, drop


def new_database(kind: str, tmp_path_factory) -> tuple[str, callable]:
    """An empty database of ``kind`` (no tables) and a function that removes it."""
    if kind == "spatialite":
        path = tmp_path_factory.mktemp("db") / "locator.sqlite"
        return f"sqlite+pysqlite:///{path}", lambda: None
    return _create_postgis_database()
