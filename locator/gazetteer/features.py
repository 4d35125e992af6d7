"""Places people type that are not settlements: railway stations, airports, lakes, parks.

GeoNames (../shared/data/geonames_LV_full_2017.tsv) names them in several ways ("Rīgas centrālā
dzelzceļa stacija", "Riga Central Station"; "Riga International Airport", "Starptautiskā lidosta
Rīga"); people type "Rīgas Centrālā stacija", "Lidosta Rīga" or "Rīgas lidosta". A name is
reduced to its **feature key**: the kind of place its type word says (station, airport, lake,
park) and the rough stems of its other words, sorted, without filler words ("dzelzceļa",
"starptautiskā", "international"). Two names with the same feature key name the same place, so
word order, Latvian case endings and the filler words do not matter.
"""

from __future__ import annotations

from collections.abc import Sequence

GEONAMES_FEATURES = {
    "RSTN": "station",
    "RSTP": "station",
    "BUSTN": "bus_station",
    "AIRP": "airport",
    "LK": "lake",
    "PRK": "park",
}
"""GeoNames feature code -> the feature type the gazetteer keeps (abandoned ones, …Q, are left out)."""

TYPE_WORDS = {
    "stacija": "station",
    "stacijas": "station",
    "station": "station",
    "pietura": "station",
    "pieturas": "station",
    "autoosta": "bus_station",
    "lidosta": "airport",
    "lidostas": "airport",
    "airport": "airport",
    "aeroport": "airport",
    "aeroports": "airport",
    "ezers": "lake",
    "ezera": "lake",
    "lake": "lake",
    "parks": "park",
    "parka": "park",
    "park": "park",
}
"""Folded type words in Latvian and English -> the feature type they name."""

FILLER_WORDS = frozenset(
    {"dzelzcela", "railway", "punkts", "starptautiska", "international", "nacionalais", "national", "the", "of"}
)
"""Words that say nothing about which place of its type a name means."""

TYPE_LABELS = {
    "station": {"lv": "stacija", "en": "railway station"},
    "bus_station": {"lv": "autoosta", "en": "bus station"},
    "airport": {"lv": "lidosta", "en": "airport"},
    "lake": {"lv": "ezers", "en": "lake"},
    "park": {"lv": "parks", "en": "park"},
}
"""How each feature type is called in the suggestions, in Latvian and English."""

_ENDINGS = ("as", "es", "is", "us", "os", "a", "e", "i", "s", "u", "o")


def stem(word: str) -> str:
    """A folded word without its Latvian case ending, roughly: 'rigas' and 'riga' -> 'rig',
    'centrala' -> 'central'. Only used to compare feature names; never shown."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def type_of(name_words: Sequence[str]) -> str | None:
    """The feature type a name's type word says ('Ķīšezers' -> 'lake': a word ending in 'ezers'
    counts), or None when it has none."""
    for w in name_words:
        if w in TYPE_WORDS:
            return TYPE_WORDS[w]
        if len(w) > 5 and w.endswith("ezers"):
            return "lake"
    return None


def feature_key(name_words: Sequence[str], default_type: str | None = None) -> str | None:
    """'station:central rig' for ['rigas', 'centrala', 'stacija']: the type (from a type word, else
    ``default_type``) and the sorted stems of the other words; None without a type or other words."""
    typ = type_of(name_words) or default_type
    core = sorted(stem(w) for w in name_words if w not in TYPE_WORDS and w not in FILLER_WORDS)
    if typ is None or not core:
        return None
    return f"{typ}:{' '.join(core)}"
