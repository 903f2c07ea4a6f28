"""InMemoryStore: records in a dict, for tests and throwaway brokers."""
from __future__ import annotations

import json
import threading
from typing import Optional

from adapters.stores.base import Store
from adapters.stores.errors import DuplicateId, DuplicateKey, VersionConflict
from adapters.stores.records import (
    _COLUMNS,
    _check_unique,
    _dump,
    _raw_column_values,
    _set_versions,
    _with_version,
)
from esm.models import Record


class InMemoryStore(Store):
    """Records in a dict, for tests and throwaway brokers. Stored as JSON text, so what comes
    back is a copy with exactly the round-trip semantics of the persistent stores."""

    blocking_reads = blocking_writes = False

    def __init__(self):
        self._lock = threading.Lock()
        # coll -> id -> (version, json, insertion seq, the _COLUMNS values: find() filters on
        # them without parsing every record, as the worker's scan does every second)
        self._docs: dict[str, dict[str, tuple[int, str, int, tuple]]] = {}
        self._keys: dict[tuple[str, str, str], str] = {}  # (coll, key, value) -> owner id
        self._seq = 0

    def _coll(self, cls) -> dict:
        return self._docs.setdefault(cls.COLLECTION, {})

    @staticmethod
    def _entry(record: Record, version: int, seq: int) -> tuple:
        return (version, _dump(record), seq, _raw_column_values(record))

    def _release_keys(self, coll: str, owner_id: str) -> None:
        for k in [k for k, owner in self._keys.items() if k[0] == coll and owner == owner_id]:
            del self._keys[k]

    def get(self, cls, record_id):
        entry = self._coll(cls).get(record_id)
        return None if entry is None else cls.from_doc(json.loads(entry[1]), entry[0])

    def get_by_key(self, cls, key, value):
        owner = self._keys.get((cls.COLLECTION, key, value))
        return None if owner is None else self.get(cls, owner)

    def find(self, cls, **equals):
        with self._lock:
            entries = sorted(self._coll(cls).values(), key=lambda e: e[2])
        out = []
        column_filter = [(i, equals[c]) for i, c in enumerate(_COLUMNS) if c in equals]
        for version, text, _, columns in entries:
            if any(columns[i] != value for i, value in column_filter):
                continue
            doc = json.loads(text)
            if all(doc.get(k) == v for k, v in equals.items()):
                out.append(cls.from_doc(doc, version))
        return out

    def _claim_keys(self, record: Record) -> None:
        coll = record.COLLECTION
        keys = _check_unique(record)
        for key, value in keys:
            owner = self._keys.get((coll, key, value))
            if owner is not None and owner != record.id:
                raise DuplicateKey(key, value, owner)
        self._release_keys(coll, record.id)
        for key, value in keys:
            self._keys[(coll, key, value)] = record.id

    # _insert, _update, _saved, _put_back: under self._lock; versions are set by the callers
    def _insert(self, record: Record) -> None:
        coll = self._coll(record)
        if record.id in coll:
            raise DuplicateId(record.id)
        self._claim_keys(record)
        self._seq += 1
        coll[record.id] = self._entry(record, 1, self._seq)

    def _update(self, record: Record) -> None:
        coll = self._coll(record)
        current = coll.get(record.id)
        if current is None or current[0] != record.version:
            raise VersionConflict(record.id)
        self._claim_keys(record)
        coll[record.id] = self._entry(record, record.version + 1, current[2])

    def _saved(self, record: Record) -> tuple:
        """What _put_back needs to undo a write of this record."""
        coll = record.COLLECTION
        keys = [(k, v) for (c, k, v), owner in self._keys.items() if c == coll and owner == record.id]
        return coll, record.id, self._docs.get(coll, {}).get(record.id), keys

    def _put_back(self, coll: str, record_id: str, entry: Optional[tuple], keys: list) -> None:
        self._release_keys(coll, record_id)
        if entry is None:
            self._docs.get(coll, {}).pop(record_id, None)
        else:
            self._docs[coll][record_id] = entry
        for key, value in keys:
            self._keys[(coll, key, value)] = record_id

    def insert(self, record):
        with self._lock:
            self._insert(record)
        return _with_version(record, 1)

    def update(self, record):
        with self._lock:
            self._update(record)
        return _with_version(record, record.version + 1)

    def write_all(self, inserts=(), updates=()):
        # Each write is made (and checked) as insert/update make it, after noting what it
        # replaces; a failure puts everything back. All under the lock, so that no reader sees
        # part of it, and the checks see the earlier writes of the same call.
        with self._lock:
            saved = []
            try:
                for write, records in ((self._insert, inserts), (self._update, updates)):
                    for record in records:
                        saved.append(self._saved(record))
                        write(record)
            except BaseException:
                for entry in reversed(saved):
                    self._put_back(*entry)
                raise
        _set_versions(inserts, updates)

    def delete(self, record):
        with self._lock:
            coll = self._coll(record)
            current = coll.get(record.id)
            if current is None or current[0] != record.version:
                raise VersionConflict(record.id)
            del coll[record.id]
            self._release_keys(record.COLLECTION, record.id)

