"""The fixed words of the domain: kinds of place and services a place offers.

Kept apart from the model so the API, the importers and the templates validate
against the same lists without importing SQLAlchemy.
"""

from __future__ import annotations

KINDS: tuple[str, ...] = ("bank_branch", "atm", "post_office", "dealer", "telecom_shop")
SERVICES: tuple[str, ...] = ("bill_payment", "cash_deposit", "buy_services", "buy_phones")

KIND_LABELS = {
    "bank_branch": {"lv": "Bankas filiāle", "en": "Bank branch"},
    "atm": {"lv": "Bankomāts", "en": "ATM"},
    "post_office": {"lv": "Pasta nodaļa", "en": "Post office"},
    "dealer": {"lv": "Partneru veikals", "en": "Partner dealer"},
    "telecom_shop": {"lv": "Sakaru veikals", "en": "Telecom shop"},
}
SERVICE_LABELS = {
    "bill_payment": {"lv": "Rēķina apmaksa", "en": "Pay a bill"},
    "cash_deposit": {"lv": "Skaidras naudas iemaksa", "en": "Deposit cash"},
    "buy_services": {"lv": "Pakalpojumu iegāde", "en": "Buy a service"},
    "buy_phones": {"lv": "Telefonu iegāde", "en": "Buy a phone"},
}
