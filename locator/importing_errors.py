"""Errors of import-time services that live in locator (the geocoder)."""

from __future__ import annotations

from importers.rows import RowRejected


class GeocodeFailed(RowRejected):
    """The geocoding service failed for one address: the row is rejected with the reason."""
