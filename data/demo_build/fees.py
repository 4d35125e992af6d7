"""The one illustrative fee table, fees.csv; data/README.md explains it in prose."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .banks import BANKS, FREE_BRANCH_BANKS
from .dealers import DEALER_BILL_BRANDS

FEE_COLUMNS = ("kind", "brand", "service", "fee_eur", "condition", "note")


def fee_rows() -> list[tuple[str, str, str, str, str, str]]:
    """The one illustrative fee table; data/README.md explains it in prose."""
    free = "Illustrative: partner bank of the operator; bills paid at the branch without commission."
    rows = [("bank_branch", b, "bill_payment", "0.00", "", free) for b in FREE_BRANCH_BANKS]
    rows += [
        (
            "bank_branch",
            b,
            "bill_payment",
            "1.50",
            "",
            "Illustrative: not a partner bank; the bank's own counter commission per bill.",
        )
        for b in BANKS
        if b not in FREE_BRANCH_BANKS
    ]
    rows += [
        (
            "bank_branch",
            "",
            "bill_payment",
            "1.50",
            "",
            "Illustrative: any other bank, not a partner; the bank's own counter commission per bill.",
        ),
    ]
    rows += [
        (
            "bank_branch",
            "",
            "cash_deposit",
            "0.00",
            "",
            "Illustrative: cash paid in at any bank branch counter without commission.",
        ),
        (
            "atm",
            "",
            "bill_payment",
            "0.00",
            "salary_card={brand}",
            "Illustrative: free with a salary card of the ATM's own bank.",
        ),
        ("atm", "", "bill_payment", "1.20", "", "Illustrative: with any other card."),
        (
            "atm",
            "",
            "cash_deposit",
            "0.00",
            "salary_card={brand}",
            "Illustrative: cash-in only with a card of the ATM's own bank; not offered otherwise.",
        ),
        ("post_office", "", "bill_payment", "0.50", "", "Illustrative: Latvijas Pasts counter fee per bill."),
    ]
    rows += [
        (
            "dealer",
            b,
            "bill_payment",
            "0.70",
            "",
            "Illustrative: partner chain till fee per bill; other shops take no bill payments.",
        )
        for b in DEALER_BILL_BRANDS
    ]
    rows += [
        (
            "dealer",
            "",
            "buy_services",
            "0.00",
            "",
            "Illustrative: prepaid cards and service top-ups at every partner shop, no extra charge.",
        ),
        ("telecom_shop", "", "bill_payment", "0.00", "", "Illustrative: the operator's partner shop, no commission."),
        ("telecom_shop", "", "buy_services", "0.00", "", "Illustrative: services sold at list price."),
        ("telecom_shop", "", "buy_phones", "0.00", "", "Illustrative: phones sold at list price, no extra charge."),
    ]
    return rows


def dump_fees(rows: Iterable[tuple[str, ...]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(FEE_COLUMNS)
    writer.writerows(rows)
    return buf.getvalue()
