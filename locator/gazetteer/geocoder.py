"""The offline gazetteer as a geopy geocoder: :class:`Gazetteer`.

It searches the shipped settlements and postcodes (:mod:`.files`) and the house numbers of
:mod:`.address_index` (the shipped Rīga points, the imported register and the places' addresses;
queries parsed by :mod:`.addresses`). A query is split at commas into a name and its
context ('Ozoli, Saldus novads'); exact beats loose beats prefix beats fuzzy matches, and a
context that names none of the entry's areas costs a penalty.
"""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from ..config import VERSION
from ..domain.geodesy import distances_m
from ..domain.text import fold, words
from . import farmsteads
from .address_index import (
    AddressBook,
    AddressLoader,
    AddressSources,
    RegisterCache,
    place_records,
    records_from_addresses,
    shipped_book,
)
from .addresses import (
    NUMBER_RE,
    POSTCODE_IN_RE,
    POSTCODE_ONLY_RE,
    STREET_TYPES,
    split_number,
    street_words,
    without_initial,
)
from .cyrillic import to_latin
from .files import DATA_DIR, PostcodeRow, base_data
from .names import KIND_WEIGHT, TIER_NAMES, Entry, NameIndex, context_ok

log = logging.getLogger(__name__)

ADDRESS_REFRESH_S = 60.0
"""Least seconds between two reloads of the database addresses by a gazetteer with a loader."""


@dataclass
class _Hit:
    entry: Entry | None
    postcode: PostcodeRow | None
    tier: int
    penalty: int
    name_words: int
    number: str | None = None
    ignored: str | None = None
    distance: int = 0  # spelling distance in edits from what was typed (NameIndex.distance)
    typed: str = ""
    query: str = ""


class Gazetteer(Geocoder):
    """An offline geopy geocoder over the shipped settlements and postcodes and, optionally,
    the street addresses of the places in the database.

    ``records`` are ``(address, lat, lon)`` or ``(address, lat, lon, municipality)`` tuples (the
    places' addresses), searched after the shipped Rīga address points unless
    ``shipped_addresses`` is false;
    ``address_loader`` is a callable returning such records, called lazily and again when
    ``refresh_s`` seconds have passed (or on :meth:`refresh`); a failing loader keeps the
    addresses it had. ``geocode`` returns ``geopy.location.Location`` objects whose ``raw``
    says what matched: ``kind`` (settlement | postcode | address), ``match`` (exact | loose |
    prefix | fuzzy), ``municipality``, ``weight`` (population, or a weight by kind), and more.
    """

    def __init__(
        self,
        records: Iterable[Sequence[Any]] | None = None,
        *,
        address_loader: Callable[[], Iterable[Sequence[Any]]] | None = None,
        refresh_s: float = ADDRESS_REFRESH_S,
        data_dir: Path | str = DATA_DIR,
        shipped_addresses: bool = True,
        user_agent: str | None = None,
    ) -> None:
        super().__init__(user_agent=user_agent or f"locator/{VERSION}")
        self._data_dir = str(data_dir)
        self._base = base = base_data(str(data_dir))
        self.names, self.postcodes, self.settlements = base.names, base.postcodes, base.settlements
        self._book = shipped_book(str(data_dir)) if shipped_addresses else AddressBook(())
        self._places: list | None = None  # the place addresses the index was last built with
        self._streets = _street_index(self._book, records or ())
        self._loader = address_loader
        self._refresh_s = refresh_s
        self._loaded_at: float | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_database(cls, session, **kwargs) -> Gazetteer:
        """A gazetteer with the addresses of ``session``'s database: the imported register's
        (with the shipped Rīga points, unless ``shipped_addresses`` is false) and the places'."""
        records = place_records(session)
        g = cls(records, **kwargs)
        if kwargs.get("shipped_addresses", True):
            book = RegisterCache(kwargs.get("data_dir", DATA_DIR)).book_for(session)
            if book is not g._book:
                g._book, g._streets = book, _street_index(book, records)
        return g

    # -- addresses

    def refresh(self, force: bool = True) -> None:
        """Reload the addresses from the loader now (``force``) or if they are older than ``refresh_s``."""
        if self._loader is None:
            return
        now = time.monotonic()
        if not force and self._loaded_at is not None and now - self._loaded_at < self._refresh_s:
            return
        with self._lock:
            if not force and self._loaded_at is not None and time.monotonic() - self._loaded_at < self._refresh_s:
                return
            try:
                loaded = (
                    self._loader(wait=True) if force and isinstance(self._loader, AddressLoader) else self._loader()
                )
                book = self._book
                if isinstance(loaded, AddressSources):
                    book, loaded = loaded.book, loaded.places
                loaded = list(loaded)
                if book is not self._book or loaded != self._places:  # else nothing changed: keep the index
                    self._streets = _street_index(book, loaded)
                    self._book, self._places = book, loaded
            except Exception:  # the database may be down: search settlements and postcodes anyway
                log.warning("gazetteer: could not load the database addresses", exc_info=True)
            self._loaded_at = time.monotonic()

    def mark_stale(self) -> None:
        """Reload the addresses at the next search (a new register index is ready)."""
        self._loaded_at = None

    @property
    def street_count(self) -> int:
        return len(self._streets.entries)

    @property
    def address_count(self) -> int:
        """House numbers known (the register's and the shipped ones, without the places')."""
        return len(self._book)

    # -- geopy interface

    def geocode(self, query, *, exactly_one=True, limit=None, timeout=DEFAULT_SENTINEL, **kwargs):
        """Locations matching ``query`` (a string, or a Nominatim-style dict whose values are
        joined), best first (at most ``limit``, 10 by default); None when nothing matches, as
        geopy's geocoders do."""
        if isinstance(query, Mapping):
            query = ", ".join(str(v) for v in query.values() if v)
        self.refresh(force=False)
        hits = self._search(str(query or ""))
        if not hits:
            return None
        locations = [self._location(h) for h in hits]
        if exactly_one:
            return locations[0]
        return locations[: limit or 10]  # Nominatim also answers 10 unless asked

    def reverse(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL, **kwargs):
        """The settlement nearest to ``query`` ("lat, lon", a tuple or a geopy Point) by geodesic
        distance (five nearest, nearest first, unless ``exactly_one``)."""
        from geopy.point import Point

        p = Point(query)
        d = distances_m(lat1=p.latitude, lon1=p.longitude, lat2=self._base.lats, lon2=self._base.lons)
        ranked = np.argsort(d, kind="stable")[: 1 if exactly_one else 5]
        found = [self._location(_Hit(self.settlements[i], None, 0, 0, 0)) for i in ranked]
        return found[0] if exactly_one else found

    # -- matching

    def _search(self, query: str) -> list[_Hit]:
        q = to_latin(unicodedata.normalize("NFC", query)).strip()  # 'Рига' -> 'Riga'
        if not q:
            return []
        m = POSTCODE_ONLY_RE.match(fold(q))
        if m:
            p = self.postcodes.get(m.group(1))
            return [_Hit(None, p, 0, 0, 1)] if p else []
        code = None
        m = POSTCODE_IN_RE.search(fold(q))
        if m:
            code = m.group(1)
            q = q[: m.start()] + " " + q[m.end() :]  # folded and original have the same length here
        parts = [words(p) for p in q.split(",")]
        parts = [p for p in parts if p]
        hits = _prefer_exact_addresses(self._match_parts(parts), q)
        for h in hits:
            h.query = q
        if not hits or hits[0].penalty or hits[0].tier > 1:  # not all of it explained: a farm name?
            farm_tier, farms = farmsteads.resolve(q, farmsteads.farm_index(self._data_dir), self.names)
            if farms:
                return [_Hit(e, None, farm_tier, 0, 1) for e in farms]
        if not hits and code and code in self.postcodes:
            return [_Hit(None, self.postcodes[code], 0, 0, 1)]
        return hits

    def _match_parts(self, parts: list[list[str]]) -> list[_Hit]:
        # (name words, context words, strict): strict splits drop candidates whose context misses.
        splits: list[tuple[list[str], list[str], bool]] = []
        for i, part in enumerate(parts):
            others = [w for j, p in enumerate(parts) if j != i for w in p]
            splits.append((part, others, False))
            if len(parts) == 1 and len(part) > 1:
                for k in range(1, len(part)):
                    splits.append((part[:k], part[k:], True))
                    splits.append((part[k:], part[:k], True))
        best: list[_Hit] = []
        best_score = None
        for fuzzy in (False, True):
            for name, context, strict in splits:
                name, number = split_number(name)  # 'brivibas iela 90 k 2' -> '90 k 2'
                if strict and any(NUMBER_RE.match(c) for c in context) and number is None:
                    continue
                street_ws = street_words(name)  # 'ielā' is 'iela'
                key, street_key = " ".join(name), " ".join(street_ws)
                for index in (self._streets, self.names):
                    tier, entries = index.match(street_key if index is self._streets else key, fuzzy)
                    if not entries and index is self._streets and (short := without_initial(street_ws)):
                        tier, entries = index.match(" ".join(short), fuzzy)  # 'K. Barona iela'
                    if not entries:
                        continue
                    for e in entries:
                        ctx = [c for c in context if not NUMBER_RE.match(c)]
                        ok = context_ok(ctx, e)
                        if strict and not ok:
                            continue
                        # a street with the wrong town is worse than the town alone
                        penalty = 0 if ok else (3 if e.kind == "address" else 1)
                        hit = _Hit(e, None, tier, penalty, len(name), number, None if ok or not ctx else " ".join(ctx))
                        hit.distance, hit.typed = index.distance(key, e), key
                        score = (hit.penalty, hit.tier, -hit.name_words)
                        if best_score is None or score < best_score:
                            best, best_score = [hit], score
                        elif score == best_score and all(h.entry is not e for h in best):
                            best.append(hit)
            if best:
                break
        best.sort(key=lambda h: (h.distance, -h.entry.weight, h.entry.label, h.entry.lat))
        return best

    def _location(self, hit: _Hit) -> Location:
        match = TIER_NAMES[min(hit.tier, 3)]
        if hit.postcode is not None:
            p = hit.postcode
            label = ", ".join(x for x in (p.code, p.place, p.municipality if p.municipality != p.place else "") if x)
            raw = {
                "kind": "postcode",
                "match": match,
                "name": p.code,
                "label": label,
                "postcode": p.code,
                "place": p.place,
                "municipality": p.municipality or None,
                "weight": KIND_WEIGHT["town"],
                "lat": p.lat,
                "lon": p.lon,
            }
            return Location(label, (p.lat, p.lon, 0), raw)
        e = hit.entry
        lat, lon, label = e.lat, e.lon, e.label
        raw = {
            "kind": e.kind,
            "match": match,
            "name": e.name,
            "label": label,
            "municipality": e.municipality,
            "weight": e.weight,
            "spelling_distance": hit.distance,
            **e.detail,
        }
        if e.aliases and hit.typed:
            matched = self.names.matched_name(hit.typed, e)
            if matched != e.name:
                raw["matched_name"] = matched  # the other name that was typed ('Mitau' for Jelgava)
        if e.kind == "address":
            answer = e.numbers.locate(hit.number)
            lat, lon = answer.lat, answer.lon
            raw["precision"] = "street" if hit.number is None else answer.precision
            raw["house_number"] = answer.number
            if answer.number:
                label = ", ".join(x for x in (f"{e.name} {answer.number}", e.detail.get("town")) if x)
            if hit.number is not None:
                raw["house_number_found"] = answer.precision == "house"
                if answer.precision != "house":
                    raw["not_found"] = _as_typed(hit.query, e.name, hit.number)
        else:
            raw["precision"] = "settlement"
            missing = _unknown_street(hit)
            if missing:
                raw["not_found"] = missing
        if hit.ignored:
            raw["partial"] = True
            raw["ignored"] = hit.ignored
        raw.update(label=label, lat=lat, lon=lon)
        return Location(label, (lat, lon, 0), raw)


def _street_index(book: AddressBook, place_addresses) -> NameIndex:
    """The streets of ``book`` and of the places' ``(address, lat, lon[, municipality])`` tuples."""
    return NameIndex(book.entries + AddressBook(records_from_addresses(place_addresses)).entries)


def _prefer_exact_addresses(hits: list[_Hit], query: str) -> list[_Hit]:
    """Of several streets that match an address, those whose town the query names in full
    ('Bille', not 'Biļļumuiža' that merely starts alike), then those that have the house
    number asked for ('Brīvības 90': the iela has it, the gatve not), where any do."""
    streets = [h for h in hits if h.entry is not None and h.entry.kind == "address"]
    if len(streets) < 2:
        return hits
    typed = set(words(query))
    kept = streets
    named = [h for h in kept if h.entry.detail.get("town") and set(words(h.entry.detail["town"])) <= typed]
    if named:
        kept = named
    if kept[0].number:
        known = [h for h in kept if h.entry.numbers.locate(h.number).precision == "house"]
        if known:
            kept = known
    return kept if len(kept) < len(streets) else hits


def _as_typed(query: str, street: str, number: str) -> str:
    """The comma part of ``query`` that named the street ('Brīvības ielā 90 k-2'), else 'street number'."""
    for part in query.split(","):
        ws = words(part)
        if ws and any(d.isdigit() for d in ws) and split_number(ws)[1] == number:
            return " ".join(part.split())
    return f"{street} {number}"


def _unknown_street(hit: _Hit) -> str | None:
    """The street address, as typed, that a settlement answered for ('Nezināmā iela 5' of
    'Nezināmā iela 5, Rīga'): the ignored comma part, if it has a street-type word or a number."""
    if not hit.ignored:
        return None
    ignored = set(hit.ignored.split())
    for part in hit.query.split(","):
        ws = street_words(words(part))
        named = [w for w in ws if not NUMBER_RE.match(w)]
        if named and set(named) <= ignored and (len(named) < len(ws) or any(w in STREET_TYPES for w in ws)):
            return " ".join(part.split())
    return None
