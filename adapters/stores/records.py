"""How the stores encode and check a record, shared by every implementation (not part of the
Store contract): the JSON text kept, the fields kept beside it as columns, the unique keys, the
versions a write sets."""
from __future__ import annotations

import functools
from typing import Sequence, TypeVar

from adapters.json_codec import dumps_text
from adapters.stores.errors import DuplicateKey
from esm.models import Record

R = TypeVar("R", bound=Record)


def _encode(doc: dict) -> str:
    return dumps_text(doc)  # compact, not ASCII-escaped


def _dump(record: Record) -> str:
    return _encode(record.to_doc())


# fields that stores keep beside the JSON, to find records by them cheaply
_COLUMNS = ("state", "instance_id")


def _raw_column_values(record: Record) -> tuple:
    return tuple(getattr(record, c, None) for c in _COLUMNS)


@functools.cache
def _has_unique_keys(cls) -> bool:
    """Records whose class never claims unique keys are written with one statement."""
    return cls.unique_keys is not Record.unique_keys


def _check_unique(record: Record) -> list[tuple[str, str]]:
    keys = record.unique_keys()
    seen = set()
    for key in keys:
        if key in seen:
            raise DuplicateKey(key[0], key[1], record.id)
        seen.add(key)
    return keys


def _with_version(record: R, version: int) -> R:
    record.version = version
    return record


def _set_versions(inserts: Sequence[Record], updates: Sequence[Record]) -> None:
    """After a successful write_all: the versions insert and update would have set."""
    for record in inserts:
        record.version = 1
    for record in updates:
        record.version += 1

