"""places: no index on kind

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

No query reads places by kind alone: the nearest-place query takes its candidates from the
spatial index and filters the kind among them.  The index only cost every insert (0.1 s per
100k places on SpatiaLite, bench/README.md) and offered the planner a worse path than the
spatial index for queries with a kind filter.
"""
from typing import Sequence, Union

from alembic import op

revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # A plain DROP INDEX (no batch mode: rebuilding places would unregister its geometry).
    op.drop_index('ix_places_kind', table_name='places')


def downgrade() -> None:
    op.create_index('ix_places_kind', 'places', ['kind'], unique=False)
