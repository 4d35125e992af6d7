"""What the app keeps between requests, on the app (``app.extensions["locator"]``), never in module globals.

Two apps in one process (tests, a second configuration) each have their own:
radius hints and compiled SQL, cached sources and banks, the parameter
declaration bounded by their settings, and the autocommit view of each engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


def app_state() -> AppState:
    """The current app's state."""
    return current_app.extensions[KEY]


def init_app(app: Flask) -> None:
    app.extensions[KEY] = AppState(params=configured(Limits.from_config(app.config)))
