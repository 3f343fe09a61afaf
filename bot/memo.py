"""Memoisation bounded by size, not by count: what anyone can type must not grow memory.

functools.lru_cache bounds the number of entries. Keyed on questions, an entry is
as big as the question: 16,384 short questions are a few MB, but as many
1,000-character ones are hundreds. Here every entry is weighed (by the caller's
`weight` of its key) and the least recently used ones go once the total passes
the budget.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """func(key) memoised, keeping at most `budget` units of weight (LRU)."""

    def __init__(self, func: Callable[[K], V], budget: int, weight: Callable[[K], int]) -> None:
        if budget < 1:
            raise ValueError("a memo needs a budget of at least 1")
        self._func = func
        self._weight = weight
        self.budget = budget
        self.used = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()  # the bot answers on one loop; tests and tools on threads

    def __call__(self, key: K) -> V:
        # A hit takes no lock: dict reads and move_to_end are atomic under the GIL, and a
        # key dropped in between by another thread only means a recency update is lost.
        found = self._entries.get(key)
        if found is not None:
            with contextlib.suppress(KeyError):
                self._entries.move_to_end(key)
            self.hits += 1
            return found[0]
        with self._lock:
            self.misses += 1
        value = self._func(key)  # outside the lock: the work itself may be slow
        size = self._weight(key)
        if size > self.budget:
            return value  # bigger than the whole budget: never kept
        with self._lock:
            if key not in self._entries:
                self._entries[key] = (value, size)
                self.used += size
                while self.used > self.budget:
                    _key, (_value, dropped) = self._entries.popitem(last=False)
                    self.used -= dropped
        return value

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.used = 0
