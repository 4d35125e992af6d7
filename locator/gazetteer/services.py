"""Which geocoder the search box uses, by configuration: the offline gazetteer or a remote one.

``SEARCH_GEOCODER`` is "gazetteer" (the default, offline), "nominatim" or "photon"; the remote
ones are geopy's, limited to Latvia, at ``GEOCODER_URL`` with ``GEOCODER_USER_AGENT`` and
``GEOCODER_TIMEOUT_S`` (seconds).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from geopy.geocoders import Nominatim, Photon

from ..config import VERSION
from .address_index import AddressLoader
from .geocoder import Gazetteer


class LatviaNominatim(Nominatim):
    """geopy's Nominatim asking for Latvian results in Latvian unless told otherwise."""

    def geocode(self, query, *, country_codes="lv", language="lv", **kwargs):
        return super().geocode(query, country_codes=country_codes, language=language, **kwargs)


class LatviaPhoton(Photon):
    """geopy's Photon limited to Latvia's bounding box unless told otherwise."""

    def geocode(self, query, *, bbox=((55.6, 20.9), (58.1, 28.3)), **kwargs):
        return super().geocode(query, bbox=bbox, **kwargs)


SEARCH_SERVICES = ("gazetteer", "nominatim", "photon")


def _remote_args(config: Mapping, default_url: str) -> dict[str, Any]:
    from geopy.adapters import RequestsAdapter

    url = urlsplit((config.get("GEOCODER_URL") or default_url).strip())
    args = dict(
        domain=url.netloc + url.path.rstrip("/"),
        scheme=url.scheme or "https",
        user_agent=config.get("GEOCODER_USER_AGENT") or f"locator/{VERSION}",
        timeout=float(config.get("GEOCODER_TIMEOUT_S") or 10),
    )
    if RequestsAdapter.is_available:
        # geopy's requests adapter retries twice, so a search would wait three timeouts:
        # a person at the search box retries themselves.
        args["adapter_factory"] = functools.partial(RequestsAdapter, max_retries=0)
    return args


def geocoder_for_search(config: Mapping, session_factory: Callable[[], Any] | None = None, *, refresh: bool = False):
    """A new geocoder for the search box, from ``SEARCH_GEOCODER``: "gazetteer" (the default,
    offline), "nominatim" or "photon" (at ``GEOCODER_URL``, with ``GEOCODER_USER_AGENT`` and
    ``GEOCODER_TIMEOUT_S``). Raises ValueError naming the setting for any other value.

    Build it once and keep it (the web app keeps it on the app): a gazetteer shares its
    settlement and postcode files with every other one, and reads the database addresses
    (the imported register and the places' addresses) through ``session_factory()`` (a session
    it closes) when first asked, then at most every 60 s, or now when ``refresh`` is true; the
    register's index is rebuilt only when the register table has changed.
    """
    name = (config.get("SEARCH_GEOCODER") or "gazetteer").strip().lower()
    if name not in SEARCH_SERVICES:
        raise ValueError(f"SEARCH_GEOCODER={name!r} is not supported; expected one of: {', '.join(SEARCH_SERVICES)}")
    if name == "nominatim":
        return LatviaNominatim(**_remote_args(config, "https://nominatim.openstreetmap.org"))
    if name == "photon":
        url = config.get("GEOCODER_URL") or ""
        if not url or "nominatim.openstreetmap.org" in url:  # the GEOCODER_URL default is Nominatim's
            url = "https://photon.komoot.io"
        return LatviaPhoton(**_remote_args({**config, "GEOCODER_URL": url}, url))
    loader = AddressLoader(session_factory) if session_factory is not None else None
    gazetteer = Gazetteer(address_loader=loader)
    if loader is not None:
        loader.register.on_built = gazetteer.mark_stale  # a register indexed in the background: use it now
    if refresh:
        gazetteer.refresh(force=True)
    return gazetteer
