"""places, offers, sources, closed centres

Revision ID: 0001
Revises: 
Create Date: 2026-11-24

The initial schema. Geometry columns are WGS84 points with a spatial index
(R*Tree on SpatiaLite, GiST on PostGIS).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import geoalchemy2
from geoalchemy2 import Geometry

revision: str = '0001'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('licence', sa.String(length=200), nullable=False),
    sa.Column('attribution', sa.String(length=500), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('name', name=op.f('uq_sources_name'))
    )
    op.create_geospatial_table('closed_centres',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('municipality', sa.String(length=100), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_closed_centres_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closed_centres')),
    sa.UniqueConstraint('slug', name=op.f('uq_closed_centres_slug'))
    )
    with op.batch_alter_table('closed_centres', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_closed_centres_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})

    op.create_geospatial_table('places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('brand', sa.String(length=100), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('municipality', sa.String(length=100), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('opening_hours', sa.String(length=500), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('bank_branch', 'atm', 'post_office', 'dealer', 'telecom_shop')", name=op.f('ck_places_kind')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_places_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places')),
    sa.UniqueConstraint('source_id', 'source_ref', name=op.f('uq_places_source_id_source_ref'))
    )
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_places_geom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index('ix_places_kind', ['kind'], unique=False)

    op.create_table('offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=20), nullable=False),
    sa.Column('fee_eur', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('condition', sa.String(length=200), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.CheckConstraint("service IN ('bill_payment', 'cash_deposit', 'buy_services', 'buy_phones')", name=op.f('ck_offers_service')),
    sa.CheckConstraint('fee_eur >= 0', name=op.f('ck_offers_fee_not_negative')),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_offers_place_id_places'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offers'))
    )
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index('ix_offers_place_id_service', ['place_id', 'service'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index('ix_offers_place_id_service')

    op.drop_table('offers')
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_index('ix_places_kind')
        batch_op.drop_geospatial_index('idx_places_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('places')
    with op.batch_alter_table('closed_centres', schema=None) as batch_op:
        batch_op.drop_geospatial_index('idx_closed_centres_geom', postgresql_using='gist', column_name='geom')

    op.drop_geospatial_table('closed_centres')
    op.drop_table('sources')
