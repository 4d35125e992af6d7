"""The banks of the fee table: which are the operator's partners (bills paid at their branches
without commission) and which is not.

The branches and ATMs themselves are real OpenStreetMap nodes (:mod:`.osm_places`, whose
:data:`~.osm_places.BRANDS` reads each one's bank from its name).  :data:`BANKS` is the one list
of the demo's banks: the fee table (:mod:`.fees`) gives each a bill-payment fee, and the
synthetic test data (``locator.importers.synthetic``) reads them back from it.
"""

from __future__ import annotations

BANKS = ("Swedbank", "SEB", "Citadele", "Luminor")
"""The demo's banks (the four with the most branches in OSM), in the fee table's order."""
FREE_BRANCH_BANKS = ("Swedbank", "SEB", "Citadele")
"""Banks whose branches take bill payments without commission in fees.csv (Luminor does not)."""
