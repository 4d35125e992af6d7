"""Search by place name, address or postcode: an offline gazetteer written as a geopy geocoder.

The default search geocoder works offline: :class:`Gazetteer` (:mod:`.geocoder`), a
``geopy.geocoders.base.Geocoder`` over the shipped settlements and postcodes (:mod:`.files`,
built from GeoNames by :mod:`.build`: ``python -m locator.gazetteer build``) and house numbers
(:mod:`.address_index`): Rīga's shipped points (:mod:`.riga_build`), the national register when
imported (``flask --app locator addresses import``) and the places' addresses, queries parsed by
:mod:`.addresses`; a fallback says so (:mod:`.address_hints`). Matching (:mod:`.names`) ignores
case, diacritics and punctuation ("riga", "RĪGA", "audeju iela 1"), accepts common ASCII
spellings ("Kjekava", "Liepaaja"), lightly tolerates word order, and prefers exact over prefix
over fuzzy (difflib) matches.

``geocoder_for_search(config)`` (:mod:`.services`) swaps the gazetteer for geopy's ``Nominatim``
or ``Photon`` by configuration (``SEARCH_GEOCODER``, ``GEOCODER_URL``, ``GEOCODER_USER_AGENT``,
``GEOCODER_TIMEOUT_S``), and :func:`search` (:mod:`.results`) turns any geopy geocoder's answer
into found / ambiguous / not_found with choices and a bilingual hint for the web layer.
"""

from .addresses import ParsedAddress, parse_address
from .build import build_gazetteer_files
from .geocoder import Gazetteer
from .geonames import ATTRIBUTION
from .results import Choice, SearchResult, SearchUnavailable, search
from .services import LatviaNominatim, LatviaPhoton, geocoder_for_search

__all__ = [
    "ATTRIBUTION",
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
