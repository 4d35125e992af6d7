"""Search by place name, address or postcode: an offline gazetteer written as a geopy geocoder.

The default search geocoder works offline: :class:`Gazetteer` (:mod:`.geocoder`), a
``geopy.geocoders.base.Geocoder`` over the shipped settlements with their other names (Mitau,
Dünaburg), stations, airports, lakes and parks, farmsteads and hamlets, and postcodes
(:mod:`.files`, :mod:`.farmsteads`, built from GeoNames and OpenStreetMap by :mod:`.build`:
``python -m locator.gazetteer build``), and house numbers (:mod:`.address_index`): Rīga's
shipped points (:mod:`.riga_build`), the national register when imported (``flask --app locator
addresses import``) and the places' addresses, queries parsed by :mod:`.addresses`; a fallback
says so (:mod:`.address_hints`). Matching (:mod:`.names`) ignores case, diacritics and
punctuation ("riga", "RĪGA", "audeju iela 1"), accepts common ASCII spellings ("Kjekava",
"Liepaaja") and Cyrillic (:mod:`.cyrillic`: "Рига"), finds features by their type words
(:mod:`.features`: "Rīgas lidosta"), lightly tolerates word order, and prefers exact over loose
over prefix over fuzzy matches, ranking candidates by spelling distance (rapidfuzz) before
population. :mod:`.suggestions` gives suggestions as you type from the same index.

``geocoder_for_search(config)`` (:mod:`.services`) swaps the gazetteer for geopy's ``Nominatim``
or ``Photon`` by configuration (``SEARCH_GEOCODER``, ``GEOCODER_URL``, ``GEOCODER_USER_AGENT``,
``GEOCODER_TIMEOUT_S``), and :func:`search` (:mod:`.results`) turns any geopy geocoder's answer
into found / ambiguous / not_found with choices and a bilingual hint for the web layer ("Did you
mean Daugavpils?" for a fuzzy match).
"""

from .addresses import ParsedAddress, parse_address
from .build import build_gazetteer_files
from .farmsteads import ATTRIBUTION as FARMSTEADS_ATTRIBUTION
from .geocoder import Gazetteer
from .geonames import ATTRIBUTION
from .results import Choice, SearchResult, SearchUnavailable, search
from .services import LatviaNominatim, LatviaPhoton, geocoder_for_search

__all__ = [
    "ATTRIBUTION",
    "FARMSTEADS_ATTRIBUTION",
    "Choice",
    "Gazetteer",
    "LatviaNominatim",
    "LatviaPhoton",
    "ParsedAddress",
    "SearchResult",
    "SearchUnavailable",
    "build_gazetteer_files",
    "geocoder_for_search",
    "parse_address",
    "search",
]
