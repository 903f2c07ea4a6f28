"""Stores: where every record lives. The store is the source of truth.

Every record (see esm.models) is kept whole as JSON under (collection, id) with a `version`.
Writes are compare-and-set on that version, so two writers (threads, or ESM replicas sharing one
database) never both win: `insert` fails when the id exists, `update` and `delete` fail when the
stored version is not the one the caller read. Records may also claim unique keys (a service
name, a plan id) that no other record of the same collection may hold.

Subclass `Store` to keep records elsewhere; `tests/test_store_contract.py` is the contract.
"""
from __future__ import annotations

import functools
import logging
from abc import ABC, abstractmethod
from typing import Any, Callable, Iterable, Optional, Sequence, Type, TypeVar

from adapters.stores.errors import (
    DuplicateId,
    DuplicateKey,
    StoreError,
    StoreUnavailable,
    VersionConflict,
)
from esm.models import Record

__all__ = ["Store", "StoreError", "DuplicateId", "DuplicateKey", "VersionConflict",
           "StoreUnavailable"]

R = TypeVar("R", bound=Record)
log = logging.getLogger("esm.store")


class Store(ABC):
    """The abstract store. Its methods are synchronous and must be safe to call from any thread
    (the operation worker, /health and /metrics call them from threads of their own). Whether a
    request calls them on the event loop or in a thread is decided by the two flags below and
    nothing else (the threading rule: esm/controllers/common.py, run()): a store whose calls may
    wait (a network, lock waits, an fsync per commit) leaves them True, the default, and is called
    in threads; one whose calls take microseconds sets them False and is called on the event
    loop, which saves a thread hop per request."""

    #: True when several ESM processes may share the store (then operation leases matter).
    shared = False
    #: Whether reads / writes may wait (network, lock waits, an fsync). A request's call that only
    #: reads runs in a thread when blocking_reads; one that also writes when either is True.
    blocking_reads = True
    blocking_writes = True

    def writes_to(self, cls: type) -> Optional[int]:
        """A number that changes whenever this store object writes a record of cls's
        collection, for a store that sees every write made to its data (the SQLite file: one
        process, one store object); None for the others (MongoDB: other replicas write too; the
        memory store, whose reads cost next to nothing): then nothing read from them is kept
        (esm/catalog.py)."""
        return None

    @abstractmethod
    def get(self, cls: Type[R], record_id: str) -> Optional[R]:
        """The record, or None."""

    @abstractmethod
    def find(self, cls: Type[R], **equals: Any) -> list[R]:
        """Records whose top-level fields equal the given values, oldest first."""

    def count(self, cls: Type[R], **equals: Any) -> int:
        """How many records `find` would return (stores override it to count without reading)."""
        return len(self.find(cls, **equals))

    def page(self, cls: Type[R], limit: int, after: Optional[str] = None) -> list[R]:
        """Up to `limit` records in id order, starting after the id `after`."""
        return sorted((r for r in self.find(cls) if after is None or r.id > after),
                      key=lambda r: r.id)[:limit]

    def get_by_key(self, cls: Type[R], key: str, value: str) -> Optional[R]:
        """The record holding unique key (key, value), or None."""
        return next((r for r in self.find(cls) if (key, value) in r.unique_keys()), None)

    @abstractmethod
    def insert(self, record: R) -> R:
        """Store a new record; returns it at version 1. DuplicateId, DuplicateKey."""

    @abstractmethod
    def update(self, record: R) -> R:
        """Replace the record if the stored version is record.version; returns it at version+1.
        VersionConflict, DuplicateKey."""

    @abstractmethod
    def delete(self, record: Record) -> None:
        """Remove the record if the stored version is record.version. VersionConflict."""

    def write_all(self, inserts: Sequence[Record] = (), updates: Sequence[Record] = ()) -> None:
        """Insert `inserts` (as insert: DuplicateId, DuplicateKey) and compare-and-set `updates`
        (as update: VersionConflict, DuplicateKey), all or nothing: on success every record's
        version is set as insert/update set it; on a failure nothing is kept and no record's
        version changes. Each record appears once.

        This default, for stores without multi-record transactions (MongoDB), is NOT atomic:
        it writes the records one after the other, inserts first, and when one fails it undoes
        those already written (deletes the inserted ones, writes back the earlier content of
        the updated ones, at a newer version) before re-raising. Other readers may see the
        writes one by one meanwhile; a process crash, or an outage during the undo, leaves the
        written ones in place (the undo is best effort and logs what it could not undo)."""
        versions = [r.version for r in (*inserts, *updates)]
        undo: list[Callable[[], object]] = []
        try:
            for record in inserts:
                self.insert(record)
                undo.append(functools.partial(self.delete, record))
            for n, record in enumerate(updates):
                # the last update needs no undo: when it succeeds, everything has
                earlier = self.get(type(record), record.id) if n + 1 < len(updates) else None
                self.update(record)
                if earlier is not None:
                    undo.append(functools.partial(self._write_back, earlier, record))
        except Exception:
            self._undo(reversed(undo))
            for record, version in zip((*inserts, *updates), versions, strict=True):
                record.version = version
            raise

    def _write_back(self, earlier: Record, written: Record) -> None:
        earlier.version = written.version
        self.update(earlier)

    @staticmethod
    def _undo(steps: Iterable[Callable[[], object]]) -> None:
        for step in steps:
            try:
                step()
            except StoreError as exc:
                log.warning("write_all: one of its writes could not be undone (%s)", exc)

    def mutate(self, cls: Type[R], record_id: str, change: Callable[[R], bool],
               current: Optional[R] = None, attempts: int = 100) -> Optional[R]:
        """Read, change, compare-and-set, again on conflict. `change(record)` edits the record
        in place and returns False to leave it as it is. Returns the record as it ends up, or
        None when there is none. `current`, a copy the caller just read and gives up, saves the
        first read."""
        for _ in range(attempts):
            record, current = (current if current is not None else self.get(cls, record_id)), None
            if record is None or change(record) is False:
                return record
            try:
                return self.update(record)
            except VersionConflict:
                continue
        raise VersionConflict(f"{record_id}: gave up after {attempts} concurrent changes")

    def change(self, cls: Type[R], record_id: str, change: Callable[[R], bool],
               current: Optional[R] = None) -> Optional[R]:
        """mutate(), answering whether this call wrote: the record as written, or None when
        `change` declined on the latest read (or there is none). mutate() may call `change`
        several times (once per lost race); only its last answer was written."""
        written: list = []

        def tracked(record: R) -> bool:
            written.clear()
            if change(record) is False:
                return False
            written.append(record)
            return True
        self.mutate(cls, record_id, tracked, current)
        return written[0] if written else None

    def ping(self) -> None:
        """Raise StoreUnavailable when the store does not answer."""

    def close(self) -> None:
        """Release connections."""

    def describe(self) -> str:
        """A one-line name for logs (never a password)."""
        return type(self).__name__

