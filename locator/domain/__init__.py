"""The domain's rules, with no database, web or file format in them.

Vocabulary (kinds and services), fees (the commission-free rule, in Python and
SQL), text (the one folding of case and diacritics), geodesy (the one geodesic
distance, on the WGS84 ellipsoid), geography (Latvia's outline and
municipalities), opening hours.  Every
other layer builds on these; they import only the standard library, numeric and
geometry libraries, and :mod:`locator.config`.
"""
