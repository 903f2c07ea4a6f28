"""A cache of parsed manifests bounded by memory, not by entry count: every request that uses a
manifest asks for its parsed form, and parsing YAML is slow, but a few large manifests must not
pin gigabytes (a parsed manifest takes a few times the bytes of its text)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable

DEFAULT_BUDGET_BYTES = 16 * 1024 * 1024  # of manifest text; the parsed forms take ~3-6x that
OVERHEAD_BYTES = 1024  # what one entry costs beyond its text, so tiny entries are bounded too


class ParseCache:
    """parse(content, *extra) results by (content, *extra), least recently used dropped first
    once the texts held pass `budget_bytes`. Failures (exceptions) are not cached."""

    def __init__(self, parse: Callable, budget_bytes: int = DEFAULT_BUDGET_BYTES):
        self._parse = parse
        self.budget_bytes = budget_bytes
        self._entries: OrderedDict = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    @property
    def held_bytes(self) -> int:
        return self._held

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, content: str, *extra: Hashable):
        key = (content, *extra)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found[0]
        value = self._parse(content, *extra)  # outside the lock: parsing may take a while
        cost = len(content) + OVERHEAD_BYTES
        if cost > self.budget_bytes:
            return value
        with self._lock:
            if key not in self._entries:
                self._entries[key] = (value, cost)
                self._held += cost
                while self._held > self.budget_bytes:
                    _, (_, dropped) = self._entries.popitem(last=False)
                    self._held -= dropped
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._held = 0
