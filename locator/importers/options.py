"""The options of an import: how its records become places.

Kept apart from the rules that apply them (``locator.importers.rules``) and the columns they
read (``locator.importers.batch``), which both need them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from locator.domain.geography import DEFAULT_BUFFER_M

from .fee_table import FeeRule

Geocode = Callable[[str], "tuple[float, float] | None"]  # address -> (lat, lon)


@dataclass
class Rules:
    """How records become places: defaults, fee table, what to do outside Latvia."""

    default_kind: str | None = None
    fee_rules: list[FeeRule] = field(default_factory=list)
    clip: bool = False
    border_buffer_m: float = DEFAULT_BUFFER_M
    geocode: Geocode | None = None
