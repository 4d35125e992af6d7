"""What the customer page shows, read from its URL: the point and the filters.

The URL is the page's whole state, so a link reproduces the search.  It holds
the point rounded to 3 decimals (about 110 m north-south, 60 m east-west at
57°N), never the address the person typed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlencode

from ..domain.vocabulary import KINDS, SERVICES

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
    at: str | None = None  # "YYYY-MM-DDTHH:MM", Riga local time, when open == "at"
    max_km: int | None = None
    problems: tuple[str, ...] = ()

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> PageState:
        """Lenient: a bad value is dropped and named in ``problems``, the page still renders."""
        problems: list[str] = []
        lat = lon = None
        try:
            if args.get("lat") and args.get("lon"):
                lat, lon = float(args["lat"]), float(args["lon"])
                if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
                    raise ValueError
                lat, lon = rounded(lat), rounded(lon)
        except ValueError:
            lat = lon = None
            problems.append("point")
        service = args.get("service") or "bill_payment"
        if service not in SERVICES:
            problems.append("service")
            service = "bill_payment"
        if "commission_free" in args:
            commission_free = args.get("commission_free") in ("1", "true", "on", "yes")
        else:  # on by default when paying a bill, as a customer expects
            commission_free = service == "bill_payment" and "filtered" not in args
        kind = args.get("kind") or None
        if kind is not None and kind not in KINDS:
            problems.append("kind")
            kind = None
        when = args.get("open") or ""
        at = args.get("at") or None
        if when not in ("", "now", "at"):
            problems.append("open")
            when = ""
        if when == "at":
            try:
                datetime.strptime(at or "", "%Y-%m-%dT%H:%M")
            except ValueError:
                problems.append("at")
                when, at = "", None
        max_km = None
        if args.get("max_km"):
            try:
                max_km = int(args["max_km"])
                if max_km not in MAX_KM:
                    raise ValueError
            except ValueError:
                problems.append("max_km")
                max_km = None
        salary_card = (args.get("salary_card") or "").strip()[:60] or None
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

    def at_point(self, lat: float, lon: float) -> PageState:
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
