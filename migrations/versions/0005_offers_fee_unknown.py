"""offers: fee_eur may be NULL (the fee is unknown)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

A place imported without fees (a bank's ATM list) still offers the services its kind usually
offers (locator.domain.vocabulary.USUAL_SERVICES), at a fee nobody has told us: NULL.  Such an
offer lists the place as "fee unknown" and never as commission-free.  On SQLite the column
is changed by batch mode (the offers table is copied; it has no geometry to unregister).
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FEE = sa.Numeric(8, 2, asdecimal=True)


def upgrade() -> None:
    with op.batch_alter_table('offers') as batch:
        batch.alter_column('fee_eur', existing_type=FEE, nullable=True)


def downgrade() -> None:
    # Unknown fees cannot be kept in a NOT NULL column: those offers go.
    op.execute('DELETE FROM offers WHERE fee_eur IS NULL')
    with op.batch_alter_table('offers') as batch:
        batch.alter_column('fee_eur', existing_type=FEE, nullable=False)
