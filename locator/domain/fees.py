"""The one rule for what a customer pays, and so for "commission-free".

A place may carry several offers for one service.  An offer *applies* to a
customer when it has no condition or the customer meets its condition; the
customer pays the lowest fee among the offers that apply; the place is
commission-free for that customer when that fee is 0.  A place with no
applicable offer does not offer the service to that customer at all.

A fee may be *unknown* (``None``; NULL in the database): the place offers the
service, but its source did not say at what price (see
``locator.domain.vocabulary.USUAL_SERVICES``).  Unknown fees take no part in the
minimum: the customer pays the lowest *known* fee among the offers that apply,
and when every offer that applies is unknown so is the fee, and the place is
never commission-free.  SQL's ``min()`` skips NULLs the same way.

Conditions are short codes, ``key=value``.  The only key today is
``salary_card``: ``salary_card=Swedbank`` means "free only with a salary card
of Swedbank".  They are stored in canonical form (:func:`canonical_condition`)
so the database compares them with plain equality on both engines (SQLite's
``lower()`` folds ASCII only).

The same rule is given twice, once for Python objects (:func:`effective_fee`)
and once as SQL (:func:`applicable_offer`, :func:`effective_fee_sql`); the tests
check that the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, FromClause, ScalarSelect, String, bindparam, exists, func, or_, select

from .text import fold

CONDITION_KEYS = ("salary_card",)
ZERO = Decimal("0")


class InvalidCondition(ValueError):
    """A condition code that is not ``key=value`` with a known key."""


def _fold(value: str) -> str:
    """Case, diacritics and repeated spaces dropped (:func:`locator.domain.text.fold`): a bank
    typed "Citadele" or "CITADELĒ" is the same bank."""
    return " ".join(fold(value).split())


def canonical_condition(text: str | None) -> str | None:
    """``"Salary_Card = SwedBank "`` -> ``"salary_card=swedbank"``; empty -> None.

    Raises InvalidCondition for anything else than ``key=value`` with a key of
    :data:`CONDITION_KEYS`.
    """
    if text is None or not text.strip():
        return None
    key, sep, value = text.partition("=")
    key, value = _fold(key), _fold(value)
    if not sep or not value or key not in CONDITION_KEYS:
        raise InvalidCondition(f"condition {text!r} is not one of: " + ", ".join(f"{k}=<bank>" for k in CONDITION_KEYS))
    return f"{key}={value}"


@dataclass(frozen=True)
class Customer:
    """What we know of the customer that can change a fee (never personal data)."""

    salary_card: str | None = None

    def conditions_met(self) -> tuple[str, ...]:
        """Canonical codes of the conditions this customer meets."""
        if self.salary_card and self.salary_card.strip():
            return (f"salary_card={_fold(self.salary_card)}",)
        return ()


ANYONE = Customer()


def applies(condition: str | None, customer: Customer) -> bool:
    return condition is None or condition in customer.conditions_met()


def effective_fee(offers: Iterable[tuple[Decimal | None, str | None]], customer: Customer = ANYONE) -> Decimal | None:
    """The fee this customer pays given ``(fee_eur, condition)`` offers (fee None: unknown):
    the lowest known fee among those that apply, or None (none applies, or none is known)."""
    fees = [fee for fee, condition in offers if fee is not None and applies(condition, customer)]
    return min(fees) if fees else None


def offers_service(offers: Iterable[tuple[Decimal | None, str | None]], customer: Customer = ANYONE) -> bool:
    """True when an offer applies to this customer, known fee or not (the place is listed)."""
    return any(applies(condition, customer) for _fee, condition in offers)


def is_commission_free(fee: Decimal | None) -> bool:
    """True when the customer pays nothing: the fee is known and zero (an unknown fee never is)."""
    return fee is not None and fee == ZERO


# --- the same rule in SQL -------------------------------------------------
#
# Conditions are bound as a fixed number of parameters (:condition_0, ...),
# not an expanding list, so each statement shape compiles once and is cached.


def condition_params(customer: Customer) -> dict[str, str]:
    """Bound values for the conditions ``customer`` meets: {"condition_0": ..., ...}."""
    return {f"condition_{i}": c for i, c in enumerate(customer.conditions_met())}


def applicable_offer(offers: FromClause, n_conditions: int) -> ColumnElement[bool]:
    """SQL: the offer applies to a customer who meets ``n_conditions`` bound conditions."""
    if not n_conditions:
        return offers.c.condition.is_(None)
    met = [bindparam(f"condition_{i}", type_=String) for i in range(n_conditions)]
    return or_(offers.c.condition.is_(None), offers.c.condition.in_(met))


def _offers_here(offers: FromClause, place_id: ColumnElement, n_conditions: int):
    return (
        offers.c.place_id == place_id,
        offers.c.service == bindparam("service", type_=String),
        applicable_offer(offers, n_conditions),
    )


def effective_fee_sql(offers: FromClause, place_id: ColumnElement, n_conditions: int) -> ScalarSelect:
    """SQL: the lowest applicable known fee for service ``:service`` at ``place_id`` (NULL if
    none applies, or none of those is known: ``min()`` skips NULLs)."""
    return select(func.min(offers.c.fee_eur)).where(*_offers_here(offers, place_id, n_conditions)).scalar_subquery()


def offered_sql(
    offers: FromClause, place_id: ColumnElement, n_conditions: int, *, commission_free: bool
) -> ColumnElement[bool]:
    """SQL: the place offers ``:service`` to this customer (for nothing, if ``commission_free``).

    The filter form of :func:`effective_fee_sql`: the effective fee is not NULL
    or an applicable offer of unknown fee exists (the place is listed), and it is
    0 exactly when an applicable offer is free (fees are never negative; a NULL
    fee is not 0).  EXISTS stops at the first such offer instead of computing
    the minimum.
    """
    where = _offers_here(offers, place_id, n_conditions)
    if commission_free:
        where = (*where, offers.c.fee_eur == 0)
    return exists().where(*where)
