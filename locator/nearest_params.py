"""The one declaration of the nearest query's parameters, and of what is wrong with them.

The API, the pages and the query core read the same fields: their types,
bounds, defaults and descriptions are declared here once, as a pydantic model,
so ``model_json_schema()`` gives an OpenAPI generator what a caller may send.
Errors become :class:`~locator.errors.InvalidQuery` naming the parameter, with
the messages worded in :func:`invalid_query` alone.

Degrees are WGS84; distances are metres on the ellipsoid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from annotated_types import Ge, Le, MinLen
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .domain.geography import in_latvia
from .domain.hours import RIGA
from .domain.vocabulary import KINDS, SERVICES
from .errors import InvalidQuery, OutsideServiceArea

MAX_OFFSET = 1_000  # how deep a caller may page: offset + k places are ranked per request
SALARY_CARD_MAX = 60


def _decimal_comma(value: Any) -> Any:
    """ "56,9" -> "56.9": a Latvian keyboard types a comma."""
    return value.strip().replace(",", ".") if isinstance(value, str) else value


# The constraints come before the comma rule, so pydantic checks them natively
# (and writes them into the JSON schema as minimum and maximum).
Latitude = Annotated[
    float,
    Field(ge=-90, le=90, allow_inf_nan=False, description="Latitude of the point, WGS84 degrees."),
    BeforeValidator(_decimal_comma),
]
Longitude = Annotated[
    float,
    Field(ge=-180, le=180, allow_inf_nan=False, description="Longitude of the point, WGS84 degrees."),
    BeforeValidator(_decimal_comma),
]
Service = Literal[SERVICES]
Kind = Literal[KINDS]
Distance = Annotated[float, Field(gt=0, allow_inf_nan=False), BeforeValidator(_decimal_comma)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]

SERVICE_HELP = "The service wanted: " + ", ".join(SERVICES) + "."
KIND_HELP = "Only places of these kinds (comma-separated or repeated): " + ", ".join(KINDS) + "."
DISTANCE_HELP = "Only places within this many metres (geodesic)."
K_HELP = "How many places, closest first."
OFFSET_HELP = "Skip this many places first: the next page starts at offset + k."
OPEN_AT_HELP = (
    "Only places open at this moment, by their opening hours: ISO 8601 date and time, "
    "Riga time unless it has an offset (e.g. 2026-12-24T18:00). Unknown hours count as not open."
)
OPEN_NOW_HELP = "true: only places open now (open_at with the current time)."


class NearestParams(BaseModel):
    """What a caller may ask the nearest query, as query-string fields.

    Bounds that come from the settings (``k`` up to ``MAX_RESULTS``, the
    service area) are set by :func:`configured`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, title="NearestParams")

    service_area_buffer_m: ClassVar[float] = 25_000.0

    lat: Latitude
    lon: Longitude
    service: Service = Field("bill_payment", description=SERVICE_HELP)
    kind: tuple[Kind, ...] | None = Field(None, description=KIND_HELP)
    commission_free: bool = Field(False, description="Only places where this customer pays nothing.")
    salary_card: str | None = Field(
        None,
        max_length=SALARY_CARD_MAX,
        description="The customer's salary-card bank (e.g. Swedbank): that bank's ATMs become free.",
    )
    max_distance_m: Distance | None = Field(None, description=DISTANCE_HELP)
    k: int = Field(5, ge=1, le=50, description=K_HELP)
    offset: Offset = Field(0, description=OFFSET_HELP)
    open_at: datetime | None = Field(None, description=OPEN_AT_HELP)
    open_now: bool = Field(False, description=OPEN_NOW_HELP)

    def moment(self) -> datetime | None:
        """The moment the places must be open at (``open_now``: now), aware, Riga time; None for any time."""
        if self.open_now:
            return datetime.now(RIGA)
        if self.open_at is None:
            return None
        return self.open_at.replace(tzinfo=RIGA) if self.open_at.tzinfo is None else self.open_at.astimezone(RIGA)

    @field_validator("kind", mode="before")
    @classmethod
    def _split_kinds(cls, value: Any) -> Any:
        """``kind=atm,post_office`` and ``kind=atm&kind=post_office`` alike; none given: every kind."""
        if isinstance(value, str):
            value = [value]
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            names = [v.strip() for raw in value for v in raw.split(",") if v.strip()]
            return tuple(dict.fromkeys(names)) or None
        return value

    @model_validator(mode="after")
    def _one_moment(self) -> NearestParams:
        if self.open_now and self.open_at is not None:
            raise PydanticCustomError("two_moments", "open_now and open_at ask for two moments; give one")
        return self

    @model_validator(mode="after")
    def _in_service_area(self, info) -> NearestParams:
        """The point must lie in Latvia or within ``service_area_buffer_m`` of its border."""
        if (info.context or {}).get("origin_given"):
            return self
        if not in_latvia(lon=self.lon, lat=self.lat, buffer_m=self.service_area_buffer_m):
            raise PydanticCustomError(
                "outside_service_area",
                "the point lat={lat}, lon={lon} is far outside Latvia; locator covers Latvia only",
                {"lat": self.lat, "lon": self.lon},
            )
        return self


@dataclass(frozen=True)
class Limits:
    """The settings that bound a nearest query (``MAX_RESULTS`` and friends)."""

    max_results: int = 50
    default_results: int = 5
    service_area_buffer_m: float = 25_000.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        return cls(int(config["MAX_RESULTS"]), int(config["DEFAULT_RESULTS"]), float(config["SERVICE_AREA_BUFFER_M"]))


def configured(limits: Limits) -> type[NearestParams]:
    """:class:`NearestParams` with ``k`` and the service area bounded by ``limits``."""

    class Configured(NearestParams):
        service_area_buffer_m: ClassVar[float] = limits.service_area_buffer_m
        k: int = Field(limits.default_results, ge=1, le=limits.max_results, description=K_HELP)

    Configured.__name__ = Configured.__qualname__ = "NearestParams"
    return Configured


def parse(
    model: type[NearestParams],
    args: Mapping[str, str | Sequence[str]],
    *,
    origin: Mapping[str, float] | None = None,
    also_known: tuple[str, ...] = (),
) -> NearestParams:
    """The parameters in query-string ``args`` (name -> value or list of values).

    ``origin`` (``{"lat": ..., "lon": ...}``) stands for the point when the caller does not give
    one (a closed centre's): lat and lon are then unknown parameters and the
    service area is not checked.  ``also_known`` names the caller's own
    parameters (``f``), accepted and left out.  An empty value counts as not
    given.  Raises InvalidQuery (400) naming the parameter at fault.
    """
    fields = tuple(n for n in model.model_fields if origin is None or n not in ("lat", "lon"))
    check_known(args, fields + also_known)
    data: dict[str, Any] = {}
    for name in fields:
        raw = args.get(name)
        values = [raw] if isinstance(raw, str) else list(raw or ())
        values = [v.strip() for v in values if v.strip()]
        if values:
            data[name] = values if name == "kind" else values[0]
    if origin is not None:
        data["lat"], data["lon"] = origin["lat"], origin["lon"]
    return validated(model, data, origin_given=origin is not None)


def check_known(names: Iterable[str], known: Sequence[str]) -> None:
    """Raise InvalidQuery for the first of ``names`` that is not in ``known``."""
    for name in names:
        if name not in known:
            raise unknown_parameter(name, known)


def unknown_parameter(name: str, known: Sequence[str]) -> InvalidQuery:
    return InvalidQuery(f"unknown parameter {name!r}; known parameters: {', '.join(known)}", param=name)


def validated(model: type[NearestParams], data: Mapping[str, Any], *, origin_given: bool = False) -> NearestParams:
    """``model`` from already-split values (the pages' form); raises InvalidQuery."""
    try:
        return model.model_validate(data, context={"origin_given": origin_given})
    except ValidationError as exc:
        raise invalid_query(model, exc) from None


def lenient(model: type[NearestParams], data: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The fields of ``data`` that pass the declaration, and the names of those that do not.

    For a page, which shows what it can instead of refusing a bad link.  The
    point and the service area are checked when the page asks its query.
    """
    good, bad = dict(data), []
    while True:
        try:
            params = model.model_validate({"lat": 0.0, "lon": 0.0, **good}, context={"origin_given": True})
        except ValidationError as exc:
            names = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
            if not names:
                raise invalid_query(model, exc) from None
            bad += sorted(names)
            good = {k: v for k, v in good.items() if k not in names}
            continue
        return {name: getattr(params, name) for name in good}, tuple(bad)


# --- the core's own invariants, from the same field types --------------------


class CoreQuery(BaseModel):
    """What any nearest query must satisfy, whoever builds it (``locator.query.NearestQuery``)."""

    model_config = ConfigDict(strict=True)

    lat: Latitude
    lon: Longitude
    service: Service
    kinds: Annotated[tuple[Kind, ...], MinLen(1)] | None
    max_distance_m: Distance | None
    k: Annotated[int, Field(ge=1)]
    offset: Annotated[int, Field(ge=0)]
    open_at: datetime | None


def check_core(**fields: Any) -> None:
    """Raise InvalidQuery when ``fields`` break :class:`CoreQuery`; parameters named as the API names them."""
    try:
        CoreQuery.model_validate(fields)
    except ValidationError as exc:
        raise invalid_query(CoreQuery, exc) from None


# --- the one place the messages are worded -----------------------------------

PARAM_OF = {"kinds": "kind"}  # the core's field name -> the parameter a caller sends


def _bounds(model: type[BaseModel], name: str) -> dict[str, float]:
    """The inclusive bounds declared on field ``name``: {"ge": ..., "le": ...}."""
    found: dict[str, float] = {}
    for rule in model.model_fields[name].metadata:
        if isinstance(rule, Ge):
            found["ge"] = rule.ge
        if isinstance(rule, Le):
            found["le"] = rule.le
    return found


def _text(value: float) -> str:
    return f"{value:g}"


def invalid_query(model: type[BaseModel], exc: ValidationError) -> InvalidQuery:
    """The first of pydantic's errors, as the InvalidQuery a caller reads."""
    error = exc.errors()[0]
    kind, loc, raw = error["type"], error["loc"], error["input"]
    if kind == "outside_service_area":
        return OutsideServiceArea(error["msg"], param="lat")
    if kind == "two_moments":
        return InvalidQuery(error["msg"], param="open_at")
    field = str(loc[0]) if loc else "lat"
    name = PARAM_OF.get(field, field)
    if kind == "missing":
        return InvalidQuery(f"{name} is required", param=name)
    if kind == "extra_forbidden":
        return unknown_parameter(name, [PARAM_OF.get(n, n) for n in model.model_fields])
    if kind in ("float_parsing", "float_type"):
        return InvalidQuery(f"{name} must be a number, not {raw!r}", param=name)
    if kind == "finite_number":
        return InvalidQuery(f"{name} must be a finite number, not {raw!r}", param=name)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return InvalidQuery(f"{name} must be a whole number, not {raw!r}", param=name)
    if kind in ("datetime_parsing", "datetime_from_date_parsing", "datetime_type"):
        return InvalidQuery(f"{name} must be a date and time such as 2026-12-24T18:00, not {raw!r}", param=name)
    if kind in ("bool_parsing", "bool_type"):
        return InvalidQuery(f"{name} must be true or false, not {raw!r}", param=name)
    if kind in ("literal_error", "too_short"):
        words = SERVICES if name == "service" else KINDS
        given = raw if kind == "literal_error" else ""
        return InvalidQuery(f"unknown {name} {given!r}; expected one of: {', '.join(words)}", param=name)
    if kind in ("string_too_long", "string_type"):
        return InvalidQuery(f"{name} must be a bank name of at most {SALARY_CARD_MAX} characters", param=name)
    if kind == "greater_than":  # only distances have an open lower bound
        return InvalidQuery(f"{name} must be a positive number of metres", param=name)
    if kind in ("greater_than_equal", "less_than_equal"):
        bounds = _bounds(model, field)
        if "le" in bounds:
            return InvalidQuery(f"{name} must be between {_text(bounds['ge'])} and {_text(bounds['le'])}", param=name)
        return InvalidQuery(f"{name} must be a whole number of at least {_text(bounds['ge'])}", param=name)
    return InvalidQuery(f"{name}: {error['msg']}", param=name)
