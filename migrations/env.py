"""Alembic environment shared by ``flask --app locator init-db`` and the alembic CLI.

The app passes its own connection in ``config.attributes["connection"]``; the
CLI builds an engine from ``LOCATOR_DATABASE_URL`` the same way the app does.
"""

from alembic import context
from geoalchemy2 import alembic_helpers

from locator.migrate import include_object
from locator.models import Base

config = context.config


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    from locator.config import load_settings
    from locator.db import get_engine

    settings = load_settings()
    engine = get_engine(settings["DATABASE_URL"], settings["SPATIALITE_LIBRARY_PATH"])
    with engine.begin() as conn:
        run(conn)
