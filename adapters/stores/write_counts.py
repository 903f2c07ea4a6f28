"""writes_to for a store that sees every write made to its data (one process, one store
object: the SQLite file), so that readers may keep what they read until it is written again."""
from __future__ import annotations

import itertools
from typing import Optional

from esm.models import Record

_WRITE_NUMBERS = itertools.count(1)  # next() is atomic: no two writes get the same number


class _CountsWrites:
    """writes_to for a store that sees every write: each write of a collection through this
    object gives it a new number, after the write whether it succeeded or not, so that what
    was read while it ran is not trusted after it."""

    def writes_to(self, cls) -> Optional[int]:
        return self.__dict__.setdefault("_last_write", {}).get(cls.COLLECTION, 0)

    def _wrote(self, *records: Record) -> None:
        last = self.__dict__.setdefault("_last_write", {})
        for record in records:
            last[record.COLLECTION] = next(_WRITE_NUMBERS)

