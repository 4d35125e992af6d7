"""The columns of some rows as the import's rules read them: parsed and cleaned once each, on demand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .options import Rules
from .rows import UNSTORABLE, nfc
from .table import Columns, is_clean, none_for_empty, strings_of


class Numbers:
    """A numeric column as the rules see it: ``values`` (NaN where not usable), and which rows
    are ``missing`` (None or blank) or ``bad`` (given, but not a finite number)."""

    def __init__(self, column: Sequence[Any]):
        n = len(column)
        try:
            if bool in set(map(type, column)):
                raise TypeError("a boolean is not a number")
            self.values = np.fromiter(map(float, column), float, n)  # the usual case, in C
            self.missing = np.zeros(n, dtype=bool)
        except (TypeError, ValueError, OverflowError):
            parsed = list(map(_number, column))
            self.values = np.fromiter((np.nan if p is None else p for p in parsed), float, n)
            self.missing = np.fromiter((p is None for p in parsed), bool, n)
        self.bad = ~np.isfinite(self.values) & ~self.missing

    def set(self, i: int, value: float) -> None:
        self.values[i], self.missing[i], self.bad[i] = float(value), False, False


def _number(value: Any) -> float | None:
    """The number ``value`` stands for ("56,95" is 56.95); None when missing, NaN when not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return np.nan
    try:
        if isinstance(value, (int, float)):
            return float(value)
        return float(str(value).strip().replace(",", "."))
    except (ValueError, OverflowError):
        return np.nan


class Batch:
    """The columns of some rows, cleaned as the rules ask for them (each at most once)."""

    def __init__(self, columns: Columns, rules: Rules):
        self.n = len(columns.suspect)
        self.values = columns.values
        self.plain = columns.plain
        self.rules = rules
        self.geocoded: dict[int, Exception | None] = {}  # row -> why the geocoder gave no place
        self.memo: dict[str, Any] = {}
        self._numbers: dict[str, Numbers] = {}
        self._texts: dict[str, list[str | None]] = {}
        self._missing: list[Any] = [None] * self.n

    def raw(self, name: str, i: int) -> Any:
        """The value of field ``name`` in row ``i`` as the reader found it."""
        return self.column(name)[i]

    def column(self, name: str) -> list[Any]:
        return self.values.get(name) or self._missing

    def present(self, name: str) -> np.ndarray:
        if name not in self.values:
            return np.zeros(self.n, dtype=bool)
        return np.fromiter(map(bool, self.values[name]), bool, self.n)

    def number(self, name: str) -> Numbers:
        if name not in self._numbers:
            self._numbers[name] = Numbers(self.column(name))
        return self._numbers[name]

    def text(self, name: str) -> list[str | None]:
        """``rows.nfc(str(value))`` of each value (None stays None), tested on the whole column first."""
        if name not in self._texts:
            column = self.column(name)
            if name in self.plain:
                found = list(column)
            else:
                strings = strings_of(column)
                if strings is not None and is_clean(strings, single_spaced=True):
                    found = list(none_for_empty(column))
                else:
                    found = [None if value is None else nfc(str(value)) for value in column]
            self._texts[name] = found
        return self._texts[name]

    def unstorable(self, name: str) -> np.ndarray:
        """The rows whose text in ``name`` has a character of ``rows.UNSTORABLE``."""
        bad = np.zeros(self.n, dtype=bool)
        if name in self.plain or name not in self.values:  # printable: nothing unstorable
            return bad
        texts = self.text(name)
        if UNSTORABLE.search("\n".join(t for t in texts if t is not None)):
            bad[[i for i, t in enumerate(texts) if t is not None and UNSTORABLE.search(t)]] = True
        return bad

    @property
    def kinds(self) -> list[str | None]:
        if "kinds" not in self.memo:
            kinds = self.text("kind")
            default = self.rules.default_kind
            self.memo["kinds"] = [kind or default for kind in kinds] if default else kinds
        return self.memo["kinds"]

    @property
    def brands(self) -> list[str | None]:
        if "brands" not in self.memo:
            brands = self.text("brand")
            if "operator" in self.values:
                brands = [brand or operator for brand, operator in zip(brands, self.text("operator"))]
            self.memo["brands"] = brands
        return self.memo["brands"]
