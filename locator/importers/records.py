"""What readers yield: raw records with their place in the file, before validation.

A reader's job ends at turning a file into :class:`Record`s whose ``fields``
use the canonical names below (after any ``--map``); validation
(``locator.importers.validator``, with the rules of ``locator.importers.rules``) turns a record into a ``PlaceRow`` or rejects it with
a reason.  Readers never touch the database.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from locator.domain.vocabulary import SERVICES

# Canonical field names a record may carry.  fee_<service> is the fee in euros
# for that service (text such as "0,50" or a number); condition_<service> an
# optional condition for it ("salary_card=Swedbank").
PLACE_FIELDS = (
    "source_ref",
    "kind",
    "name",
    "brand",
    "operator",
    "address",
    "municipality",
    "lat",
    "lon",
    "opening_hours",
)
FEE_FIELDS = tuple(f"fee_{s}" for s in SERVICES)
CONDITION_FIELDS = tuple(f"condition_{s}" for s in SERVICES)
# "offers": every offer of the place in one field, for files that need several
# offers per service (what `export` writes): "bill_payment=0.00 if
# salary_card=swedbank; bill_payment=1.20", or in GeoJSON a list of
# {"service", "fee_eur", "condition"} objects.
FIELDS = PLACE_FIELDS + FEE_FIELDS + CONDITION_FIELDS + ("offers",)


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, format, a mapped column missing).

    ``str()`` names the file and says what to do, e.g. suggests ``--encoding``.
    """


@dataclass
class Record:
    """One row, feature or OSM element, with canonical ``fields`` (values as found)."""

    file: str
    fields: dict[str, Any]
    line: int | None = None  # CSV: the physical line the row starts on (1-based)
    feature: int | None = None  # GeoJSON feature / OSM element number (1-based)
    notes: list[str] = field(default_factory=list)  # what the reader did, e.g. "area: point inside"

    def where(self) -> str:
        """``FILE:LINE`` for text rows, ``FILE: feature N`` for features."""
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.feature is not None:
            return f"{self.file}: feature {self.feature}"
        return self.file


ProgressCallback = Callable[[int], None]


class CountingReader(io.RawIOBase):
    """A binary file that reports how many bytes were read so far (for progress bars)."""

    def __init__(self, raw: io.BufferedIOBase, on_bytes: ProgressCallback | None = None):
        self._raw = raw
        self._on_bytes = on_bytes
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._raw.readinto(buffer)
        if n:
            self.bytes_read += n
            if self._on_bytes is not None:
                self._on_bytes(n)
        return n or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_counted(path: str | Path, on_bytes: ProgressCallback | None = None) -> io.BufferedReader:
    """Open ``path`` for binary reading, calling ``on_bytes(n)`` as bytes are consumed."""
    return io.BufferedReader(CountingReader(open(path, "rb"), on_bytes), buffer_size=1 << 16)


def parse_mapping(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``("name=banka", "lat=platums")`` -> ``{"name": "banka", "lat": "platums"}`` (ours -> theirs).

    Raises ValueError naming the bad pair or an unknown canonical field.
    """
    mapping: dict[str, str] = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        ours, theirs = ours.strip(), theirs.strip()
        if not sep or not ours or not theirs:
            raise ValueError(f"--map {pair!r}: expected FIELD=COLUMN, e.g. name=banka")
        if ours not in FIELDS:
            raise ValueError(f"--map {pair!r}: unknown field {ours!r}; fields: {', '.join(FIELDS)}")
        mapping[ours] = theirs
    return mapping
