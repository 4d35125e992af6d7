"""The house numbers the gazetteer knows, street by street: :class:`AddressBook`.

Three sources feed one book, the first to give a (street, town, number) winning:

1. the national address register imported into the database (``flask --app locator addresses
   import aw_eka.csv``, table ``addresses``), when there is one;
2. the shipped Rīga points, ``data/gazetteer/addresses-riga.tsv`` (48,121 points from PyPI's
   ``latviastreetify``, MIT; built by :mod:`.riga_build`);
3. the street addresses of the places and closed centres in the database.

Each (street, town) becomes one searchable :class:`~.names.Entry` at the street's middle (the
known address nearest the mean of its points, so it lies on the street); its house numbers live in
flat per-book columns (the number as written, its :func:`~.addresses.number_key`, and float64
latitude and longitude arrays), each street holding a slice. **The house numbers are kept in
memory, not looked up in the database**: a search then never waits on a query, and at a million
addresses the book retains about 110 MiB (175 MiB of RSS growth; ``bench/search.py``,
bench/README.md), under the 300 MiB budget, because a number is two shared strings and 16 bytes
of coordinates rather than a dict of tuples. Building it from a million register rows takes tens of seconds, so it is built once per
process and again only when the register table changes (:class:`RegisterCache` compares row
count, largest code and last import time), on a thread of its own while the previous book answers.
"""

from __future__ import annotations

import logging
import math
import threading
from array import array
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ..domain.geodesy import distances_m
from ..domain.text import fold, words
from .addresses import number_key, number_value, parse_address, short_forms, street_words
from .files import DATA_DIR
from .names import KIND_WEIGHT, Entry, where_words

log = logging.getLogger(__name__)

RIGA_FILE = "addresses-riga.tsv"
RIGA_COLUMNS = ("street", "number", "lat", "lon")
RIGA = "Rīga"


class AddressRecord(NamedTuple):
    """One house: street ('Brīvības iela'), number as written ('90 k-2'), town, WGS84 degrees,
    the areas after the town ('Garkalnes pag.', 'Ropažu nov.') and the municipality if known."""

    street: str
    number: str
    town: str
    lat: float
    lon: float
    areas: tuple[str, ...] = ()
    municipality: str | None = None


class HouseAnswer(NamedTuple):
    lat: float
    lon: float
    number: str | None  # the number as the source writes it, None for the street's middle
    precision: str  # house | interpolated | street


class StreetNumbers:
    """The house numbers of one street: a slice of its book's columns, sorted by number."""

    __slots__ = ("book", "start", "end", "middle")

    def __init__(self, book: AddressBook, start: int, end: int, middle: int) -> None:
        self.book, self.start, self.end, self.middle = book, start, end, middle

    def __len__(self) -> int:
        return self.end - self.start

    def numbers(self) -> list[str]:
        return self.book.shown[self.start : self.end]

    def locate(self, key: str | None) -> HouseAnswer:
        """The point of house ``key`` (a :func:`number_key`); when the street lacks it, the
        point interpolated between the nearest lower and higher numbers of the same parity
        (or the same number without its letter or building), else the street's middle."""
        b = self.book
        rng = range(self.start, self.end)
        if key is not None:
            for i in rng:
                if b.keys[i] == key:
                    return HouseAnswer(b.lats[i], b.lons[i], b.shown[i], "house")
            v = number_value(key)
            if v is not None:
                plain = [(number_value(b.keys[i]), i) for i in rng if b.keys[i].isdigit()]
                same = [i for n, i in plain if n == v]
                if same:  # '90 k 2' unknown, '90' known
                    return HouseAnswer(b.lats[same[0]], b.lons[same[0]], None, "interpolated")
                lower = max(((n, i) for n, i in plain if n < v and n % 2 == v % 2), default=None)
                upper = min(((n, i) for n, i in plain if n > v and n % 2 == v % 2), default=None)
                if lower and upper:
                    t = (v - lower[0]) / (upper[0] - lower[0])
                    lat = b.lats[lower[1]] + t * (b.lats[upper[1]] - b.lats[lower[1]])
                    lon = b.lons[lower[1]] + t * (b.lons[upper[1]] - b.lons[lower[1]])
                    return HouseAnswer(lat, lon, None, "interpolated")
        return HouseAnswer(b.lats[self.middle], b.lons[self.middle], None, "street")


class AddressBook:
    """Streets with their house numbers, from :class:`AddressRecord` s (the first record of a
    (street, town, number) wins); ``entries`` are the streets for a :class:`~.names.NameIndex`."""

    def __init__(self, records: Iterable[AddressRecord]) -> None:
        # Per street while reading: number key -> position, and the numbers and coordinates in
        # flat columns (a million tuples in dicts would double the peak memory of the build).
        groups: dict[tuple[str, str], dict[str, Any]] = {}
        keys: dict[tuple[str, str], tuple[str, str]] = {}  # street and town names repeat: fold each once
        intern: dict[str, str] = {}  # number as written -> itself, shared
        nkeys: dict[str, str] = {}  # number as written -> its key, shared
        for r in records:
            if not (r.street and r.number and math.isfinite(r.lat) and math.isfinite(r.lon)):
                continue
            key = keys.get((r.street, r.town))
            if key is None:
                key = keys[r.street, r.town] = (" ".join(street_words(r.street)), " ".join(words(r.town or "")))
            g = groups.get(key)
            if g is None:
                g = groups[key] = {
                    "street": r.street,
                    "town": r.town,
                    "areas": r.areas,
                    "m": r.municipality,
                    "at": {},
                    "shown": [],
                    "lat": array("d"),
                    "lon": array("d"),
                }
            nk = nkeys.get(r.number)
            if nk is None:
                nk = nkeys[r.number] = intern.setdefault(number_key(r.number), number_key(r.number))
            if nk in g["at"]:
                continue  # the first source wins
            g["at"][nk] = len(g["shown"])
            g["shown"].append(intern.setdefault(r.number, r.number))
            g["lat"].append(r.lat)
            g["lon"].append(r.lon)
        del keys, nkeys, intern
        self.keys: list[str] = []
        self.shown: list[str] = []
        self.lats = array("d")
        self.lons = array("d")
        self.entries: list[Entry] = []
        where: dict[tuple, frozenset[str]] = {}
        for key in sorted(groups):
            g = groups.pop(key)  # freed street by street
            start = len(self.keys)
            order = sorted(g["at"].items(), key=lambda kv: (number_value(kv[0]) or 0, kv[0]))
            w = (g["town"], g["areas"], g["m"])
            g["where"] = where.get(w) or where.setdefault(w, where_words(g["town"], *g["areas"], g["m"] or g["town"]))
            for k, i in order:
                self.keys.append(k)
                self.shown.append(g["shown"][i])
                self.lats.append(g["lat"][i])
                self.lons.append(g["lon"][i])
            end = len(self.keys)
            numbers = StreetNumbers(self, start, end, self._middle(start, end))
            self.entries.append(self._entry(g, numbers))

    def _middle(self, start: int, end: int) -> int:
        """The house geodesically nearest the mean of the street's points."""
        if end - start <= 2:
            return start
        lats, lons = np.frombuffer(self.lats)[start:end], np.frombuffer(self.lons)[start:end]
        d = distances_m(lat1=float(lats.mean()), lon1=float(lons.mean()), lat2=lats, lon2=lons)
        return start + int(np.argmin(d))

    def _entry(self, g: dict[str, Any], numbers: StreetNumbers) -> Entry:
        street, town = g["street"], g["town"]
        municipality = g["m"] or town or None
        return Entry(
            kind="address",
            name=street,
            label=", ".join(x for x in (street, town) if x),
            lat=self.lats[numbers.middle],
            lon=self.lons[numbers.middle],
            municipality=municipality,
            weight=KIND_WEIGHT["street"],
            where=g["where"],
            detail={"street": street, "town": town or None, "points": len(numbers)},
            numbers=numbers,
            aliases=short_forms(street),
        )

    def __len__(self) -> int:
        return len(self.keys)


def read_riga(data_dir: Path | str = DATA_DIR) -> list[AddressRecord]:
    """The shipped Rīga address points (``addresses-riga.tsv``); [] when the file is absent."""
    path = Path(data_dir) / RIGA_FILE
    if not path.exists():
        return []
    out = []
    with path.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            street, number, lat, lon = line.rstrip("\n").split("\t")
            out.append(AddressRecord(street, number, RIGA, float(lat), float(lon), (), RIGA))
    return out


@lru_cache(maxsize=4)
def shipped_book(data_dir: str) -> AddressBook:
    """The book of the shipped Rīga points alone, read once per process and folder."""
    return AddressBook(read_riga(data_dir))


def records_from_addresses(records: Iterable[Sequence[Any]]) -> list[AddressRecord]:
    """``(address, lat, lon[, municipality])`` tuples (the places' addresses) as records; the
    addresses that name no street or no number are left out, a missing town is the municipality."""
    out = []
    for rec in records:
        address, lat, lon = rec[0], float(rec[1]), float(rec[2])
        municipality = rec[3] if len(rec) > 3 else None
        parsed = parse_address(address, municipality) if address else None
        if parsed is None or not parsed.number:
            continue
        if municipality is None:
            from ..domain.geography import municipality_of

            municipality = municipality_of(lon=lon, lat=lat)
        town = parsed.town or municipality or ""
        out.append(AddressRecord(parsed.street, parsed.number, town, lat, lon, parsed.areas, municipality))
    return out


def place_records(session) -> list[tuple[str, float, float, str | None]]:
    """(address, lat, lon, municipality) of every place and closed centre with an address."""
    from sqlalchemy import select

    from ..models import ClosedCentre, Place, lat_lon

    out = []
    for model in (Place, ClosedCentre):
        stmt = select(model.address, *lat_lon(model.geom), model.municipality).where(model.address.is_not(None))
        out.extend((a, float(lat), float(lon), m) for a, lat, lon, m in session.execute(stmt))
    return out


def register_signature(session) -> tuple:
    """What changes whenever the register table does: (rows, largest code, last import time)."""
    from sqlalchemy import func, select

    from ..models import AddressPoint

    row = session.execute(select(func.count(), func.max(AddressPoint.code), func.max(AddressPoint.imported_at))).one()
    return tuple(row)


def register_records(session) -> Iterable[AddressRecord]:
    """The register's street addresses (the table ``addresses``), streamed in code order."""
    from sqlalchemy import select

    from ..models import AddressPoint as A

    stmt = select(A.street, A.house, A.town, A.lat, A.lon, A.areas).where(A.street.is_not(None)).order_by(A.code)
    for street, house, town, lat, lon, areas in session.execute(stmt.execution_options(yield_per=20_000)):
        parts = tuple(a.strip() for a in (areas or "").split(",") if a.strip())
        municipality = next((_novads(a) for a in parts if fold(a).rstrip(".").endswith((" nov", " novads"))), None)
        yield AddressRecord(street, house, town or "", float(lat), float(lon), parts, municipality or town)


def _novads(area: str) -> str:
    """'Ropažu nov.' -> 'Ropažu novads'."""
    a = area.strip().rstrip(".")
    return a[: -len(" nov")] + " novads" if a.endswith(" nov") else a


class RegisterCache:
    """The book of the register plus the shipped Rīga points, rebuilt only when the register
    table changes (one per gazetteer, not per process: it follows one database).

    A million addresses take tens of seconds to read and index, too long for the search request
    that finds the register changed: with a ``session_factory`` and ``wait`` false, the new book is
    built on a thread of its own while the old one keeps answering, and ``on_built`` is called
    when it is ready."""

    def __init__(self, data_dir: Path | str = DATA_DIR, session_factory=None, on_built=None) -> None:
        self.data_dir = str(data_dir)
        self.session_factory, self.on_built = session_factory, on_built
        self.signature: tuple | None = None
        self.book: AddressBook | None = None
        self._building = threading.Lock()

    def book_for(self, session, *, wait: bool = True) -> AddressBook:
        try:
            sig = register_signature(session)
        except Exception:  # no register table yet (database behind on migrations)
            rollback = getattr(session, "rollback", None)
            if rollback is not None:
                rollback()
            return shipped_book(self.data_dir)
        if not sig[0]:
            self.signature, self.book = sig, None
            return shipped_book(self.data_dir)
        if sig == self.signature and self.book is not None:
            return self.book
        if wait or self.session_factory is None:
            self._build(session, sig)
            return self.book
        if self._building.acquire(blocking=False):
            threading.Thread(target=self._build_in_background, args=(sig,), daemon=True).start()
        return self.book or shipped_book(self.data_dir)

    def _build(self, session, sig: tuple) -> None:
        book = AddressBook(chain(register_records(session), read_riga(self.data_dir)))
        self.book, self.signature = book, sig

    def _build_in_background(self, sig: tuple) -> None:
        try:
            session = self.session_factory()
            try:
                self._build(session, register_signature(session))
            finally:
                session.close()
            if self.on_built is not None:
                self.on_built()
        except Exception:
            log.warning("gazetteer: could not index the address register", exc_info=True)
        finally:
            self._building.release()


class AddressLoader:
    """A gazetteer's ``address_loader`` over a database: the register's book (:class:`RegisterCache`)
    and the places' addresses, read through ``session_factory()`` (a session it closes). Called
    with ``wait`` true (a forced refresh) it builds a changed register's book before answering."""

    def __init__(self, session_factory, data_dir: Path | str = DATA_DIR) -> None:
        self.session_factory = session_factory
        self.register = RegisterCache(data_dir, session_factory)

    def __call__(self, *, wait: bool = False) -> AddressSources:
        session = self.session_factory()
        try:
            return AddressSources(self.register.book_for(session, wait=wait), place_records(session))
        finally:
            session.close()


class AddressSources(NamedTuple):
    """What a gazetteer's address loader returns: the book of numbered addresses and the places'
    ``(address, lat, lon, municipality)`` tuples."""

    book: AddressBook
    places: list
