"""The fixed words of the domain: kinds of place and services a place offers.

Kept apart from the model so the API, the importers and the templates validate
against the same lists without importing SQLAlchemy.
"""

from __future__ import annotations

KINDS: tuple[str, ...] = ("bank_branch", "atm", "post_office", "dealer", "telecom_shop")
SERVICES: tuple[str, ...] = ("bill_payment", "cash_deposit", "buy_services", "buy_phones")

USUAL_SERVICES: dict[str, tuple[str, ...]] = {
    "bank_branch": ("bill_payment", "cash_deposit"),
    "atm": ("bill_payment", "cash_deposit"),
    "post_office": ("bill_payment",),
    "dealer": ("buy_services",),
    "telecom_shop": ("bill_payment", "buy_services", "buy_phones"),
}
"""What a place of each kind usually lets a customer do.

Why: a file often lists places without a word about fees (a bank's ATM export).  Such a place
must still be found, so the importer gives it these services *with an unknown fee*
(``Offer.fee_eur`` NULL): it is listed as "fee unknown" and never counted as commission-free
(``locator.domain.fees``).  Used only for a row that has no offer at all: the file's own
services (its ``fee_<service>`` or ``offers`` columns) or an applied fee table override it.
"""
