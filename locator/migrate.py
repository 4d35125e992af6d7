"""Schema migrations through alembic, and the checks ``check-db`` reports."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from geoalchemy2 import alembic_helpers
from sqlalchemy import Engine

from .config import PROJECT_ROOT

MIGRATIONS = PROJECT_ROOT / "migrations"

# SpatiaLite's own bookkeeping tables, which are not ours to migrate.
SPATIALITE_TABLES = {
    "KNN",
    "KNN2",
    "SpatialIndex",
    "ElementaryGeometries",
    "data_licenses",
    "sql_statements_log",
    "spatial_ref_sys_aux",
    "SE_external_graphics",
    "SE_fonts",
    "SE_raster_styled_layers",
    "SE_vector_styled_layers",
    "rl2map_configurations",
    "geometry_columns_auth",
}


def include_object(obj, name, obj_type, reflected, compare_to) -> bool:
    """Leave out spatial extensions' tables (PostGIS and SpatiaLite alike)."""
    if obj_type == "table" and (name in SPATIALITE_TABLES or name.startswith("spatialite_")):
        return False
    if obj_type == "table" and reflected and compare_to is None and name in ("topology", "layer", "spatial_ref_sys"):
        return False
    return alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to)


def alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision``; safe to run again."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


def diff_against_model(engine: Engine) -> list:
    """What autogenerate would change: empty when the database equals the model."""
    from alembic.autogenerate import compare_metadata

    from .models import Base

    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "include_object": include_object,
                "compare_type": True,
                "render_as_batch": conn.dialect.name == "sqlite",
            },
        )
        return compare_metadata(ctx, Base.metadata)


def problems(engine: Engine) -> list[str]:
    """Everything that stops locator from using this database, each with its fix."""
    from .db import ping
    from .errors import DatabaseUnavailable

    try:
        ping(engine)
    except DatabaseUnavailable as exc:
        msg = exc.detail
        if engine.dialect.name == "postgresql" and "postgis" in msg.lower():
            msg += "\n  fix: CREATE EXTENSION postgis; (Debian: apt-get install postgresql-15-postgis-3)"
        return [msg]
    current, head = current_revision(engine), head_revision()
    if current is None:
        return ["the database has no locator tables\n  fix: flask --app locator init-db"]
    if current != head:
        return [
            f"the database is behind on migrations (at {current}, code expects {head})\n"
            "  fix: flask --app locator init-db"
        ]
    return []
