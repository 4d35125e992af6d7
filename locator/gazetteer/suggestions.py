"""Suggestions as you type: the places whose name starts like what was typed, then near misses.

Over the offline gazetteer's in-memory index only (settlements, their other names, stations,
airports, lakes, parks), so a keystroke never costs a database query or a remote call. Text with a
comma or a digit ('Lizums, Kal', 'Audēju 1') is a whole search: the gazetteer's own answer
(streets, house numbers, farms with their settlement) is the suggestion list.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.text import words
from .cyrillic import to_latin
from .names import Entry

SUGGESTIONS_MAX = 8
MIN_CHARS = 2
"""Fewer folded letters than this suggest nothing (every name starts with 'a')."""


@dataclass(frozen=True)
class Suggestion:
    label: str
    kind: str  # settlement | feature | farmstead | hamlet | address | postcode
    lat: float
    lon: float
    type: dict[str, str] | None = None  # features: {"lv": "stacija", "en": "railway station"}
    matched_name: str | None = None  # the other name that was typed ('Mitau' for Jelgava)


def _of_entry(e: Entry, typed: str, index) -> Suggestion:
    """The suggestion for ``e``; ``matched_name`` is the other name typed when its own name does not
    start like the text ('Mitau' for Jelgava)."""
    matched = e.name
    if e.aliases and not e.key.startswith(typed):
        starting = [a for a in e.aliases if " ".join(words(a)).startswith(typed)]
        matched = starting[0] if starting else index.matched_name(typed, e)
    return Suggestion(
        e.label,
        e.kind,
        round(e.lat, 5),
        round(e.lon, 5),
        e.detail.get("type_label"),
        matched if matched != e.name else None,
    )


def suggest(gazetteer, text: str, *, limit: int = SUGGESTIONS_MAX) -> list[Suggestion]:
    """At most ``limit`` suggestions for the partly typed ``text``: names starting with it (the
    exact name first, own names before other names, then by weight: population), then names
    within a few edits of it (closest first), without the same label twice."""
    text = to_latin(text or "").strip()
    key = " ".join(words(text))
    if len(key.replace(" ", "")) < MIN_CHARS:
        return []
    if "," in text or any(c.isdigit() for c in text):
        found = gazetteer.geocode(text, exactly_one=False, limit=limit) or []
        return _unique(
            [
                Suggestion(loc.address, loc.raw.get("kind", "place"), round(loc.latitude, 5), round(loc.longitude, 5))
                for loc in found
            ],
            limit,
        )
    index = gazetteer.names
    prefixed = index.prefixed(key)
    prefixed.sort(key=lambda e: (e.key != key, not e.key.startswith(key), -e.weight, len(e.key), e.label))
    out = [_of_entry(e, key, index) for e in prefixed[: limit * 3]]
    if len(_unique(out, limit)) < limit:
        tier, near = index.match(key, fuzzy=True)
        near = sorted(near, key=lambda e: (index.distance(key, e), -e.weight, e.label))
        out += [_of_entry(e, key, index) for e in near[: limit * 3]]
    return _unique(out, limit)


def _unique(items: list[Suggestion], limit: int) -> list[Suggestion]:
    seen, out = set(), []
    for s in items:
        if s.label not in seen:
            seen.add(s.label)
            out.append(s)
    return out[:limit]
