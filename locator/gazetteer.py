"""Search by place name, address or postcode: an offline gazetteer written as a geopy geocoder.

The default search geocoder works offline. :class:`Gazetteer` is a
``geopy.geocoders.base.Geocoder`` built from

* ``data/gazetteer/settlements.tsv``: every GeoNames populated place of Latvia (towns, villages,
  Rīga neighbourhoods) plus the village names of the GeoNames postcode file that the populated
  places lack, with municipality, parish and population where known;
* ``data/gazetteer/postcodes.tsv``: the 697 LV-xxxx postcodes at the point of their post office;
* the street addresses of the places and closed centres in the database (``from_database``):
  there is no openly licensed street list in the project's sources, so the streets the
  gazetteer knows are exactly the streets of the imported places.

Both files are built by :func:`build_gazetteer_files` from ``../shared/data`` (GeoNames, CC BY 4.0):
``python -m locator.gazetteer build``. Matching ignores case, diacritics and punctuation
("riga", "RĪGA", "audeju iela 1"), accepts common ASCII spellings ("Kjekava", "Liepaaja"), lightly
tolerates word order, and prefers exact over prefix over fuzzy (difflib) matches.

``geocoder_for_search(config)`` swaps the gazetteer for geopy's ``Nominatim`` or ``Photon`` by
configuration (``SEARCH_GEOCODER``, ``GEOCODER_URL``, ``GEOCODER_USER_AGENT``,
``GEOCODER_TIMEOUT_S``), and :func:`search` turns any geopy geocoder's answer into
found / ambiguous / not_found with choices and a bilingual hint for the web layer.
"""

from __future__ import annotations

import bisect
import csv
import difflib
import functools
import logging
import math
import re
import sys
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from geopy.exc import GeocoderQueryError, GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable
from geopy.geocoders import Nominatim, Photon
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from .config import VERSION

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteer"
SETTLEMENTS_FILE = "settlements.tsv"
POSTCODES_FILE = "postcodes.tsv"
SETTLEMENT_COLUMNS = ("name", "lat", "lon", "municipality", "parish", "population", "kind", "source")
POSTCODE_COLUMNS = ("code", "place", "lat", "lon", "municipality")

ATTRIBUTION = "Data: GeoNames, geonames.org, CC BY 4.0"
ADDRESS_REFRESH_S = 60.0
"""Least seconds between two reloads of the database addresses by a cached gazetteer."""

# ---------------------------------------------------------------- folding


def fold(text: str) -> str:
    """Case- and diacritic-free form: NFKD, combining marks dropped, casefolded.

    'RĪGA' -> 'riga', 'Audēju iela' -> 'audeju iela', 'Ķegums' -> 'kegums'.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Folded words of ``text``; punctuation and spaces separate them ('LV-1050' -> lv, 1050)."""
    return _TOKEN_RE.findall(fold(text))


_LOOSE_PAIRS = (("sh", "s"), ("ch", "c"), ("zh", "z"), ("kj", "k"), ("gj", "g"), ("lj", "l"), ("nj", "n"), ("w", "v"))
_REPEAT_RE = re.compile(r"(.)\1+")


def loose(key: str) -> str:
    """A looser key for ASCII spellings of Latvian letters: 'sh'->'s', 'kj'->'k', doubled
    letters written once ('Liepaaja', 'Kjekava', 'Shkirotava' match 'Liepāja', 'Ķekava',
    'Šķirotava'). Applied to both sides, so it only ever merges spellings."""
    for a, b in _LOOSE_PAIRS:
        key = key.replace(a, b)
    return _REPEAT_RE.sub(r"\1", key)


GENERIC_WORDS = frozenset(
    {
        "novads",
        "nov",
        "pagasts",
        "pag",
        "pilseta",
        "pils",
        "latvija",
        "latvia",
        "lv",
        "lettland",
        "valstspilseta",
        "republika",
    }
)
"""Words of a qualifier that say what kind of area it is, not which one: ignored in context."""

STREET_TYPES = frozenset(
    {
        "iela",
        "gatve",
        "bulvaris",
        "bulv",
        "prospekts",
        "pr",
        "cels",
        "laukums",
        "soseja",
        "krastmala",
        "aleja",
        "dambis",
        "linija",
        "skersiela",
        "skerslinija",
        "sķersiela",
        "seta",
        "parks",
        "skvers",
    }
)
"""Folded Latvian street-type words: a comma part holding one is a street."""

_NUMBER_RE = re.compile(r"^\d{1,4}[a-z]?$")
_POSTCODE_ONLY_RE = re.compile(r"^\s*(?:lv)?[\s\-]*(\d{4})\s*$")
_POSTCODE_IN_RE = re.compile(r"\blv\s*-?\s*(\d{4})\b")


# ---------------------------------------------------------------- the data files


@dataclass(frozen=True)
class SettlementRow:
    name: str
    lat: float
    lon: float
    municipality: str
    parish: str
    population: int
    kind: str
    source: str


@dataclass(frozen=True)
class PostcodeRow:
    code: str
    place: str
    lat: float
    lon: float
    municipality: str


def read_settlements(data_dir: Path = DATA_DIR) -> list[SettlementRow]:
    with (Path(data_dir) / SETTLEMENTS_FILE).open(encoding="utf-8", newline="") as fh:
        return [
            SettlementRow(
                r["name"],
                float(r["lat"]),
                float(r["lon"]),
                r["municipality"],
                r["parish"],
                int(r["population"] or 0),
                r["kind"],
                r["source"],
            )
            for r in csv.DictReader(fh, delimiter="\t")
        ]


def read_postcodes(data_dir: Path = DATA_DIR) -> list[PostcodeRow]:
    with (Path(data_dir) / POSTCODES_FILE).open(encoding="utf-8", newline="") as fh:
        return [
            PostcodeRow(r["code"], r["place"], float(r["lat"]), float(r["lon"]), r["municipality"])
            for r in csv.DictReader(fh, delimiter="\t")
        ]


# ---------------------------------------------------------------- the index


KIND_WEIGHT = {
    "city": 10_000,
    "town": 1_000,
    "district": 300,
    "street": 200,
    "village": 100,
    "locality": 50,
    "abandoned": 1,
}
"""Weight of a settlement without a population figure, by kind (a population replaces it)."""

TIER_NAMES = ("exact", "loose", "prefix", "fuzzy")


@dataclass
class Entry:
    """One searchable thing: a settlement or a street (of the database addresses)."""

    kind: str  # settlement | address
    name: str
    label: str
    lat: float
    lon: float
    municipality: str | None
    weight: int
    where: frozenset[str]  # folded words of the areas it lies in, for qualifiers like ", Rīga"
    detail: dict[str, Any] = field(default_factory=dict)
    numbers: dict[str, tuple[float, float, str]] = field(default_factory=dict)  # streets only

    @property
    def key(self) -> str:
        return " ".join(tokens(self.name))


class NameIndex:
    """Entries by folded key, by loose key and by sorted words, with sorted keys for prefixes."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = list(entries)
        self.exact: dict[str, list[Entry]] = defaultdict(list)
        self.loose: dict[str, list[Entry]] = defaultdict(list)
        self.bag: dict[str, list[Entry]] = defaultdict(list)
        for e in self.entries:
            k = e.key
            self.exact[k].append(e)
            self.loose[loose(k)].append(e)
            self.bag[" ".join(sorted(k.split()))].append(e)
        self.keys = sorted(self.exact)
        self.loose_keys = sorted(self.loose)

    def match(self, key: str, fuzzy: bool) -> tuple[int, list[Entry]]:
        """(tier, entries) of the best tier that matches ``key``; (4, []) if none."""
        if not key:
            return 4, []
        if key in self.exact:
            return 0, list(self.exact[key])
        lk = loose(key)
        found = list(self.loose.get(lk, ())) or list(self.bag.get(" ".join(sorted(key.split())), ()))
        if found:
            return 1, found
        if len(key) >= 3:
            found = [e for k in _with_prefix(self.keys, key) for e in self.exact[k]]
            if not found:
                found = [e for k in _with_prefix(self.loose_keys, lk) for e in self.loose[k]]
            if found:
                return 2, found
        if fuzzy and len(key) >= 4:
            close = difflib.get_close_matches(key, self.keys, n=12, cutoff=0.8)
            found = [e for k in close for e in self.exact[k]]
            if found:
                return 3, found
        return 4, []


def _with_prefix(keys: list[str], prefix: str) -> list[str]:
    i = bisect.bisect_left(keys, prefix)
    out = []
    while i < len(keys) and keys[i].startswith(prefix):
        out.append(keys[i])
        i += 1
    return out


def _where_words(*areas: str | None) -> frozenset[str]:
    return frozenset(w for a in areas if a for w in tokens(a) if w not in GENERIC_WORDS)


def _stem_match(a: str, b: str) -> bool:
    """Words equal up to a Latvian ending: 'tukums'~'tukuma', 'riga'~'rigas', 'cesis'~'cesu'."""
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= 3 and n >= min(len(a), len(b)) - 2


def _context_ok(context: Sequence[str], entry: Entry) -> bool:
    return all(any(_stem_match(c, w) for w in entry.where) for c in context if c not in GENERIC_WORDS)


def settlement_label(name: str, parish: str | None, municipality: str | None) -> str:
    parts = [name]
    if parish and fold(parish).split()[0] != fold(name):
        parts.append(parish)
    if municipality and fold(municipality) != fold(name):
        parts.append(municipality)
    return ", ".join(parts)


@lru_cache(maxsize=4)
def _base_data(data_dir: str) -> tuple[NameIndex, dict[str, PostcodeRow], list[Entry]]:
    """Settlements and postcodes, loaded once per process (per data folder)."""
    settlements = []
    for r in read_settlements(Path(data_dir)):
        settlements.append(
            Entry(
                kind="settlement",
                name=r.name,
                label=settlement_label(r.name, r.parish, r.municipality),
                lat=r.lat,
                lon=r.lon,
                municipality=r.municipality or None,
                weight=r.population or KIND_WEIGHT.get(r.kind, 100),
                where=_where_words(r.municipality, r.parish),
                detail={
                    "settlement_kind": r.kind,
                    "population": r.population or None,
                    "parish": r.parish or None,
                    "source": r.source,
                },
            )
        )
    postcodes = {p.code.removeprefix("LV-"): p for p in read_postcodes(Path(data_dir))}
    return NameIndex(settlements), postcodes, settlements


# ---------------------------------------------------------------- addresses from the database


@dataclass(frozen=True)
class ParsedAddress:
    street: str  # 'Audēju iela'
    number: str | None  # '16', '16a'
    town: str | None  # 'Rīga'


def parse_address(address: str, municipality: str | None = None) -> ParsedAddress | None:
    """The street, house number and town of an address like 'Audēju iela 16, Rīga' or
    'LV-1050, Rīga, Audēju iela 16'; None when it names no street (e.g. 'Āgenskalns, Rīga')."""
    parts = [p.strip() for p in unicodedata.normalize("NFC", address).split(",") if p.strip()]
    street = number = None
    towns = []
    for part in parts:
        words = part.split()
        folded = [fold(w).strip(".") for w in words]
        if _POSTCODE_ONLY_RE.match(fold(part)):
            continue
        if street is None and any(f in STREET_TYPES for f in folded):
            last = max(i for i, f in enumerate(folded) if f in STREET_TYPES)
            street = " ".join(words[: last + 1])
            rest = "".join(words[last + 1 :]).casefold()
            m = re.match(r"^(\d{1,4}[a-z]?)", rest)
            number = m.group(1) if m else None
        elif street is None and len(words) >= 2 and _NUMBER_RE.match(folded[-1]) and not folded[0].isdigit():
            street, number = " ".join(words[:-1]), folded[-1]  # 'Brīvības 10'
        else:
            towns.append(part)
    if street is None:
        return None
    town = towns[-1] if towns else municipality
    return ParsedAddress(street, number, town)


def address_records(session) -> list[tuple[str, float, float, str | None]]:
    """(address, lat, lon, municipality) of every place and closed centre with an address."""
    from sqlalchemy import func, select

    from .models import ClosedCentre, Place

    out = []
    for model in (Place, ClosedCentre):
        stmt = select(model.address, func.ST_Y(model.geom), func.ST_X(model.geom), model.municipality).where(
            model.address.is_not(None)
        )
        out.extend((a, float(lat), float(lon), m) for a, lat, lon, m in session.execute(stmt))
    return out


def _street_entries(records: Iterable[Sequence[Any]]) -> list[Entry]:
    streets: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in records:
        address, lat, lon = rec[0], float(rec[1]), float(rec[2])
        municipality = rec[3] if len(rec) > 3 else None
        if not address or not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        parsed = parse_address(address, municipality)
        if parsed is None:
            continue
        if municipality is None:
            from .domain.geography import municipality_of

            municipality = municipality_of(lat=lat, lon=lon)
        town = parsed.town or municipality or ""
        key = (" ".join(tokens(parsed.street)), fold(town))
        s = streets.setdefault(
            key, {"name": parsed.street, "town": town, "municipality": municipality, "points": [], "numbers": {}}
        )
        s["points"].append((lat, lon))
        if parsed.number:
            s["numbers"].setdefault(parsed.number, (lat, lon, f"{parsed.street} {parsed.number}"))
    entries = []
    for (_, _), s in sorted(streets.items()):
        pts = s["points"]
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        town = s["town"]
        entries.append(
            Entry(
                kind="address",
                name=s["name"],
                label=", ".join(x for x in (s["name"], town) if x),
                lat=lat,
                lon=lon,
                municipality=s["municipality"],
                weight=KIND_WEIGHT["street"],
                where=_where_words(town, s["municipality"]),
                detail={"street": s["name"], "town": town or None, "points": len(pts)},
                numbers=s["numbers"],
            )
        )
    return entries


# ---------------------------------------------------------------- the geocoder


@dataclass
class _Hit:
    entry: Entry | None
    postcode: PostcodeRow | None
    tier: int
    penalty: int
    name_words: int
    number: str | None = None
    ignored: str | None = None


class Gazetteer(Geocoder):
    """An offline geopy geocoder over the shipped settlements and postcodes and, optionally,
    the street addresses of the places in the database.

    ``records`` are ``(address, lat, lon)`` or ``(address, lat, lon, municipality)`` tuples;
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
        user_agent: str | None = None,
    ) -> None:
        super().__init__(user_agent=user_agent or f"locator/{VERSION}")
        self.names, self.postcodes, self.settlements = _base_data(str(data_dir))
        self._streets = NameIndex(_street_entries(records or ()))
        self._loader = address_loader
        self._refresh_s = refresh_s
        self._loaded_at: float | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_database(cls, session, **kwargs) -> Gazetteer:
        """A gazetteer with the addresses of the places and closed centres in ``session``'s database."""
        return cls(address_records(session), **kwargs)

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
                self._streets = NameIndex(_street_entries(self._loader()))
            except Exception:  # the database may be down: search settlements and postcodes anyway
                log.warning("gazetteer: could not load the database addresses", exc_info=True)
            self._loaded_at = time.monotonic()

    @property
    def street_count(self) -> int:
        return len(self._streets.entries)

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
        """The nearest settlement to ``query`` ("lat, lon", a tuple or a geopy Point)."""
        from geopy.point import Point

        p = Point(query)
        coslat = math.cos(math.radians(p.latitude))
        ranked = sorted(
            self.settlements,
            key=lambda e: (e.lat - p.latitude) ** 2 + ((e.lon - p.longitude) * coslat) ** 2,
        )
        found = [self._location(_Hit(e, None, 0, 0, 0)) for e in ranked[: 1 if exactly_one else 5]]
        return found[0] if exactly_one else found

    # -- matching

    def _search(self, query: str) -> list[_Hit]:
        q = unicodedata.normalize("NFC", query).strip()
        if not q:
            return []
        m = _POSTCODE_ONLY_RE.match(fold(q))
        if m:
            p = self.postcodes.get(m.group(1))
            return [_Hit(None, p, 0, 0, 1)] if p else []
        code = None
        m = _POSTCODE_IN_RE.search(fold(q))
        if m:
            code = m.group(1)
            q = q[: m.start()] + " " + q[m.end() :]  # folded and original have the same length here
        parts = [tokens(p) for p in q.split(",")]
        parts = [p for p in parts if p]
        hits = self._match_parts(parts)
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
                number = None
                if len(name) >= 2 and _NUMBER_RE.match(name[-1]) and not name[0].isdigit():
                    number, name = name[-1], name[:-1]
                elif len(name) >= 3 and _NUMBER_RE.match(name[-2]) and len(name[-1]) <= 2 and not name[0].isdigit():
                    number, name = name[-2] + name[-1], name[:-2]  # '16 a'
                if strict and any(_NUMBER_RE.match(c) for c in context) and number is None:
                    continue
                key = " ".join(name)
                for index in (self._streets, self.names):
                    tier, entries = index.match(key, fuzzy)
                    if not entries:
                        continue
                    for e in entries:
                        ctx = [c for c in context if not _NUMBER_RE.match(c)]
                        ok = _context_ok(ctx, e)
                        if strict and not ok:
                            continue
                        # a street with the wrong town is worse than the town alone
                        penalty = 0 if ok else (3 if e.kind == "address" else 1)
                        hit = _Hit(e, None, tier, penalty, len(name), number, None if ok or not ctx else " ".join(ctx))
                        score = (hit.penalty, hit.tier, -hit.name_words)
                        if best_score is None or score < best_score:
                            best, best_score = [hit], score
                        elif score == best_score and all(h.entry is not e for h in best):
                            best.append(hit)
            if best:
                break
        best.sort(key=lambda h: (-h.entry.weight, h.entry.label, h.entry.lat))
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
            **e.detail,
        }
        if e.kind == "address":
            raw["house_number"] = None
            if hit.number:
                found = e.numbers.get(hit.number) or next(
                    (
                        v
                        for k, v in e.numbers.items()
                        if re.match(r"\d+", k).group() == re.match(r"\d+", hit.number).group()
                    ),
                    None,
                )
                if found:
                    lat, lon, street_no = found
                    label = ", ".join(x for x in (street_no, e.detail.get("town")) if x)
                    raw["house_number"] = hit.number
                raw["house_number_found"] = bool(found)
        if hit.ignored:
            raw["partial"] = True
            raw["ignored"] = hit.ignored
        raw.update(label=label, lat=lat, lon=lon)
        return Location(label, (lat, lon, 0), raw)


# ---------------------------------------------------------------- search for the web layer


class SearchUnavailable(Exception):
    """The configured geocoder did not answer (timed out, unreachable, or erred)."""


@dataclass(frozen=True)
class Choice:
    label: str
    lat: float
    lon: float
    kind: str  # settlement | postcode | address | place
    municipality: str | None = None


@dataclass(frozen=True)
class SearchResult:
    status: str  # found | ambiguous | not_found
    choices: list[Choice]
    hint: dict[str, str] | None = None


NOT_FOUND_HINT = {
    "lv": "Nekas netika atrasts. Ierakstiet pilsētu vai ciemu (Rīga), ielu ar pilsētu "
    "(Audēju iela, Rīga) vai pasta indeksu, piemēram, LV-1050.",
    "en": "Nothing found. Try a town or village (Rīga), a street with the town "
    "(Audēju iela, Rīga), or a postcode such as LV-1050.",
}
AMBIGUOUS_HINT = {
    "lv": "Atrastas vairākas vietas ar šo nosaukumu: izvēlieties vienu vai pievienojiet novadu "
    "(piemēram, “Ozoli, Saldus novads”).",
    "en": "Several places have this name: choose one, or add the municipality (e.g. “Ozoli, Saldus novads”).",
}
PARTIAL_HINT = {
    "lv": "Viss pieprasījums netika atrasts; rādīta tuvākā atbilstība.",
    "en": "Not all of the query was found; showing the closest match.",
}
DOMINANCE = 10
"""A result with ten times the weight (population) of the next one is taken as meant."""


def _kind_of(location: Location) -> str:
    raw = location.raw if isinstance(location.raw, dict) else {}
    if raw.get("kind") in ("settlement", "postcode", "address", "place"):
        return raw["kind"]
    props = raw.get("properties") if isinstance(raw.get("properties"), dict) else raw  # Photon: GeoJSON
    typ = str(props.get("addresstype") or props.get("type") or "").lower()
    cls = str(props.get("class") or props.get("osm_key") or "").lower()
    if (
        typ
        in (
            "city",
            "town",
            "village",
            "hamlet",
            "suburb",
            "neighbourhood",
            "quarter",
            "isolated_dwelling",
            "locality",
            "district",
            "municipality",
        )
        or cls == "boundary"
    ):
        return "settlement"
    if typ == "postcode":
        return "postcode"
    if typ in ("house", "building", "road", "street", "residential") or cls in ("highway", "building"):
        return "address"
    return "place"


def _municipality_of_location(location: Location) -> str | None:
    raw = location.raw if isinstance(location.raw, dict) else {}
    if "municipality" in raw and not isinstance(raw.get("address"), dict):
        return raw.get("municipality")
    addr = raw.get("address") if isinstance(raw.get("address"), dict) else {}
    return addr.get("municipality") or addr.get("city") or addr.get("county") or None


def _distance_m(a: Choice, b: Choice) -> float:
    dy = (a.lat - b.lat) * 111_195
    dx = (a.lon - b.lon) * 111_195 * math.cos(math.radians((a.lat + b.lat) / 2))
    return math.hypot(dx, dy)


def _weight(location: Location) -> float | None:
    raw = location.raw if isinstance(location.raw, dict) else {}
    for k in ("weight", "importance"):
        if isinstance(raw.get(k), (int, float)):
            return float(raw[k])
    return None


def _tier(location: Location) -> int | None:
    raw = location.raw if isinstance(location.raw, dict) else {}
    return TIER_NAMES.index(raw["match"]) if raw.get("match") in TIER_NAMES else None


def search(geocoder, query: str, *, limit: int = 5) -> SearchResult:
    """Ask ``geocoder`` (any geopy geocoder) for ``query`` and say whether it found one place,
    several plausible ones (``ambiguous``: pick one) or none (``not_found``, with a hint in
    Latvian and English). Raises SearchUnavailable when the service does not answer."""
    query = (query or "").strip()
    if not query:
        return SearchResult("not_found", [], NOT_FOUND_HINT)
    try:
        found = geocoder.geocode(query, exactly_one=False, limit=limit)
    except GeocoderQueryError:
        return SearchResult("not_found", [], NOT_FOUND_HINT)
    except GeocoderTimedOut as exc:
        raise SearchUnavailable(f"the geocoder did not answer in time: {exc}") from exc
    except GeocoderUnavailable as exc:
        raise SearchUnavailable(f"the geocoder is unavailable: {exc}") from exc
    except GeocoderServiceError as exc:
        raise SearchUnavailable(f"the geocoder failed: {type(exc).__name__}: {exc}") from exc
    if not found:
        return SearchResult("not_found", [], NOT_FOUND_HINT)
    if isinstance(found, Location):
        found = [found]
    kept: list[tuple[Choice, Location]] = []
    for loc in found:
        c = Choice(loc.address, loc.latitude, loc.longitude, _kind_of(loc), _municipality_of_location(loc))
        first = c.label.split(",")[0].strip().casefold()
        if any(
            k.label == c.label or (k.label.split(",")[0].strip().casefold() == first and _distance_m(k, c) < 2000)
            for k, _ in kept
        ):
            continue  # the same place twice (Nominatim: the town and its boundary)
        kept.append((c, loc))
    kept = kept[:limit]
    top = kept[0][1]
    partial = isinstance(top.raw, dict) and top.raw.get("partial")
    hint = PARTIAL_HINT if partial else None
    if len(kept) == 1:
        return SearchResult("found", [kept[0][0]], hint)
    second = kept[1][1]
    t1, t2 = _tier(top), _tier(second)
    if t1 is not None and t2 is not None and t1 < t2:
        return SearchResult("found", [kept[0][0]], hint)
    w1, w2 = _weight(top), _weight(second)
    if (w1 is not None and w2 is not None and w1 > 0) and (
        ("importance" in top.raw and w1 - w2 >= 0.15) or ("importance" not in top.raw and w1 >= DOMINANCE * w2)
    ):
        return SearchResult("found", [kept[0][0]], hint)
    return SearchResult("ambiguous", [c for c, _ in kept], AMBIGUOUS_HINT)


# ---------------------------------------------------------------- configuration


class LatviaNominatim(Nominatim):
    """geopy's Nominatim asking for Latvian results in Latvian unless told otherwise."""

    def geocode(self, query, *, country_codes="lv", language="lv", **kwargs):
        return super().geocode(query, country_codes=country_codes, language=language, **kwargs)


class LatviaPhoton(Photon):
    """geopy's Photon limited to Latvia's bounding box unless told otherwise."""

    def geocode(self, query, *, bbox=((55.6, 20.9), (58.1, 28.3)), **kwargs):
        return super().geocode(query, bbox=bbox, **kwargs)


SEARCH_SERVICES = ("gazetteer", "nominatim", "photon")
_GAZETTEERS: dict[Any, Gazetteer] = {}
_GAZETTEERS_LOCK = threading.Lock()


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
    """The geocoder the search box uses, from ``SEARCH_GEOCODER``: "gazetteer" (the default,
    offline), "nominatim" or "photon" (at ``GEOCODER_URL``, with ``GEOCODER_USER_AGENT`` and
    ``GEOCODER_TIMEOUT_S``).

    The gazetteer is cached per process and per ``session_factory`` (pass the same one each
    time, e.g. the app's sessionmaker): its settlement and postcode files load once, the
    database addresses are read through ``session_factory()`` at most every 60 s, or now
    when ``refresh`` is true.
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
    with _GAZETTEERS_LOCK:
        g = _GAZETTEERS.get(session_factory)
        if g is None:
            loader = None
            if session_factory is not None:

                def loader():
                    session = session_factory()
                    try:
                        return address_records(session)
                    finally:
                        session.close()

            if len(_GAZETTEERS) >= 8:
                _GAZETTEERS.clear()
            g = _GAZETTEERS[session_factory] = Gazetteer(address_loader=loader)
    if refresh:
        g.refresh(force=True)
    return g


# ---------------------------------------------------------------- building the data files


def build_gazetteer_files(shared_dir: Path | str, out_dir: Path | str = DATA_DIR) -> dict[str, int]:
    """Write settlements.tsv and postcodes.tsv into ``out_dir`` from the GeoNames files in
    ``shared_dir`` (../shared/data). Deterministic: sorted rows, fixed rounding. Returns counts.

    Settlements: every GeoNames populated place (2017) with its Latvian name, municipality
    (``municipality_of``), parish (from the nearest postcode row within 5 km that names one) and
    population (the larger of the dump's and cities500's figure within 5 km; 0 if unknown),
    plus the postcode file's village names that no populated place of that name within 3 km
    already gives. Postcodes: one point per code, where data/build_demo.py puts its post office.
    """
    import importlib.util

    from .domain import geography

    shared_dir, out_dir = Path(shared_dir), Path(out_dir)
    spec = importlib.util.spec_from_file_location(
        "_build_demo", Path(__file__).resolve().parent.parent / "data" / "build_demo.py"
    )
    demo = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = demo  # dataclasses look their module up there
    try:
        spec.loader.exec_module(demo)
    finally:
        sys.modules.pop(spec.name, None)

    towns = demo.read_towns(shared_dir / demo.SHARED_FILES["towns"])
    postcodes = demo.read_postcodes(shared_dir / demo.SHARED_FILES["postcodes"])
    parish_of: dict[tuple[float, float], str] = {}
    with (shared_dir / demo.SHARED_FILES["postcodes"]).open(encoding="utf-8", newline="") as fh:
        for cols in csv.reader(fh, delimiter="\t"):
            if cols[5].endswith(" pag."):
                parish_of.setdefault((float(cols[10]), float(cols[9])), cols[5][: -len(" pag.")] + " pagasts")
    parish_points = sorted(parish_of)

    def near(a: tuple[float, float], b: tuple[float, float]) -> float:
        coslat = math.cos(math.radians(a[1]))
        return math.hypot((a[0] - b[0]) * coslat, a[1] - b[1]) * 111_195

    def parish_near(lon: float, lat: float) -> str:
        lo = bisect.bisect_left(parish_points, (lon - 0.09, -90.0))
        hi = bisect.bisect_right(parish_points, (lon + 0.09, 90.0))
        best = min(parish_points[lo:hi], key=lambda p: near(p, (lon, lat)), default=None)
        return parish_of[best] if best is not None and near(best, (lon, lat)) <= 5000 else ""

    state_cities = demo.STATE_CITIES
    rows: list[tuple] = []
    seen: dict[str, list[tuple[float, float]]] = defaultdict(list)
    kinds = {
        "PPLC": "city",
        "PPLA": "town",
        "PPLA2": "town",
        "PPLX": "district",
        "PPL": "village",
        "PPLL": "locality",
        "PPLQ": "abandoned",
        "PPLW": "abandoned",
        "PPLH": "abandoned",
        "PPLF": "village",
    }
    with (shared_dir / demo.SHARED_FILES["places"]).open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            name = demo.fix_name(r["name"])
            lon, lat = float(r["longitude"]), float(r["latitude"])
            pop = int(r["population"] or 0)
            pop = max(
                [pop] + [t.population for t in towns if t.name == name and near((t.lon, t.lat), (lon, lat)) < 5000]
            )
            kind = kinds.get(r["feature_code"], "village")
            if name in state_cities or r["feature_code"] == "PPLC":
                kind = "city"
            elif kind == "village" and pop > 0:
                kind = "town"
            municipality = geography.municipality_of(lat=lat, lon=lon) or ""
            parish = "" if kind in ("city", "town", "district") else parish_near(lon, lat)
            rows.append((name, lat, lon, municipality, parish, pop, kind, "geonames"))
            seen[fold(name)].append((lon, lat))
    extra = 0
    for prow in postcodes.values():
        for p in prow:
            k = fold(p.place)
            if any(near(q, (p.lon, p.lat)) < 3000 for q in seen[k]):
                continue
            if not geography.in_latvia(lat=p.lat, lon=p.lon):
                continue
            seen[k].append((p.lon, p.lat))
            extra += 1
            rows.append(
                (
                    p.place,
                    p.lat,
                    p.lon,
                    geography.municipality_of(lat=p.lat, lon=p.lon) or "",
                    parish_near(p.lon, p.lat),
                    0,
                    "village",
                    "postcodes",
                )
            )
    rows.sort(key=lambda r: (fold(r[0]), r[0], r[3], r[1], r[2]))

    towns_by_name: dict[str, list] = defaultdict(list)
    for t in towns:
        towns_by_name[t.name].append(t)
    codes = []
    for code, prow in postcodes.items():
        row = demo.choose_post_office_row(prow, towns_by_name)
        if row is None:
            continue
        codes.append((code, row.place, row.lat, row.lon, geography.municipality_of(lat=row.lat, lon=row.lon) or ""))

    out_dir.mkdir(parents=True, exist_ok=True)

    def write(path: Path, header: Sequence[str], data: list[tuple]) -> None:
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter="\t", lineterminator="\n")
            w.writerow(header)
            for r in data:
                w.writerow([f"{v:.5f}" if isinstance(v, float) else v for v in r])

    write(out_dir / SETTLEMENTS_FILE, SETTLEMENT_COLUMNS, rows)
    write(out_dir / POSTCODES_FILE, POSTCODE_COLUMNS, codes)
    return {"settlements": len(rows), "from_postcodes": extra, "postcodes": len(codes)}


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m locator.gazetteer", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build data/gazetteer from ../shared/data")
    b.add_argument("--shared", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "data"))
    b.add_argument("--out", default=str(DATA_DIR))
    s = sub.add_parser("search", help="search the offline gazetteer")
    s.add_argument("query")
    args = parser.parse_args(argv)
    if args.command == "build":
        print(build_gazetteer_files(args.shared, args.out))
    else:
        r = search(Gazetteer(), args.query)
        print(r.status, r.hint["en"] if r.hint else "")
        for c in r.choices:
            print(f"  {c.kind:10} {c.lat:.5f} {c.lon:.5f}  {c.label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
