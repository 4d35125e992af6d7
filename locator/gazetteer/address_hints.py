"""What an address search says when it answers with less than the house asked for.

The gazetteer's locations carry ``precision`` (house | interpolated | street | settlement) and,
when it fell back, ``not_found`` (the address it does not know, as typed). :func:`fallback_hint`
turns that into the bilingual line the page shows above the results, so a fallback is never silent.
"""

from __future__ import annotations

from typing import Any


def genitive_lv(name: str) -> str | None:
    """The Latvian genitive of a settlement's name where the ending says it ('Rīga' -> 'Rīgas',
    'Ogre' -> 'Ogres', 'Tukums' -> 'Tukuma', 'Cēsis' -> 'Cēsu', 'Talsi' -> 'Talsu',
    'Daugavpils' and 'Saldus' unchanged); None for a name of several words or an unknown ending."""
    if not name or " " in name.strip():
        return None
    n = name.strip()
    if n.endswith(("pils", "us")):
        return n
    if n.endswith(("a", "e")):
        return n + "s"
    if n.endswith("is"):
        return n[:-2] + "u"
    if n.endswith("i"):
        return n[:-1] + "u"
    if n.endswith(("s", "š")) and len(n) > 2 and n[-2] not in "aeiouāēīū":
        return n[:-1] + "a"
    return None


def _settlement_hint(town: str, missing: str) -> dict[str, str]:
    gen = genitive_lv(town)
    lv_where = f"Rādām {gen} centru" if gen else f"Rādām apdzīvotās vietas “{town}” centru"
    return {
        "lv": f"{lv_where}: adrese {missing} nav zināma.",
        "en": f"Showing {town} centre: we don't know {missing}.",
    }


def fallback_hint(raw: Any) -> dict[str, str] | None:
    """The notice for a location's ``raw`` (a gazetteer's) that fell back from the address typed:
    to a point between the neighbouring numbers, to the street's middle, or to the settlement.
    None when it found what was asked (or ``raw`` is another geocoder's)."""
    if not isinstance(raw, dict) or not raw.get("not_found"):
        return None
    missing = raw["not_found"]
    precision = raw.get("precision")
    if precision == "settlement":
        return _settlement_hint(raw.get("name") or raw.get("label", ""), missing)
    street = ", ".join(x for x in (raw.get("street"), raw.get("town")) if x)
    if precision == "interpolated":
        return {
            "lv": f"Adrese {missing} nav zināma: rādām aptuvenu vietu, aprēķinātu pēc tuvākajiem zināmajiem numuriem ({street}).",
            "en": f"We don't know {missing}: showing an estimate on {street} from the neighbouring numbers.",
        }
    if precision == "street":
        return {
            "lv": f"Adrese {missing} nav zināma: rādām ielas vidu ({street}).",
            "en": f"We don't know {missing}: showing the middle of {street}.",
        }
    return None
