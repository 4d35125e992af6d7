"""Every setting locator reads, declared once with its default and help.

``create_app`` takes its defaults from :data:`SETTINGS`, then ``LOCATOR_<NAME>``
environment variables, then the mapping a caller (a test) passes.  ``flask --app
locator settings`` prints this table and ``tests/test_docs.py`` checks that the
README documents each one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VERSION = "0.1.0"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


def _default_database_url() -> str:
    return f"sqlite+pysqlite:///{PROJECT_ROOT / 'instance' / 'locator.sqlite'}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        None,  # computed: instance/locator.sqlite in the project folder
        "SQLAlchemy URL. sqlite+pysqlite:///PATH means SpatiaLite (a file, no "
        "server; the default is instance/locator.sqlite), postgresql+psycopg://"
        "USER@HOST:PORT/DB means PostGIS.",
    ),
    Setting(
        "MAX_RESULTS",
        50,
        "Largest k a caller may ask for in one nearest-place query.",
        int,
    ),
    Setting(
        "DEFAULT_RESULTS",
        5,
        "k when the caller gives none.",
        int,
    ),
    Setting(
        "SPATIALITE_LIBRARY_PATH",
        "mod_spatialite",
        "Name or path of the SpatiaLite extension that SQLite loads (Debian package libsqlite3-mod-spatialite).",
    ),
    Setting(
        "SERVICE_AREA_BUFFER_M",
        25_000.0,
        "How far outside the Latvian border (metres) a query point may lie "
        "before the API refuses it as far outside Latvia.",
        float,
    ),
    Setting(
        "GEOCODER",
        "",
        "Geocoder for addresses without coordinates at import: empty (none, the "
        "default: such rows are rejected) or 'nominatim'.",
    ),
    Setting(
        "GEOCODER_URL",
        "https://nominatim.openstreetmap.org",
        "Base URL of the geocoding service (a local Nominatim works too).",
    ),
    Setting(
        "GEOCODER_USER_AGENT",
        "",
        "User agent sent to the geocoder (default: locator/<version>).",
    ),
    Setting(
        "GEOCODER_TIMEOUT_S",
        10.0,
        "Seconds to wait for one geocoder answer.",
        float,
    ),
    Setting(
        "GEOCODER_MIN_DELAY_S",
        1.0,
        "Least seconds between two geocoder calls (Nominatim's policy is 1).",
        float,
    ),
    Setting(
        "TILE_URL",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Map tiles under the local base layer; empty for none (the outline and "
        "municipality borders are always drawn from local files).",
    ),
    Setting(
        "TILE_ATTRIBUTION",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        "Attribution shown for the tile layer (HTML, from the operator, not from data).",
    ),
    Setting(
        "SEARCH_GEOCODER",
        "gazetteer",
        "Geocoder for the search box: 'gazetteer' (offline, built from the shipped "
        "places, postcodes and imported addresses), 'nominatim' or 'photon' "
        "(with GEOCODER_URL, GEOCODER_USER_AGENT, GEOCODER_TIMEOUT_S).",
    ),
    Setting(
        "SECRET_KEY",
        None,
        "Flask secret for sessions and CSRF. When unset, one is generated once "
        "into instance/secret_key and shared by every worker.",
    ),
)

SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Defaults, then ``LOCATOR_*`` environment variables, then ``overrides``.

    Raises ``ValueError`` naming the variable when an environment value does not
    parse (``LOCATOR_MAX_RESULTS=ten``).
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for s in SETTINGS:
        value = s.default
        raw = environ.get(f"LOCATOR_{s.name}")
        if raw is not None and raw != "":
            try:
                value = s.parse(raw)
            except ValueError as exc:
                raise ValueError(f"LOCATOR_{s.name}={raw!r}: {exc}") from None
        values[s.name] = value
    for name, value in (overrides or {}).items():
        values[name] = value
    if not values.get("DATABASE_URL"):
        values["DATABASE_URL"] = _default_database_url()
    return values
