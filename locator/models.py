"""The database model (places, their offers, sources, closed centres, import runs), the same on SpatiaLite and PostGIS.

Geometries are points in WGS84 (SRID 4326, lon/lat order) with a spatial index:
an R*Tree (``idx_<table>_geom``) on SpatiaLite, GiST on PostGIS.  Distances are
never computed from these coordinates as planar degrees: see ``locator.query``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from geoalchemy2 import Geometry
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import BigInteger, Boolean, Date, DateTime, Float

from .domain.vocabulary import KINDS, SERVICES

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

POINT = Geometry(geometry_type="POINT", srid=4326, spatial_index=True)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Source(Base):
    """Where places came from, with the licence and attribution it asks for."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    licence: Mapped[str] = mapped_column(String(200))
    attribution: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(500))
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    places: Mapped[list[Place]] = relationship(back_populates="source")


class Place(Base):
    """Somewhere a customer can go: a bank branch, ATM, post office or shop."""

    __tablename__ = "places"
    __table_args__ = (
        UniqueConstraint("source_id", "source_ref"),
        CheckConstraint(_in("kind", KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    brand: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    municipality: Mapped[str | None] = mapped_column(String(100))
    geom: Mapped[str] = mapped_column(POINT, nullable=False)
    opening_hours: Mapped[str | None] = mapped_column(String(500))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    source_ref: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    source: Mapped[Source] = relationship(back_populates="places")
    offers: Mapped[list[Offer]] = relationship(
        back_populates="place", cascade="all, delete-orphan", passive_deletes=True
    )


class Offer(Base):
    """One thing a place lets a customer do, and what it costs.

    ``fee_eur`` 0 means no commission; NULL means the fee is unknown (the place offers the
    service, its source gave no fee: never commission-free).  ``condition`` (e.g.
    ``salary_card=Swedbank``) limits the offer to customers who meet it; a
    place may carry several offers for one service, and the customer pays the
    lowest fee among those that apply (``locator.domain.fees``).
    """

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint(_in("service", SERVICES), name="service"),
        CheckConstraint("fee_eur >= 0", name="fee_not_negative"),
        Index("ix_offers_place_id_service", "place_id", "service"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"))
    service: Mapped[str] = mapped_column(String(20))
    fee_eur: Mapped[Decimal | None] = mapped_column(Numeric(8, 2, asdecimal=True), nullable=True)
    condition: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500))

    place: Mapped[Place] = relationship(back_populates="offers")


class ClosedCentre(Base):
    """A customer-service centre of the operator that has closed."""

    __tablename__ = "closed_centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(300))
    municipality: Mapped[str | None] = mapped_column(String(100))
    geom: Mapped[str] = mapped_column(POINT, nullable=False)
    closed_on: Mapped[dt.date] = mapped_column(Date)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))


class ImportRun(Base):
    """One import of a file into a source: when, what file, and what it did."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_format: Mapped[str] = mapped_column(String(20))
    rows_read: Mapped[int]
    inserted: Mapped[int]
    updated: Mapped[int]
    unchanged: Mapped[int]
    rejected: Mapped[int]
    clipped: Mapped[int]
    merged: Mapped[int]
    removed: Mapped[int]


class AddressPoint(Base):
    """One existing address of the State Land Service's register (``aw_eka.csv``), parsed.

    ``code`` is the register's KODS; ``address`` its full text (STD) as the register writes it;
    ``street`` and ``house`` (NOSAUKUMS: '90', '90 k-2', or a farm's name) and ``town`` and
    ``areas`` (the parts after the town: 'Garkalnes pag., Ropažu nov.') come from parsing it;
    ``street`` is NULL for an address without a street (a named farmstead). WGS84 degrees, as plain
    numbers: the gazetteer looks addresses up by name, never by distance, so no spatial index.
    """

    __tablename__ = "addresses"

    code: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    address: Mapped[str] = mapped_column(String(400))
    street: Mapped[str | None] = mapped_column(String(200))
    house: Mapped[str] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(200))
    areas: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(10))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def lat_lon(geom) -> tuple:
    """SQL: the ``lat`` and ``lon`` (degrees) of a stored point, labelled, for a select.

    The geometry holds x = longitude, y = latitude (GeoJSON order); this is the one place that
    reads them back, so no query can take one for the other.
    """
    return func.ST_Y(geom).label("lat"), func.ST_X(geom).label("lon")
