"""The one distance between two points in Python: geodesic, on the WGS84 ellipsoid, in metres.

Coordinates are WGS84 degrees. :func:`distance_m` is the length of the shortest path on the
ellipsoid (Karney's algorithm, through ``pyproj.Geod``), the same quantity the databases compute
in SQL (``ST_Distance`` on the spheroid, see :mod:`locator.spatial`), so a distance computed in
Python and one computed by the engine agree to well under a millimetre.
:func:`distances_m` is the same for arrays.

A flat-earth shortcut (degrees scaled by ``cos(lat)``, or a projected plane) is off by up to a
few tenths of a percent in Latvia and more elsewhere; a radius threshold then moves with it.
Use these instead; a grid of cells is fine as an index, as long as the final distance is this one.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import Geod


@lru_cache(maxsize=1)
def _geod() -> Geod:
    return Geod(ellps="WGS84")


def distance_m(*, lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance in metres between (lat1, lon1) and (lat2, lon2), WGS84 degrees."""
    _, _, d = _geod().inv(lon1, lat1, lon2, lat2)
    return float(d)


def distances_m(*, lat1, lon1, lat2, lon2) -> np.ndarray:
    """Geodesic distances in metres, element by element; arguments are numbers or arrays of
    WGS84 degrees that broadcast together (one point against many, or pairs)."""
    la1, lo1, la2, lo2 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lat1, lon1, lat2, lon2)))
    if la1.size == 0:
        return np.zeros(la1.shape)
    _, _, d = _geod().inv(lo1.ravel(), la1.ravel(), lo2.ravel(), la2.ravel())
    return np.asarray(d, dtype=float).reshape(la1.shape)
