"""The one commission-free rule, in Python and in SQL, agrees with itself."""

from __future__ import annotations

from decimal import Decimal

import pytest

from locator.domain.fees import (
    Customer,
    InvalidCondition,
    canonical_condition,
    effective_fee,
    is_commission_free,
    offers_service,
)
from locator.importers.load import load
from locator.importers.rows import OfferRow, PlaceRow, SourceInfo
from locator.query import NearestQuery, nearest

D = Decimal
SWED_ATM = [(D("0"), "salary_card=swedbank"), (D("1.20"), None)]


@pytest.mark.parametrize(
    ("offers", "customer", "fee", "free"),
    [
        ([(D("0"), None)], Customer(), D("0"), True),
        ([(D("0.50"), None)], Customer(), D("0.50"), False),
        (SWED_ATM, Customer(), D("1.20"), False),
        (SWED_ATM, Customer("Swedbank"), D("0"), True),
        (SWED_ATM, Customer(" SWEDBANK "), D("0"), True),
        (SWED_ATM, Customer("SEB"), D("1.20"), False),
        ([(D("0"), "salary_card=seb")], Customer(), None, False),
        ([], Customer("SEB"), None, False),
        ([(None, None)], Customer(), None, False),
        ([(None, None), (D("0.50"), None)], Customer(), D("0.50"), False),
        ([(None, "salary_card=seb"), (D("1.20"), None)], Customer("SEB"), D("1.20"), False),
    ],
)
def test_the_customer_pays_the_lowest_fee_among_offers_that_apply(offers, customer, fee, free):
    assert effective_fee(offers, customer) == fee
    assert is_commission_free(effective_fee(offers, customer)) is free


def test_an_unknown_fee_offers_the_service_but_is_never_free():
    assert offers_service([(None, None)], Customer()) is True
    assert effective_fee([(None, None)], Customer()) is None
    assert is_commission_free(None) is False
    assert offers_service([(None, "salary_card=seb")], Customer()) is False
    assert offers_service([], Customer()) is False


def test_conditions_are_stored_in_one_canonical_form():
    assert canonical_condition(" Salary_Card = SwedBank ") == "salary_card=swedbank"
    assert canonical_condition("") is None
    with pytest.raises(InvalidCondition, match="salary_card=<bank>"):
        canonical_condition("loyalty=gold")
    with pytest.raises(InvalidCondition):
        canonical_condition("salary_card=")


@pytest.mark.parametrize("card", [None, "Swedbank", "seb", "Citadele"])
def test_sql_and_python_agree_on_every_place(session, card):
    banks = ("Swedbank", "SEB", "Citadele")
    rows = []
    for i, bank in enumerate(banks * 4):
        offers = (
            OfferRow.make("bill_payment", "0", f"salary_card={bank}"),
            OfferRow.make("bill_payment", ("1.20", "0.30", "0", None)[i % 4]),
        )
        if i % 3 == 0:  # only an unknown fee, with or without a condition
            offers = (OfferRow.make("bill_payment", None, None if i % 2 else f"salary_card={bank}"),)
        rows.append(
            PlaceRow.make(
                source_ref=str(i),
                kind="atm",
                name=f"ATM {i}",
                brand=bank,
                lat=56.95 + i / 1000,
                lon=24.1,
                offers=offers,
            )
        )
    load(session, rows, SourceInfo("t", "test", "CC0", "test"))
    customer = Customer(card)
    got = {
        m.place.name: m.fee_eur for m in nearest(session, NearestQuery(lat=56.95, lon=24.1, k=50, customer=customer))
    }
    want = {
        r.name: effective_fee([(o.fee_eur, o.condition) for o in r.offers], customer)
        for r in rows
        if offers_service([(o.fee_eur, o.condition) for o in r.offers], customer)
    }
    assert got == want
    assert None in want.values()  # the case of an unknown fee is among them
    free = {
        m.place.name
        for m in nearest(session, NearestQuery(lat=56.95, lon=24.1, k=50, customer=customer, commission_free=True))
    }
    assert free == {n for n, f in want.items() if is_commission_free(f)}
