"""Static assets: a version in every URL the app writes, long caching for it, and gzip.

- **Versioned URLs.** ``url_for("static", filename=...)``, the map's base layers
  (``pages.geo``) and its labels (``map.labels``) get ``?v=<hash of the file>``
  added by a ``url_defaults`` hook, so templates need no change and a new file
  gets a new URL.
- **Caching.** A request whose ``v`` is the file's current hash is answered with
  ``Cache-Control: public, max-age=31536000, immutable`` (a year, never
  revalidated); anything else (no ``v``, an old one) with
  ``public, max-age=300`` (five minutes, then revalidated by ETag), so an
  unversioned link never keeps a stale file for long.
- **Compression.** Flask-Compress gzips text responses (HTML, CSS, JS, JSON, the
  GeoJSON borders: 235 KiB to about 60) when the client sends
  ``Accept-Encoding: gzip``, and adds ``Vary: Accept-Encoding`` (on every response,
  so no cache hands a gzipped body to a client that did not ask).
  Only gzip is offered: every browser and curl reads it, and one algorithm keeps
  the ETags and the tests simple.  Static files are streamed through the
  compressor; their conditional requests (``If-None-Match`` with the gzip ETag)
  are evaluated after it.

The hashes are computed once per file and app (``app.extensions``), re-read only
when the file's size or modification time changes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import Flask, current_app, request
from flask_compress import Compress
from werkzeug.security import safe_join

from ..config import PROJECT_ROOT

KEY = "locator.assets"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
HASH_CHARS = 12
GEO_DIR = PROJECT_ROOT / "data"
COMPRESSED_TYPES = (
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/problem+json",
    "image/svg+xml",
)


def file_version(path: Path) -> str:
    """The first HASH_CHARS hex digits of the file's SHA-256, "" for no such file.

    Cached per app; with ``app.debug`` a file whose size or modification time changed
    is hashed again (production serves the files it started with).
    """
    cache = current_app.extensions[KEY]
    key = str(path)
    hit = cache.get(key)
    if hit is not None and not current_app.debug:
        return hit[1]
    try:
        st = os.stat(path)
    except OSError:
        return ""
    if hit is None or hit[0] != (st.st_size, st.st_mtime_ns):
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:HASH_CHARS]
        cache[key] = hit = ((st.st_size, st.st_mtime_ns), digest)
    return hit[1]


def _version_for(endpoint: str | None, values: dict) -> str | None:
    """The version of what ``endpoint`` with ``values`` serves, or None if it is not a versioned asset."""
    if endpoint == "static" and values.get("filename"):
        path = safe_join(current_app.static_folder or "", values["filename"])
        return (file_version(path) or None) if path else None
    if endpoint == "pages.geo" and values.get("name"):
        from .pages import GEO_FILES

        name = GEO_FILES.get(values["name"])
        return file_version(GEO_DIR / name) if name else None
    if endpoint == "map.labels":
        from .map_view import labels_json

        return labels_json()[1]
    return None


def _add_version(endpoint: str, values: dict) -> None:
    if "v" not in values:
        version = _version_for(endpoint, values)
        if version:
            values["v"] = version


def _cache_control(response):
    if response.status_code in (200, 304) and request.endpoint in ("static", "pages.geo", "map.labels"):
        current = _version_for(request.endpoint, dict(request.view_args or {}))
        v = request.args.get("v")
        response.headers["Cache-Control"] = IMMUTABLE if current and v == current else SHORT
    return response


def init_app(app: Flask) -> None:
    app.extensions[KEY] = {}
    app.url_defaults(_add_version)
    app.after_request(_cache_control)
    app.config.update(
        COMPRESS_ALGORITHM=["gzip"],
        COMPRESS_ALGORITHM_STREAMING=["gzip"],
        COMPRESS_MIMETYPES=list(COMPRESSED_TYPES),
        COMPRESS_LEVEL=6,
        COMPRESS_MIN_SIZE=500,
        COMPRESS_STREAMING_ENDPOINT_CONDITIONAL=["static", "pages.geo"],
    )
    Compress(app)
