"""What the app keeps between requests, on the app (``app.extensions["locator"]``), never in module globals.

Two apps in one process (tests, a second configuration) each have their own:
radius hints and compiled SQL, cached sources and banks, the parameter
declaration bounded by their settings, the autocommit view of each engine, and
the search geocoder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine

from ..catalogue import CatalogueCache
from ..nearest_params import Limits, NearestParams, configured
from ..query_memory import NearestMemory

KEY = "locator"


@dataclass
class AppState:
    params: type[NearestParams]
    memory: NearestMemory = field(default_factory=NearestMemory)
    catalogue: CatalogueCache = field(default_factory=CatalogueCache)
    autocommit_engines: dict[Engine, Engine] = field(default_factory=dict)
    search_geocoders: dict[str, Any] = field(default_factory=dict)

    def search_geocoder(self, config: Mapping, session_factory: Callable[[], Any]):
        """The search box's geocoder, built once per app and per search setting (``SEARCH_*``,
        ``GEOCODER_*``): the gazetteer loads its files and reads the addresses once, not per search."""
        key = repr(sorted((k, v) for k, v in config.items() if k.startswith(("SEARCH_", "GEOCODER_"))))
        geocoder = self.search_geocoders.get(key)
        if geocoder is None:
            from ..gazetteer import geocoder_for_search  # the gazetteer's files load on first search

            geocoder = self.search_geocoders[key] = geocoder_for_search(config, session_factory)
        return geocoder


def app_state() -> AppState:
    """The current app's state."""
    return current_app.extensions[KEY]


def init_app(app: Flask) -> None:
    app.extensions[KEY] = AppState(params=configured(Limits.from_config(app.config)))
