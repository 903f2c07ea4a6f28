"""Stores: where every record lives. The store is the source of truth.

Every record (see esm.models) is kept whole as JSON under (collection, id) with a
`version`. Writes are compare-and-set on that version, so two writers (threads, or
ESM replicas sharing one database) never both win: `insert` fails when the id exists,
`update` and `delete` fail when the stored version is not the one the caller read.
Records may also claim unique keys (a service name, a plan id) that no other record of
the same collection may hold.

Subclass `Store` to keep records elsewhere; `tests/test_store_contract.py` is the
contract.

This module keeps the seed's public names; the code lives in the `adapters.stores`
package, one module per job (see its docstring).
"""
from __future__ import annotations

from adapters.stores.base import Store
from adapters.stores.errors import (
    DuplicateId,
    DuplicateKey,
    StoreError,
    StoreUnavailable,
    VersionConflict,
)
from adapters.stores.memory import InMemoryStore
from adapters.stores.records import (
    _COLUMNS,
    _check_unique,
    _dump,
    _encode,
    _has_unique_keys,
    _raw_column_values,
    _set_versions,
    _with_version,
)
from adapters.stores.sqlite import PROBE_BYTES, SYNC_MODES, SQLiteStore

# MongoDB too, through __getattr__ below
__all__ = ["Store", "StoreError", "DuplicateId", "DuplicateKey", "VersionConflict",
           "StoreUnavailable", "InMemoryStore", "SQLiteStore", "SYNC_MODES",
           "PROBE_BYTES"]
# the helpers the implementations share, under the names they had here
_SHARED = (_COLUMNS, _check_unique, _dump, _encode, _has_unique_keys,
           _raw_column_values, _set_versions, _with_version)


def __getattr__(name: str):
    """`adapters.datastore.MongoDB` stays a public name, but this module does not
    import it (it needs pymongo): it is looked up only when someone asks for it. The
    broker itself picks its store in esm/wiring.py."""
    if name == "MongoDB":
        from adapters.stores.mongo import MongoDB
        return MongoDB
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
