"""The fixed words of the domain: kinds of place and services a place offers.

Kept apart from the model so the API, the importers and the templates validate
against the same lists without importing SQLAlchemy.
"""

from __future__ import annotations

KINDS: tuple[str, ...] = ("bank_branch", "atm", "post_office", "dealer", "telecom_shop")
SERVICES: tuple[str, ...] = ("bill_payment", "cash_deposit", "buy_services", "buy_phones")
