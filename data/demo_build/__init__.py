"""The demo data build, one module per layer: post offices, bank branches and ATMs, telecom
partner shops, dealers from OpenStreetMap, closed centres; plus the fee table, the source records
and the boundary files. ``python data/build_demo.py`` (:mod:`build_demo`) runs them all.

The GeoNames readers are :mod:`locator.gazetteer.geonames`, shared with the gazetteer's build.
"""
