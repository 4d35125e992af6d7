"""addresses: the national address register's existing addresses

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

``flask --app locator addresses import aw_eka.csv`` loads the State Land Service's register
here (one row per KODS, parsed into street, house, town and areas); the gazetteer reads it into
its house-number index.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('addresses',
    sa.Column('code', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('address', sa.String(length=400), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=True),
    sa.Column('house', sa.String(length=200), nullable=False),
    sa.Column('town', sa.String(length=200), nullable=True),
    sa.Column('areas', sa.String(length=300), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_addresses'))
    )


def downgrade() -> None:
    op.drop_table('addresses')
