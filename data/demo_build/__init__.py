"""The demo data build, one module per layer: the real OpenStreetMap bank branches, ATMs, post
offices and phone shops (osm_places), post offices at postcode points (post_offices), dealers
from OpenStreetMap, closed centres; plus the fee table and its banks, the source records and the
boundary files. ``python data/build_demo.py`` (:mod:`build_demo`) runs them all.

The GeoNames readers are :mod:`locator.gazetteer.geonames`, shared with the gazetteer's build.
"""
