"""The name index: searchable entries by folded key, matched in tiers exact, loose, prefix, fuzzy.

Keys are the folded words of a name (:func:`locator.domain.text.words`), so matching ignores case,
diacritics and punctuation ("riga", "RĪGA", "audeju iela 1"); the loose tier accepts common ASCII
spellings of Latvian letters ("Kjekava", "Liepaaja"), a bag of sorted words (word order), an
entry's other names (GeoNames alternate names: "Mitau" for Jelgava) and feature keys
(:mod:`.features`: "Rīgas lidosta" for "Starptautiskā lidosta Rīga"); prefixes come next, and
last the names within a few edits (rapidfuzz's optimal string alignment distance: "Daugavpls",
"Valmeira"). Candidates are ranked by that spelling distance first (:meth:`NameIndex.distance`),
by weight (population) only among equals.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..domain.text import fold, words
from .features import feature_key

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

KIND_WEIGHT = {
    "city": 10_000,
    "town": 1_000,
    "district": 300,
    "street": 200,
    "village": 100,
    "locality": 50,
    "abandoned": 1,
    "feature": 500,
    "hamlet": 20,
    "farmstead": 5,
}
"""Weight of a settlement without a population figure, by kind (a population replaces it)."""

TIER_NAMES = ("exact", "loose", "prefix", "fuzzy")


@dataclass(eq=False)  # compared and hashed by identity: one entry is one place
class Entry:
    """One searchable thing: a settlement, a feature (station, lake…), a farmstead or hamlet, or a
    street (of the database addresses). ``aliases`` are its other names (searched, never shown)."""

    kind: str  # settlement | feature | farmstead | address
    name: str
    label: str
    lat: float
    lon: float
    municipality: str | None
    weight: int
    where: frozenset[str]  # folded words of the areas it lies in, for qualifiers like ", Rīga"
    detail: dict[str, Any] = field(default_factory=dict)
    numbers: dict[str, tuple[float, float, str]] = field(default_factory=dict)  # streets only
    aliases: tuple[str, ...] = ()
    feature_type: str | None = None  # features only: station | airport | lake | park | bus_station

    @cached_property
    def key(self) -> str:
        return " ".join(words(self.name))

    def alias_keys(self) -> tuple[str, ...]:
        return self._alias_keys

    @cached_property
    def _alias_keys(self) -> tuple[str, ...]:
        own = self.key
        return tuple(k for k in dict.fromkeys(" ".join(words(a)) for a in self.aliases) if k and k != own)


def max_edits(key: str) -> int:
    """How many edits a typed name may be off and still be matched: 1 up to 5 letters, 2 up to
    9, 3 from 10 (shorter names would match too many others)."""
    n = len(key)
    return 0 if n < 4 else 1 if n <= 5 else 2 if n <= 9 else 3


class NameIndex:
    """Entries by folded key, by loose key, by sorted words, by other name and by feature key,
    with sorted keys for prefixes."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = list(entries)
        self.exact: dict[str, list[Entry]] = defaultdict(list)
        self.loose: dict[str, list[Entry]] = defaultdict(list)
        self.bag: dict[str, list[Entry]] = defaultdict(list)
        self.alias: dict[str, list[Entry]] = defaultdict(list)
        self.feature: dict[str, list[Entry]] = defaultdict(list)
        for e in self.entries:
            k = e.key
            self.exact[k].append(e)
            self.loose[loose(k)].append(e)
            self.bag[" ".join(sorted(k.split()))].append(e)
            for a in e.alias_keys():
                if e not in self.alias[a]:
                    self.alias[a].append(e)
            if e.feature_type:
                for n in (k, *e.alias_keys()):
                    fk = feature_key(n.split(), e.feature_type)
                    if fk and e not in self.feature[fk]:
                        self.feature[fk].append(e)
        self.keys = sorted(self.exact)
        self.loose_keys = sorted(self.loose)
        self.alias_sorted = sorted(self.alias)
        self.all_keys = sorted(set(self.keys) | set(self.alias))  # for the fuzzy tier

    def lookup(self, key: str) -> list[Entry]:
        """The entries whose name or other name is exactly ``key`` (folded)."""
        return list(dict.fromkeys([*self.exact.get(key, ()), *self.alias.get(key, ())]))

    def distance(self, key: str, entry: Entry) -> int:
        """Spelling distance in edits (optimal string alignment) from the typed ``key`` to the
        nearest of ``entry``'s names: 0 for an exact name, for a prefix of one, or for a feature
        key or loose spelling that matched; what ranks candidates before their weight."""
        names = (entry.key, *entry.alias_keys())
        if any(n == key or n.startswith(key) for n in names):
            return 0
        lk = loose(key)
        if any(loose(n) == lk or loose(n).startswith(lk) for n in names):
            return 0
        if entry.feature_type and any(
            feature_key(n.split(), entry.feature_type) == feature_key(key.split()) for n in names
        ):
            return 0
        return min(OSA.distance(key, n) for n in names)

    def matched_name(self, key: str, entry: Entry) -> str:
        """Which of ``entry``'s names (its own or an alias, as written) the typed ``key`` is, up to a
        typo or two; the entry's own name when no alias is that close (a feature found by its type
        words, "Rīgas Centrālā stacija", was not typed as its English alias)."""
        best = min(entry.aliases, key=lambda n: OSA.distance(key, " ".join(words(n))), default=None)
        if best is None:
            return entry.name
        d = OSA.distance(key, " ".join(words(best)))
        own = OSA.distance(key, " ".join(words(entry.name)))
        return best if d < own and d <= max(1, len(key) // 5) else entry.name

    def match(self, key: str, fuzzy: bool) -> tuple[int, list[Entry]]:
        """(tier, entries) of the best tier that matches ``key``; (4, []) if none."""
        if not key:
            return 4, []
        if key in self.exact:
            return 0, list(self.exact[key])
        lk = loose(key)
        found = (
            list(self.loose.get(lk, ()))
            or list(self.bag.get(" ".join(sorted(key.split())), ()))
            or list(self.alias.get(key, ()))
        )
        if not found:
            fk = feature_key(key.split())
            found = list(self.feature.get(fk, ())) if fk else []
        if found:
            return 1, found
        if len(key) >= 3:
            found = [e for k in _with_prefix(self.keys, key) for e in self.exact[k]]
            if not found:  # 'valdemara' of 'Valdemāra 21': the start of another name
                found = list(dict.fromkeys(e for k in _with_prefix(self.alias_sorted, key) for e in self.alias[k]))
            if not found:
                found = [e for k in _with_prefix(self.loose_keys, lk) for e in self.loose[k]]
            if found:
                return 2, found
        if fuzzy and max_edits(key):
            close = process.extract(key, self.all_keys, scorer=OSA.distance, score_cutoff=max_edits(key), limit=None)
            found = list(dict.fromkeys(e for k, _, _ in close for e in self.lookup(k)))
            if found:
                return 3, found
        return 4, []

    def prefixed(self, key: str) -> list[Entry]:
        """Entries with a name or other name starting with ``key`` (folded), for suggestions."""
        found = [e for k in _with_prefix(self.keys, key) for e in self.exact[k]]
        found += [e for k in _with_prefix(self.alias_sorted, key) for e in self.alias[k]]
        return list(dict.fromkeys(found))


def _with_prefix(keys: list[str], prefix: str) -> list[str]:
    i = bisect.bisect_left(keys, prefix)
    out = []
    while i < len(keys) and keys[i].startswith(prefix):
        out.append(keys[i])
        i += 1
    return out


def where_words(*areas: str | None) -> frozenset[str]:
    """The folded words naming the areas an entry lies in, without the generic ones ('novads')."""
    return frozenset(w for a in areas if a for w in words(a) if w not in GENERIC_WORDS)


def stem_match(a: str, b: str) -> bool:
    """Words equal up to a Latvian ending: 'tukums'~'tukuma', 'riga'~'rigas', 'cesis'~'cesu'."""
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n >= 3 and n >= min(len(a), len(b)) - 2


def context_ok(context: Sequence[str], entry: Entry) -> bool:
    """Every non-generic context word ('saldus' of 'Ozoli, Saldus novads') names an area of ``entry``."""
    return all(any(stem_match(c, w) for w in entry.where) for c in context if c not in GENERIC_WORDS)


def settlement_label(name: str, parish: str | None, municipality: str | None) -> str:
    """'Ozoli, Zirņu pagasts, Saldus novads'; the parish or municipality left out when it is the name."""
    parts = [name]
    if parish and fold(parish).split()[0] != fold(name):
        parts.append(parish)
    if municipality and fold(municipality) != fold(name):
        parts.append(municipality)
    return ", ".join(parts)
