"""The name index: searchable entries by folded key, matched in tiers exact, loose, prefix, fuzzy.

Keys are the folded words of a name (:func:`locator.domain.text.words`), so matching ignores case,
diacritics and punctuation ("riga", "RĪGA", "audeju iela 1"); the loose key accepts common ASCII
spellings of Latvian letters ("Kjekava", "Liepaaja"); a bag of sorted words lightly tolerates word
order; prefixes and then difflib's close matches come last.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..domain.text import fold, words

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
        return " ".join(words(self.name))


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


def where_words(*areas: str | None) -> frozenset[str]:
    """The folded words naming the areas an entry lies in, without the generic ones ('novads')."""
    return frozenset(w for a in areas if a for w in words(a) if w not in GENERIC_WORDS)


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


def context_ok(context: Sequence[str], entry: Entry) -> bool:
    """Every non-generic context word ('saldus' of 'Ozoli, Saldus novads') names an area of ``entry``."""
    return all(any(_stem_match(c, w) for w in entry.where) for c in context if c not in GENERIC_WORDS)


def settlement_label(name: str, parish: str | None, municipality: str | None) -> str:
    """'Ozoli, Zirņu pagasts, Saldus novads'; the parish or municipality left out when it is the name."""
    parts = [name]
    if parish and fold(parish).split()[0] != fold(name):
        parts.append(parish)
    if municipality and fold(municipality) != fold(name):
        parts.append(municipality)
    return ", ".join(parts)
