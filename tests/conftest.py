"""Fixtures that build the test world from code, on both engines.

Every database fixture is parametrized over ``spatialite`` (a temporary file)
and ``postgis`` (a fresh database in the throwaway cluster that ``make test``
starts and names in ``LOCATOR_TEST_POSTGRES_URL``).  A missing engine is a
failure, never a skip.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, delete

from locator import create_app, migrate
from locator.db import get_engine, ping, session_for
from locator.models import ClosedCentre, ImportRun, Offer, Place, Source
from tests.browser import browser, page  # noqa: F401  (registered once: one Chromium per session)
from tests.databases import ENGINES, new_database


@pytest.fixture(scope="session", params=ENGINES)
def db_url(request, tmp_path_factory):
    """A migrated, empty database on each engine, shared by the session."""
    url, drop = new_database(request.param, tmp_path_factory)
    migrate.upgrade(get_engine(url))
    yield url
    drop()


@pytest.fixture
def engine(db_url):
    return get_engine(db_url)


def wipe(engine) -> None:
    with engine.begin() as conn:
        for model in (ImportRun, Offer, Place, ClosedCentre, Source):
            conn.execute(delete(model.__table__))


@pytest.fixture
def session(engine):
    """A session on an empty database, rolled back and wiped afterwards."""
    wipe(engine)
    s = session_for(engine)
    yield s
    s.rollback()
    s.close()
    wipe(engine)


@pytest.fixture(scope="session", params=ENGINES)
def demo_db_url(request, tmp_path_factory):
    """A database on each engine loaded with the demo set through `load-demo`'s code."""
    from locator.db import session_scope
    from locator.importers.demo import load_demo

    url, drop = new_database(request.param, tmp_path_factory)
    engine = get_engine(url)
    migrate.upgrade(engine)
    with session_scope(engine) as s:
        load_demo(s)
    yield url
    drop()


@pytest.fixture
def app(demo_db_url):
    return create_app({"DATABASE_URL": demo_db_url, "TESTING": True, "SECRET_KEY": "test"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_session(demo_db_url):
    s = session_for(get_engine(demo_db_url))
    yield s
    s.rollback()
    s.close()


def pytest_report_header(config):
    lines = []
    try:
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            e = get_engine(f"sqlite+pysqlite:///{d}/probe.sqlite")
            lines.append("spatialite: " + ", ".join(f"{k} {v}" for k, v in ping(e).items()))
            e.dispose()
    except Exception as exc:  # shown, and the tests will fail loudly
        lines.append(f"spatialite: unavailable ({exc})")
    url = os.environ.get("LOCATOR_TEST_POSTGRES_URL")
    if url:
        try:
            e = create_engine(url)
            lines.append("postgis: " + ", ".join(f"{k} {v}" for k, v in ping(e).items()))
            e.dispose()
        except Exception as exc:
            lines.append(f"postgis: unavailable ({exc})")
    else:
        lines.append("postgis: LOCATOR_TEST_POSTGRES_URL not set (run `make test`)")
    return lines


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(demo_db_url, tmp_path_factory):
    """gunicorn serving ``create_app()`` on a free loopback port, configured by environment.

    The same entry point as ``make run``; its output is shown if it fails to start.
    """
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    port = free_port()
    log = tmp_path_factory.mktemp("live") / "gunicorn.log"
    # No LOCATOR_SECRET_KEY: like `make run`, the two workers must share the generated one.
    env = {k: v for k, v in os.environ.items() if k != "LOCATOR_SECRET_KEY"}
    env["LOCATOR_DATABASE_URL"] = demo_db_url
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [gunicorn, "-b", f"127.0.0.1:{port}", "-w", "2", "locator:create_app()"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=Path(__file__).parent.parent,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
