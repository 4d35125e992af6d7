"""The search box's answer: any geopy geocoder's locations turned into found / ambiguous / not_found.

:func:`search` asks a geocoder (the offline :class:`~.geocoder.Gazetteer`, Nominatim or Photon),
drops the same place given twice, decides whether one result is clearly meant, and adds a hint
in Latvian and English for the web layer: a found place that only resembles what was typed
(a fuzzy match) always says "Did you mean …?", so a typo never silently becomes another place.
A name several places share gives them all as choices (up to :data:`CHOICES_CAP`), the closest
spelling first, then the most populous.
"""

from __future__ import annotations

from dataclasses import dataclass

from geopy.exc import GeocoderQueryError, GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable
from geopy.location import Location

from ..domain.geodesy import distance_m
from .address_hints import fallback_hint
from .names import TIER_NAMES


class SearchUnavailable(Exception):
    """The configured geocoder did not answer (timed out, unreachable, or erred)."""


@dataclass(frozen=True)
class Choice:
    label: str
    lat: float
    lon: float
    kind: str  # settlement | feature | farmstead | hamlet | postcode | address | place
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
DID_YOU_MEAN_ONE_OF = {
    "lv": "Šāda nosaukuma nav; vai domājāt kādu no šīm vietām?",
    "en": "No place has exactly this name; did you mean one of these?",
}
CHOICES_CAP = 20
"""At most this many choices for a name that many places share (more than a page of 5 when needed)."""
DOMINANCE = 10
"""A result with ten times the weight (population) of the next one is taken as meant."""


def _kind_of(location: Location) -> str:
    raw = location.raw if isinstance(location.raw, dict) else {}
    if raw.get("kind") in ("settlement", "feature", "farmstead", "hamlet", "postcode", "address", "place"):
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
    return distance_m(lat1=a.lat, lon1=a.lon, lat2=b.lat, lon2=b.lon)


def _weight(location: Location) -> float | None:
    raw = location.raw if isinstance(location.raw, dict) else {}
    for k in ("weight", "importance"):
        if isinstance(raw.get(k), (int, float)):
            return float(raw[k])
    return None


def _tier(location: Location) -> int | None:
    raw = location.raw if isinstance(location.raw, dict) else {}
    return TIER_NAMES.index(raw["match"]) if raw.get("match") in TIER_NAMES else None


def did_you_mean(name: str) -> dict[str, str]:
    """The line a found place carries when it only resembles what was typed (the name in quotes
    stays in the nominative in Latvian: 'Rādām vietu “Daugavpils”')."""
    return {
        "lv": f"Vai domājāt “{name}”? Rādām vietu “{name}”.",
        "en": f"Did you mean {name}? Showing {name}.",
    }


def other_name(typed: str, name: str) -> dict[str, str]:
    """The line a place found by another of its names carries ('Mitau' is Jelgava)."""
    return {
        "lv": f"“{typed}” ir cits vietas “{name}” nosaukums; rādām to.",
        "en": f"“{typed}” is another name of {name}; showing {name}.",
    }


def _spelling(location: Location) -> int | None:
    raw = location.raw if isinstance(location.raw, dict) else {}
    return raw.get("spelling_distance") if isinstance(raw.get("spelling_distance"), int) else None


def _hint_for_found(location: Location) -> dict[str, str] | None:
    raw = location.raw if isinstance(location.raw, dict) else {}
    fallback = fallback_hint(raw)  # a house or street the sources lack: say where we show instead
    if fallback:
        return fallback
    name = raw.get("name") or location.address.split(",")[0]
    if raw.get("match") == "fuzzy":
        return did_you_mean(name)
    if raw.get("partial"):
        return PARTIAL_HINT
    if raw.get("matched_name") and raw.get("kind") != "address":  # a street's short form needs no note
        return other_name(raw["matched_name"], name)
    return None


def search(geocoder, query: str, *, limit: int = CHOICES_CAP) -> SearchResult:
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
    hint = _hint_for_found(top)
    if len(kept) == 1:
        return SearchResult("found", [kept[0][0]], hint)
    second = kept[1][1]
    t1, t2 = _tier(top), _tier(second)
    if t1 is not None and t2 is not None and t1 < t2:
        return SearchResult("found", [kept[0][0]], hint)
    s1, s2 = _spelling(top), _spelling(second)
    if t1 == t2 and s1 is not None and s2 is not None and s1 < s2:
        return SearchResult("found", [kept[0][0]], hint)  # spelled closer than any other
    w1, w2 = _weight(top), _weight(second)
    if (w1 is not None and w2 is not None and w1 > 0) and (
        ("importance" in top.raw and w1 - w2 >= 0.15) or ("importance" not in top.raw and w1 >= DOMINANCE * w2)
    ):
        return SearchResult("found", [kept[0][0]], hint)
    fuzzy = isinstance(top.raw, dict) and top.raw.get("match") == "fuzzy"
    return SearchResult("ambiguous", [c for c, _ in kept], DID_YOU_MEAN_ONE_OF if fuzzy else AMBIGUOUS_HINT)
