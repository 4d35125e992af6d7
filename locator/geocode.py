"""Geocoding through geopy, configured by settings so it can point anywhere.

``GEOCODER=nominatim`` with ``GEOCODER_URL`` (e.g. ``http://127.0.0.1:8080`` for
a local Nominatim, or ``https://nominatim.openstreetmap.org``) builds geopy's
``Nominatim``; calls are rate-limited (``GEOCODER_MIN_DELAY_S``, Nominatim's
policy is one per second) and cached per address for the process.  No
geocoder is configured by default: the service works offline.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter

from .config import VERSION

SERVICES = ("nominatim",)


class GeocodeFailed(Exception):
    """The geocoding service failed (timeout, refused, bad answer) for one address."""


def build_geocoder(config: Mapping):
    """The geopy geocoder the settings describe, or None when GEOCODER is empty."""
    name = (config.get("GEOCODER") or "").strip().lower()
    if not name:
        return None
    if name not in SERVICES:
        raise ValueError(f"GEOCODER={name!r} is not supported; expected one of: {', '.join(SERVICES)}")
    from geopy.geocoders import Nominatim

    url = urlsplit(config.get("GEOCODER_URL") or "https://nominatim.openstreetmap.org")
    return Nominatim(
        domain=url.netloc + url.path.rstrip("/"),
        scheme=url.scheme or "https",
        user_agent=config.get("GEOCODER_USER_AGENT") or f"locator/{VERSION}",
        timeout=float(config.get("GEOCODER_TIMEOUT_S") or 10),
    )


def geocoder_from_config(config: Mapping) -> Callable[[str], tuple[float, float] | None] | None:
    """``address -> (lat, lon)`` or None if not found; None when no geocoder is configured.

    Raises GeocodeFailed when the service errs (timeout, refused, bad answer).
    """
    geocoder = build_geocoder(config)
    if geocoder is None:
        return None
    delay = float(config.get("GEOCODER_MIN_DELAY_S") or 0)
    limited = RateLimiter(
        geocoder.geocode,
        min_delay_seconds=delay,
        error_wait_seconds=5 * delay,  # back off after an error before the one retry
        max_retries=1,
        swallow_exceptions=False,
    )

    @functools.lru_cache(maxsize=10_000)
    def lookup(address: str) -> tuple[float, float] | None:
        try:
            found = limited(address, country_codes="lv", exactly_one=True)
        except GeopyError as exc:
            raise GeocodeFailed(f"the geocoder failed for {address!r}: {type(exc).__name__}: {exc}") from exc
        return None if found is None else (found.latitude, found.longitude)

    return lookup
