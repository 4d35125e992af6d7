"""``flask --app locator init-db|check-db|load-demo|settings``: a thin layer over db, migrate and the demo."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import migrate
from ..config import SETTINGS
from ..db import get_engine


def app_engine():
    """The engine of the app's ``DATABASE_URL`` (one pool per URL, see :func:`locator.db.get_engine`)."""
    return get_engine(current_app.config["DATABASE_URL"], current_app.config["SPATIALITE_LIBRARY_PATH"])


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema (alembic migrations to head).

    Safe to run again: an up-to-date database is left as it is.
    """
    engine = app_engine()
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"Database {where} is up to date (revision {after}).")
    else:
        click.echo(f"Database {where} migrated from {before or 'empty'} to {after}.")


@click.command("check-db")
@with_appcontext
def check_db_command() -> None:
    """Say whether the database is usable, and how to fix it if not."""
    engine = app_engine()
    problems = migrate.problems(engine)
    where = engine.url.render_as_string(hide_password=True)
    if problems:
        click.echo(f"Database {where} is not ready:", err=True)
        for p in problems:
            click.echo(f"- {p}", err=True)
        sys.exit(1)
    from ..db import ping

    versions = ", ".join(f"{k} {v}" for k, v in ping(engine).items())
    click.echo(f"Database {where} is ready ({versions}; revision {migrate.head_revision()}).")


@click.command("load-demo")
@with_appcontext
def load_demo_command() -> None:
    """Load the demo data set from data/demo (idempotent: a second run changes nothing)."""
    from locator.importers.demo import load_demo

    from ..db import session_scope

    engine = app_engine()
    if migrate.problems(engine):
        migrate.upgrade(engine)
    with session_scope(engine) as session:
        summary = load_demo(session)
    for line in summary.lines():
        click.echo(line)


@click.command("settings")
@with_appcontext
def settings_command() -> None:
    """Print every setting with its current value, default and help."""
    for s in SETTINGS:
        value = current_app.config.get(s.name)
        if s.name == "SECRET_KEY":
            value = "(set)" if value else "(random)"
        click.echo(f"{s.name} = {value!r}\n    {s.help} (default: {s.default!r})")


COMMANDS = (init_db_command, check_db_command, load_demo_command, settings_command)
