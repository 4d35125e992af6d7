"""A fee table: which offers (service, fee, condition) each kind and brand of place has.

CSV columns ``kind,brand,service,fee_eur,condition,note``.  An empty ``brand``
applies to every brand of that kind; rows for a specific brand replace the
generic rows of the same kind and service.  In ``condition`` the text
``{brand}`` stands for the place's own brand, so one row says "free with a
salary card of the ATM's own bank".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from locator.domain.vocabulary import KINDS

from .rows import OfferRow, RowRejected, nfc, unknown_kind

COLUMNS = ("kind", "brand", "service", "fee_eur", "condition", "note")


@dataclass(frozen=True)
class FeeRule:
    kind: str
    brand: str | None
    service: str
    fee_eur: str
    condition: str | None
    note: str | None


def read_fee_table(path: Path) -> list[FeeRule]:
    """Every rule in the file; raises RowRejected as ``FILE:LINE: reason``."""
    rules = []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise RowRejected(f"{path}:1: missing columns: {', '.join(missing)}")
        for row in reader:
            line = reader.line_num
            try:
                if row["kind"] not in KINDS:
                    raise RowRejected(unknown_kind(row["kind"]))
                rule = FeeRule(
                    row["kind"],
                    nfc(row["brand"]),
                    row["service"],
                    row["fee_eur"],
                    nfc(row["condition"]),
                    nfc(row["note"]),
                )
                # validate once with a stand-in brand, so errors name this line
                OfferRow.make(
                    rule.service, rule.fee_eur, (rule.condition or "").replace("{brand}", "x") or None, rule.note
                )
            except RowRejected as exc:
                raise RowRejected(f"{path}:{line}: {exc}") from None
            rules.append(rule)
    return rules


def offers_for(kind: str, brand: str | None, rules: list[FeeRule]) -> tuple[OfferRow, ...]:
    """The offers a place of ``kind`` and ``brand`` gets from the table."""
    if not rules:
        return ()
    folded = brand.casefold() if brand else None
    specific = [r for r in rules if r.kind == kind and r.brand and r.brand.casefold() == folded]
    overridden = {r.service for r in specific}
    generic = [r for r in rules if r.kind == kind and not r.brand and r.service not in overridden]
    offers = []
    for r in specific + generic:
        condition = r.condition
        if condition and "{brand}" in condition:
            if not brand:
                continue
            condition = condition.replace("{brand}", brand)
        offers.append(OfferRow.make(r.service, r.fee_eur, condition, r.note))
    return tuple(offers)
