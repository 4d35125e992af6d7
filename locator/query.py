"""The query core: nearest places for a service, exact on the WGS84 ellipsoid.

No Flask here: the web layer, the benchmarks, the maps and the tests call these
functions with a SQLAlchemy ``Session`` and get plain dataclasses back.

How the nearest search stays exact and indexed on both engines
--------------------------------------------------------------
Ordering by planar lon/lat distance gives the wrong top-k for most queries in
Latvia (a degree of longitude is 0.545 of a degree of latitude there).  So each
round asks the spatial index for the places in a lon/lat box that provably
contains the geodesic circle of radius ``r`` (:func:`locator.spatial.bbox_around`),
computes the ellipsoidal distance of those candidates in SQL, and keeps the k
closest.  If k of them lie within ``r``, no place outside the box can beat them
and the answer is exact.  Otherwise the next round widens ``r``: to the k-th
distance found (which then settles it), or by a factor estimated from how many
were found.  The first ``r`` comes from the radius that settled recent queries
with the same filters, so a typical query takes one round; those radii and the
compiled SQL live in a :class:`~locator.query_memory.NearestMemory` that the
caller owns (the app's, or the one kept with the session).
With ``open_at`` (hours are evaluated in Python) each round fetches a batch of
candidates; the open ones up to ``min(r, last distance fetched)`` are all the
open places in that disc, so k of them there settle it; a full batch ending
inside the circle makes the next batch larger, otherwise ``r`` widens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Float, Integer, Select, String, bindparam, select
from sqlalchemy.orm import Session

from . import nearest_params
from .domain import fees, hours
from .domain.fees import ANYONE, Customer
from .errors import UnknownPlace
from .models import ClosedCentre, Offer, Place, lat_lon
from .query_memory import NearestMemory, memory_of
from .spatial import Backend, backend_for, bbox_around

PLACES = Place.__table__
OFFERS = Offer.__table__
CENTRES = ClosedCentre.__table__

FIRST_RADIUS_M = 3_000.0
# Past this radius the box covers all of Latvia and its neighbours from any
# origin the API accepts: the search has seen every candidate.
LAST_RADIUS_M = 2_500_000.0


@dataclass(frozen=True)
class PlaceSummary:
    id: int
    kind: str
    name: str
    brand: str | None
    address: str | None
    municipality: str | None
    lat: float
    lon: float
    opening_hours: str | None
    source_id: int


@dataclass(frozen=True)
class Match:
    """A place that offers the service, what this customer pays there, how far it is.

    ``distance_m`` is geodesic, in metres on the WGS84 ellipsoid.  ``fee_eur`` is in euros,
    None when the fee is unknown (the place offers the service, its source gave no fee:
    ``locator.domain.fees``); such a place is never ``commission_free``.
    """

    place: PlaceSummary
    distance_m: float
    fee_eur: Decimal | None
    commission_free: bool

    @property
    def fee_known(self) -> bool:
        return self.fee_eur is not None


@dataclass(frozen=True, kw_only=True)
class NearestQuery:
    """What to look for, validated on construction by the one declaration (raises InvalidQuery with ``param``).

    ``offset`` skips the nearest places first: the page after ``k`` places is
    ``offset=k``, ranked exactly like the first.  ``open_at`` keeps only places
    whose opening hours say open at that moment (naive: Riga wall time); a
    place with unknown hours is not known to be open and is left out.
    """

    lat: float
    lon: float
    service: str = "bill_payment"
    kinds: tuple[str, ...] | None = None
    commission_free: bool = False
    customer: Customer = ANYONE
    max_distance_m: float | None = None
    k: int = 5
    offset: int = 0
    open_at: datetime | None = None

    def __post_init__(self) -> None:
        nearest_params.check_core(**{name: getattr(self, name) for name in nearest_params.CoreQuery.model_fields})

    @classmethod
    def from_params(cls, params: nearest_params.NearestParams) -> NearestQuery:
        """The query a caller's parameters ask for."""
        return cls(
            lat=params.lat,
            lon=params.lon,
            service=params.service,
            kinds=params.kind,
            commission_free=params.commission_free,
            customer=Customer(salary_card=params.salary_card),
            max_distance_m=params.max_distance_m,
            k=params.k,
            offset=params.offset,
            open_at=params.moment(),
        )

    def shape(self) -> tuple[int, bool, int]:
        """What decides the SQL text: how many kinds, commission-free, how many conditions."""
        return (len(self.kinds or ()), self.commission_free, len(self.customer.conditions_met()))


@dataclass
class SearchTrace:
    """What one search did: the radius of each round and the SQL it ran (benchmarks, tests)."""

    radii_m: list[float] = field(default_factory=list)
    sql: str = ""


# --- statement building -----------------------------------------------------


@dataclass(frozen=True)
class DriverSQL:
    """A statement compiled once to the driver's own SQL and parameter style.

    Executing it with ``exec_driver_sql`` skips SQLAlchemy's per-execution work
    (cache-key lookup, parameter and result processing); bench/README.md has
    what that saves.
    """

    sql: str
    positional: tuple[str, ...] | None  # parameter order for qmark drivers (SQLite)
    constants: dict  # values of the literals SQLAlchemy bound itself (SRID, spheroid)

    def params(self, values: dict):
        merged = {**self.constants, **values}
        if self.positional is None:
            return merged
        return tuple(merged[name] for name in self.positional)


def _compiled(conn, backend: Backend, shape: tuple, memory: NearestMemory) -> DriverSQL:
    def build() -> DriverSQL:
        compiled = _nearest_statement(backend, shape).compile(dialect=conn.dialect)
        return DriverSQL(
            sql=compiled.string,
            positional=tuple(compiled.positiontup) if compiled.positional else None,
            constants={k: v for k, v in compiled.params.items() if v is not None},
        )

    return memory.compiled(("nearest", backend.name, *shape), build)


def _nearest_statement(backend: Backend, shape: tuple[int, bool, int]) -> Select:
    n_kinds, commission_free_only, n_conditions = shape
    lon, lat = bindparam("lon", type_=Float), bindparam("lat", type_=Float)
    fee = fees.effective_fee_sql(OFFERS, PLACES.c.id, n_conditions)
    distance = backend.distance_m(PLACES.c.geom, lat=lat, lon=lon)
    conditions: list[ColumnElement[bool]] = [backend.in_box(PLACES, PLACES.c.geom)]
    if n_kinds:
        kinds = [bindparam(f"kind_{i}", type_=String) for i in range(n_kinds)]
        conditions.append(PLACES.c.kind.in_(kinds))
    conditions.append(fees.offered_sql(OFFERS, PLACES.c.id, n_conditions, commission_free=commission_free_only))
    return (
        select(
            PLACES.c.id,
            PLACES.c.kind,
            PLACES.c.name,
            PLACES.c.brand,
            PLACES.c.address,
            PLACES.c.municipality,
            *lat_lon(PLACES.c.geom),
            PLACES.c.opening_hours,
            PLACES.c.source_id,
            fee.label("fee_eur"),
            distance.label("distance_m"),
        )
        .where(*conditions)
        .order_by("distance_m", PLACES.c.id)
        .limit(bindparam("k", type_=Integer))
    )


def _bound_values(query: NearestQuery) -> dict:
    """The values of the statement's bound parameters, but for the box."""
    return {
        "lat": float(query.lat),
        "lon": float(query.lon),
        "service": query.service,
        "k": query.k + query.offset,
        **fees.condition_params(query.customer),
        **{f"kind_{i}": kind for i, kind in enumerate(query.kinds or ())},
    }


def _box_values(query: NearestQuery, radius_m: float) -> dict:
    box = bbox_around(lat=query.lat, lon=query.lon, radius_m=radius_m)
    return {"min_lon": box.min_lon, "min_lat": box.min_lat, "max_lon": box.max_lon, "max_lat": box.max_lat}


def _next_radius(radius: float, found: int, k: int, kth_distance: float | None) -> float:
    if kth_distance is not None:  # k found but the k-th lies outside the circle
        return max(kth_distance * (1 + 1e-9), radius * 1.01)
    # Found `found` < k in area pi r^2: aim for about 2k with uniform density.
    factor = math.sqrt(2 * k / found) if found else 4.0
    return radius * min(max(factor, 1.5), 8.0)


# Candidates per round when opening hours filter them, multiplied as needed: a round costs about
# the same for any batch (the box is ranked whole), so batches start large (bench/open_filter.py).
FIRST_BATCH = 256
BATCH_GROWTH = 4


def nearest(
    session: Session,
    query: NearestQuery,
    trace: SearchTrace | None = None,
    *,
    memory: NearestMemory | None = None,
) -> list[Match]:
    """The ``query.k`` places nearest to (lat, lon) that offer ``query.service``, after the first ``query.offset``.

    Ordered by geodesic distance (ties by place id); only places within
    ``max_distance_m`` when it is given; with ``commission_free`` only those
    where the customer pays nothing; with ``open_at`` only those open then
    (chosen before the k nearest are taken, see the module's docstring).
    A later page is the same ranking as the first: the search finds the
    ``offset + k`` nearest and skips ``offset``.  ``memory`` keeps compiled SQL
    and radius hints between calls (default: the one kept with ``session``).
    """
    if memory is None:
        memory = memory_of(session)
    conn = session.connection()
    backend = backend_for(conn)
    compiled = _compiled(conn, backend, query.shape(), memory)
    params = _bound_values(query)
    want = query.k + query.offset
    keep = hours.open_test(query.open_at)
    hint_key = (backend.name, query.service, query.shape(), query.kinds, want, keep is not None)
    limit = min(query.max_distance_m or LAST_RADIUS_M, LAST_RADIUS_M)
    radius = min(memory.first_radius(hint_key, FIRST_RADIUS_M), limit)
    batch = want if keep is None else max(FIRST_BATCH, 4 * want)
    if trace is not None:
        trace.sql = compiled.sql
    while True:
        round_params = {**params, "k": batch, **_box_values(query, radius)}
        rows = conn.exec_driver_sql(compiled.sql, compiled.params(round_params)).all()
        if trace is not None:
            trace.radii_m.append(radius)
        full = len(rows) == batch
        # Every place within `seen` of the origin is among the rows.
        seen = min(radius, rows[-1].distance_m) if full else radius
        good = [r for r in rows if r.distance_m <= seen and (keep is None or keep(r.opening_hours))]
        if len(good) >= want:
            good = good[:want]
            break
        if full and rows[-1].distance_m <= radius:  # the batch ended inside the circle: fetch more
            batch *= BATCH_GROWTH
            continue
        if radius >= limit:
            break
        kth = rows[-1].distance_m if full and keep is None else None
        radius = min(_next_radius(radius, len(good), want, kth), limit)
    # Remember the radius that would have settled this query in one round.
    memory.remember_radius(hint_key, good[-1].distance_m * 1.02 if len(good) == want else radius)
    return [_match(r) for r in good[query.offset :]]


CENT = Decimal("0.01")


def _match(row) -> Match:
    # PostgreSQL gives a Decimal, SQLite a float or int: str() keeps 0.7 as 0.7.  NULL: unknown.
    fee = None if row.fee_eur is None else Decimal(str(row.fee_eur)).quantize(CENT)
    return Match(
        place=PlaceSummary(
            id=row.id,
            kind=row.kind,
            name=row.name,
            brand=row.brand,
            address=row.address,
            municipality=row.municipality,
            lat=row.lat,
            lon=row.lon,
            opening_hours=row.opening_hours,
            source_id=row.source_id,
        ),
        distance_m=float(row.distance_m),
        fee_eur=fee,
        commission_free=fees.is_commission_free(fee),
    )


# --- closed centres -----------------------------------------------------------


@dataclass(frozen=True)
class CentreSummary:
    id: int
    slug: str
    name: str
    address: str
    municipality: str | None
    lat: float
    lon: float
    closed_on: str  # ISO date


@dataclass(frozen=True)
class CentreOptions:
    centre: CentreSummary
    matches: list[Match]


def _centre_rows(session: Session, where=None, *, limit: int | None = None, offset: int = 0) -> list[CentreSummary]:
    stmt = select(
        CENTRES.c.id,
        CENTRES.c.slug,
        CENTRES.c.name,
        CENTRES.c.address,
        CENTRES.c.municipality,
        *lat_lon(CENTRES.c.geom),
        CENTRES.c.closed_on,
    ).order_by(CENTRES.c.closed_on, CENTRES.c.name, CENTRES.c.id)
    if where is not None:
        stmt = stmt.where(where)
    if limit is not None or offset:
        stmt = stmt.limit(limit).offset(offset)
    return [
        CentreSummary(r.id, r.slug, r.name, r.address, r.municipality, r.lat, r.lon, r.closed_on.isoformat())
        for r in session.execute(stmt)
    ]


def closed_centres(session: Session, *, limit: int | None = None, offset: int = 0) -> list[CentreSummary]:
    """The closed centres, the earliest closure first (then by name): all, or ``limit`` after ``offset``."""
    return _centre_rows(session, limit=limit, offset=offset)


def closed_centre(session: Session, ident: int | str) -> CentreSummary:
    """One closed centre by id or slug; raises UnknownPlace."""
    where = CENTRES.c.id == ident if isinstance(ident, int) else CENTRES.c.slug == ident
    rows = _centre_rows(session, where)
    if not rows:
        raise UnknownPlace(f"no closed centre {ident!r}", param="id")
    return rows[0]


def nearest_to_centre(
    session: Session, centre: CentreSummary, query: NearestQuery, *, memory: NearestMemory | None = None
) -> CentreOptions:
    """``query`` asked at the centre's point instead of its own lat/lon."""
    at_centre = replace(query, lat=centre.lat, lon=centre.lon)
    return CentreOptions(centre, nearest(session, at_centre, memory=memory))


def nearest_for_closed_centres(
    session: Session, query: NearestQuery, *, memory: NearestMemory | None = None
) -> list[CentreOptions]:
    """The batch form: for every closed centre, its nearest options for ``query``."""
    return [nearest_to_centre(session, c, query, memory=memory) for c in closed_centres(session)]


def explain_nearest(session: Session, query: NearestQuery) -> list[str]:
    """The database's plan for one round of the nearest query.

    Used by tests and ``bench/`` to show the spatial index answers the window
    (R*Tree on SpatiaLite, GiST on PostGIS) rather than a scan of all places.
    """
    conn = session.connection()
    backend = backend_for(conn)
    params = {**_bound_values(query), **_box_values(query, FIRST_RADIUS_M)}
    stmt = _nearest_statement(backend, query.shape()).params(params)  # built afresh: a diagnostic
    sql = str(stmt.compile(conn, compile_kwargs={"literal_binds": True}))
    return backend.explain(conn, sql)
