"""What the nearest search keeps between queries: compiled statements and radius hints.

An object, owned by whoever runs many queries (the app keeps one in
``app.extensions``; a script's session keeps one in ``Session.info``), never a
module global: two apps in one process, or two test databases, never see each
other's hints.  Thread-safe: a gunicorn thread or a test may share one.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any

HINT_MEMORY = 32  # settled radii remembered per (engine, filters)
MAX_KEYS = 1024  # filter shapes remembered before the hints start afresh


class NearestMemory:
    """Compiled SQL per statement shape, and the radii (metres) that settled recent searches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._compiled: dict[Hashable, Any] = {}
        self._hints: dict[Hashable, deque[float]] = {}

    def compiled(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The statement compiled for ``key``, built by ``build()`` the first time."""
        found = self._compiled.get(key)
        if found is None:
            found = build()
            with self._lock:
                found = self._compiled.setdefault(key, found)
        return found

    def first_radius(self, key: Hashable, default_m: float) -> float:
        """About the 90th percentile of recent settled radii: one round for most queries."""
        recent = self._hints.get(key)
        if not recent:
            return default_m
        ordered = sorted(recent)
        return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]

    def remember_radius(self, key: Hashable, radius_m: float) -> None:
        """A hint, never a limit: a wrong one costs a round, never a wrong answer."""
        with self._lock:
            if key not in self._hints and len(self._hints) >= MAX_KEYS:
                self._hints.clear()
            self._hints.setdefault(key, deque(maxlen=HINT_MEMORY)).append(radius_m)

    def hinted(self) -> int:
        """How many filter shapes have a hint (tests, benchmarks)."""
        return len(self._hints)


def memory_of(session) -> NearestMemory:
    """The memory kept with ``session`` (its ``info``), for callers that pass none."""
    found = session.info.get("locator.nearest_memory")
    if found is None:
        found = session.info["locator.nearest_memory"] = NearestMemory()
    return found
