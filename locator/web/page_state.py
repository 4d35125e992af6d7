"""What the customer page shows, read from its URL: the point and the filters.

The URL is the page's whole state, so a link reproduces the search.  It holds
the point rounded to 3 decimals (about 110 m north-south, 60 m east-west at
57°N), never the address the person typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlencode

from ..nearest_params import SALARY_CARD_MAX, NearestParams, lenient, validated
from .app_state import app_state

ROUND = 3
MAX_KM = (1, 2, 5, 10, 25, 50)


def rounded(value: float) -> float:
    return round(value, ROUND)


@dataclass(frozen=True)
class PageState:
    lat: float | None = None
    lon: float | None = None
    service: str = "bill_payment"
    commission_free: bool = True
    salary_card: str | None = None
    kind: str | None = None
    open: str = ""  # "" (any time), "now", or "at"
    at: str | None = None  # "YYYY-MM-DDTHH:MM", Riga local time, when open == "at" (None: a form error, "at")
    max_km: int | None = None
    problems: tuple[str, ...] = ()

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    @classmethod
    def from_args(cls, args: Mapping[str, str], params: type[NearestParams] | None = None) -> PageState:
        """Lenient: a bad value is dropped and named in ``problems``, the page still renders.

        The point, service and kind are checked by the nearest query's own
        declaration (``params``, by default the current app's); the page's
        extras (open, at, max_km) here.
        """
        params = params or app_state().params
        shared = {name: args[name] for name in ("service", "kind") if args.get(name)}
        if args.get("lat") and args.get("lon"):
            shared["lat"], shared["lon"] = args["lat"], args["lon"]
        good, bad = lenient(params, shared)
        problems = ["point"] if {"lat", "lon"} & set(bad) else []
        problems += [name for name in ("service", "kind") if name in bad]
        has_point = "lat" in good and "lon" in good
        lat, lon = (rounded(good["lat"]), rounded(good["lon"])) if has_point else (None, None)
        service = good.get("service", "bill_payment")
        if "commission_free" in args:
            commission_free = args.get("commission_free") in ("1", "true", "on", "yes")
        else:  # on by default when paying a bill, as a customer expects
            commission_free = service == "bill_payment" and "filtered" not in args
        kind = good["kind"][0] if good.get("kind") else None  # the page asks for one kind at most
        when = args.get("open") or ""
        at = args.get("at") or None
        if when not in ("", "now", "at"):
            problems.append("open")
            when = ""
        if when == "at":  # "open at" without a usable time is a form error, never "any time"
            try:
                datetime.strptime(at or "", "%Y-%m-%dT%H:%M")
            except ValueError:
                problems.append("at")
                at = None
        max_km = None
        if args.get("max_km"):
            try:
                max_km = int(args["max_km"])
                if max_km not in MAX_KM:
                    raise ValueError
            except ValueError:
                problems.append("max_km")
                max_km = None
        salary_card = (args.get("salary_card") or "").strip()[:SALARY_CARD_MAX] or None
        return cls(
            lat,
            lon,
            service,
            commission_free,
            salary_card,
            kind,
            when,
            at if when == "at" else None,
            max_km,
            tuple(problems),
        )

    def nearest_params(self, params: type[NearestParams], *, k: int) -> NearestParams:
        """The nearest query this page asks, through the same declaration as the API.

        Raises InvalidQuery (a 400 page), e.g. OutsideServiceArea for a point
        far outside Latvia.
        """
        return validated(
            params,
            {
                "lat": self.lat,
                "lon": self.lon,
                "service": self.service,
                "kind": (self.kind,) if self.kind else None,
                "commission_free": self.commission_free,
                "salary_card": self.salary_card,
                "max_distance_m": self.max_km * 1000.0 if self.max_km else None,
                "k": k,
            },
        )

    def at_point(self, *, lat: float, lon: float) -> PageState:
        return replace(self, lat=rounded(lat), lon=rounded(lon))

    def query_args(self) -> dict[str, str]:
        """The URL arguments that reproduce this state (never an address)."""
        args: dict[str, str] = {}
        if self.has_point:
            args["lat"], args["lon"] = f"{self.lat:.{ROUND}f}", f"{self.lon:.{ROUND}f}"
        args["service"] = self.service
        args["commission_free"] = "1" if self.commission_free else "0"
        if self.salary_card:
            args["salary_card"] = self.salary_card
        if self.kind:
            args["kind"] = self.kind
        if self.open:
            args["open"] = self.open
        if self.at:
            args["at"] = self.at
        if self.max_km:
            args["max_km"] = str(self.max_km)
        return args

    def query_string(self) -> str:
        return urlencode(self.query_args())
