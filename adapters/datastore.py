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
import itertools
import json
import logging
import os
import sqlite3
import threading
from abc import ABC, abstractmethod
from typing import Callable, Optional, Sequence, Type, TypeVar

from adapters.json_codec import dumps_text
from esm.models import Record

R = TypeVar("R", bound=Record)
log = logging.getLogger("esm.store")


class StoreError(Exception):
    """Base of the store's own failures."""


class DuplicateId(StoreError):
    """insert: a record with this id already exists."""


class DuplicateKey(StoreError):
    """A unique key (e.g. a service name) is held by another record."""

    def __init__(self, key: str, value: str, owner: str):
        super().__init__(f"{key} {value!r} is already used by {owner!r}")
        self.key, self.value, self.owner = key, value, owner


class VersionConflict(StoreError):
    """update/delete: the record changed (or vanished) since it was read."""


class StoreUnavailable(StoreError):
    """The database cannot be reached; the request may be retried later."""


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


class Store(ABC):
    """The abstract store. Methods are blocking; call them off the event loop."""

    #: True when several ESM processes may share the store (then operation leases matter).
    shared = False
    #: Whether reads / writes may block for long (network, lock waits). Calls that do are run
    #: off the event loop; the others are made on it, which saves a thread hop per request.
    blocking_reads = True
    blocking_writes = True

    def writes_to(self, cls) -> Optional[int]:
        """A number that changes whenever this store object writes a record of cls's
        collection, for a store that sees every write made to its data (the SQLite file: one
        process, one store object); None for the others (MongoDB: other replicas write too; the
        memory store, whose reads cost next to nothing): then nothing read from them is kept
        (esm/registry.py)."""
        return None

    @abstractmethod
    def get(self, cls: Type[R], record_id: str) -> Optional[R]:
        """The record, or None."""

    @abstractmethod
    def find(self, cls: Type[R], **equals) -> list[R]:
        """Records whose top-level fields equal the given values, oldest first."""

    def count(self, cls: Type[R], **equals) -> int:
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
            for record, version in zip((*inserts, *updates), versions):
                record.version = version
            raise

    def _write_back(self, earlier: Record, written: Record) -> None:
        earlier.version = written.version
        self.update(earlier)

    @staticmethod
    def _undo(steps) -> None:
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

        def tracked(record) -> bool:
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


def _with_version(record: R, version: int) -> R:
    record.version = version
    return record


def _set_versions(inserts: Sequence[Record], updates: Sequence[Record]) -> None:
    """After a successful write_all: the versions insert and update would have set."""
    for record in inserts:
        record.version = 1
    for record in updates:
        record.version += 1


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


_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL,
    state TEXT,         -- copies of the fields find() is asked for most, as plain indexed
    instance_id TEXT,   -- columns (JSON expression indexes cost a third of the write speed)
    PRIMARY KEY (collection, id)
);
CREATE TABLE IF NOT EXISTS unique_keys (
    collection TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    owner TEXT NOT NULL,
    PRIMARY KEY (collection, key, value)
);
CREATE INDEX IF NOT EXISTS unique_keys_owner ON unique_keys (collection, owner);
-- the worker scans operations by state every second; views read an instance's records
CREATE INDEX IF NOT EXISTS records_state ON records (collection, state);
CREATE INDEX IF NOT EXISTS records_instance ON records (collection, instance_id);
-- one row, rewritten by ping(): a real write, so that readiness fails while writes do
CREATE TABLE IF NOT EXISTS ping_probe (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
"""

# Larger than what one record write adds to the WAL (a 2 kB page per table and index touched),
# so that a disk too full for a record write fails the probe too.
PROBE_BYTES = 8192
SYNC_MODES = ("normal", "full")

# sqlite3 errors that are the call's own fault (a constraint, a misuse, a value SQLite refuses),
# not the database's: every other DatabaseError means the database cannot serve right now
_CALL_ERRORS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.DataError,
                sqlite3.NotSupportedError)


def _column_values(record: Record) -> tuple:
    """The _COLUMNS values as SQLite columns hold them (see _SCHEMA)."""
    return tuple(v if v is None or isinstance(v, str) else json.dumps(v) for v in _raw_column_values(record))


def _unavailable_on_database_errors(method):
    """A full disk, a read-only file, an I/O error, a lock held past the timeout, a file that
    cannot be opened: StoreUnavailable (503, retry later), not a traceback."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, _CALL_ERRORS):
                raise
            raise StoreUnavailable(f"{self.describe()}: {exc}") from exc
    return wrapper


class SQLiteStore(_CountsWrites, Store):
    """The default store: one SQLite file in WAL mode, one connection per thread, so the
    request threads and the operation worker can all use it. Every write is one transaction.
    One ESM process per file: SQLite is not shared between replicas (use MongoDB for that).

    Durability (`synchronous`): "normal" keeps every acknowledged write across a process crash,
    and across a power loss all but the last second or so (the checkpoint thread fsyncs once a
    second); "full" fsyncs every commit, so that a power loss loses nothing acknowledged.
    While the disk is full or read-only every call raises StoreUnavailable, and the same store
    works again once the disk does: no restart."""

    # WAL readers never wait for writers, and with synchronous=NORMAL a commit only appends to
    # the WAL (no fsync; the checkpoint thread below does the syncing), so reads and writes
    # take microseconds and may run on the event loop: a thread hop per request cost more.
    blocking_reads = blocking_writes = False
    CHECKPOINT_SECONDS = 1.0

    def __init__(self, path: str, synchronous: str = "normal"):
        if synchronous not in SYNC_MODES:
            raise ValueError(f"synchronous must be one of {', '.join(SYNC_MODES)}, got {synchronous!r}")
        self.path = path
        self.synchronous = synchronous
        # An fsync per commit waits for the disk: such writes run off the event loop, or every
        # other request waits behind them (a fetch during provisions: p50 55 ms, not 1.3 ms).
        self.blocking_writes = synchronous == "full"
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._write_lock = threading.Lock()
        try:
            self.ping()  # opens the file, makes the tables
        except StoreUnavailable as exc:  # a full or read-only disk may come back: start anyway
            log.warning("%s; starting anyway, answering 503 until it works", exc)
        self._closed = threading.Event()
        self._checkpointer = threading.Thread(target=self._checkpoint_forever,
                                              name="esm-sqlite-checkpoint", daemon=True)
        self._checkpointer.start()

    def _checkpoint_forever(self) -> None:
        """Move the WAL into the database (and fsync) off the request path."""
        while not self._closed.wait(self.CHECKPOINT_SECONDS):
            try:
                self._conn().execute("PRAGMA wal_checkpoint(PASSIVE)")
            except (sqlite3.Error, StoreError):
                pass  # busy, closing, a full or read-only disk: the next round tries again

    def describe(self):
        return f"SQLite at {os.path.abspath(self.path)}"

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    def _open(self) -> sqlite3.Connection:
        self._refuse_read_only()
        # isolation_level=None: we issue BEGIN ourselves, so reads never hold a transaction.
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            # smaller pages, fewer bytes per commit: writes 20% faster (takes effect only on a
            # new file; records are mostly well under a page)
            conn.execute("PRAGMA page_size=2048")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={self.synchronous.upper()}")
            conn.execute("PRAGMA wal_autocheckpoint=0")  # the checkpoint thread does it
            # after a burst the WAL is cut back to this size once checkpointed, instead of
            # keeping the burst's size for good (it filled a small disk by itself)
            conn.execute("PRAGMA journal_size_limit=4194304")
            conn.executescript(_SCHEMA)  # by every connection: the first to succeed makes them
        except BaseException:
            conn.close()
            raise
        return conn

    def _refuse_read_only(self) -> None:
        """SQLite opens a file it may not write read-only, and shares one WAL index per file
        among a process's connections: one connection opened while the disk is read-only
        keeps every write of the process failing after the disk is writable again. So none
        is opened then (reads fail too); the next call tries again."""
        for name in (self.path, f"{self.path}-wal", f"{self.path}-shm"):
            if os.path.exists(name) and not os.access(name, os.W_OK):
                raise StoreUnavailable(f"{self.describe()}: {name} is read-only")

    def _discard(self, conn: sqlite3.Connection) -> None:
        """Forget a connection in an unknown state; this thread's next call opens another."""
        with self._all_lock:
            if conn in self._all:
                self._all.remove(conn)
        if getattr(self._local, "conn", None) is conn:
            self._local.conn = None
        try:
            conn.close()  # rolls back what is left
        except sqlite3.Error:
            pass

    @_unavailable_on_database_errors
    def get(self, cls, record_id):
        row = self._conn().execute(
            "SELECT version, doc FROM records WHERE collection=? AND id=?",
            (cls.COLLECTION, record_id)).fetchone()
        return None if row is None else cls.from_doc(json.loads(row[1]), row[0])

    @_unavailable_on_database_errors
    def page(self, cls, limit, after=None):
        rows = self._conn().execute(
            "SELECT version, doc FROM records WHERE collection=? AND id > ? ORDER BY id LIMIT ?",
            (cls.COLLECTION, after or "", limit)).fetchall()
        return [cls.from_doc(json.loads(doc), version) for version, doc in rows]

    @_unavailable_on_database_errors
    def get_by_key(self, cls, key, value):
        row = self._conn().execute(
            "SELECT r.version, r.doc FROM unique_keys k JOIN records r "
            "ON r.collection = k.collection AND r.id = k.owner "
            "WHERE k.collection=? AND k.key=? AND k.value=?", (cls.COLLECTION, key, value)).fetchone()
        return None if row is None else cls.from_doc(json.loads(row[1]), row[0])

    @staticmethod
    def _where(cls, equals: dict) -> tuple[str, list]:
        """The WHERE clause (and its arguments) of the records of `cls` with those field values."""
        sql = "WHERE collection=?"
        args: list = [cls.COLLECTION]
        for key, value in equals.items():
            if not key.isidentifier():
                raise ValueError(f"not a field name: {key!r}")
            column = key if key in _COLUMNS else f"json_extract(doc, '$.{key}')"
            if value is None:
                sql += f" AND {column} IS NULL"
            else:
                sql += f" AND {column} = ?"
                args.append(value)
        return sql, args

    @_unavailable_on_database_errors
    def find(self, cls, **equals):
        where, args = self._where(cls, equals)
        rows = self._conn().execute(f"SELECT version, doc FROM records {where} ORDER BY rowid",
                                    args).fetchall()
        return [cls.from_doc(json.loads(doc), version) for version, doc in rows]

    @_unavailable_on_database_errors
    def count(self, cls, **equals):
        where, args = self._where(cls, equals)
        return self._conn().execute(f"SELECT COUNT(*) FROM records {where}", args).fetchone()[0]

    def _write(self, one_statement: bool, fn, *args) -> None:
        """fn(conn, *args) under the write lock; in one transaction unless it is one statement
        (atomic by itself: no BEGIN/COMMIT round trips)."""
        conn = self._conn()
        # One writer at a time in this process: SQLite's own busy handler sleeps in growing
        # steps (up to 100 ms) while another connection writes, which made p99 latency 0.5 s.
        with self._write_lock:
            if one_statement:
                fn(conn, *args)
                return
            # deferred, not IMMEDIATE: every fn starts with a write, which takes the write lock
            # itself (and waits for it like BEGIN IMMEDIATE would); no read comes first that
            # could make the upgrade fail. A quarter less per write transaction (measured).
            conn.execute("BEGIN")
            try:
                fn(conn, *args)
                conn.execute("COMMIT")
            except BaseException:
                self._rollback(conn)
                raise

    def _rollback(self, conn: sqlite3.Connection) -> None:
        """SQLite may or may not have rolled back by itself (a full disk, an I/O error, a failed
        COMMIT): either way the connection must leave the transaction, or it stays in it and
        every later BEGIN fails."""
        if not conn.in_transaction:
            return
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            self._discard(conn)

    @staticmethod
    def _claim_keys(conn, record: Record) -> None:
        if not _has_unique_keys(type(record)):
            return
        coll = record.COLLECTION
        keys = _check_unique(record)
        conn.execute("DELETE FROM unique_keys WHERE collection=? AND owner=?", (coll, record.id))
        for key, value in keys:
            try:
                conn.execute("INSERT INTO unique_keys VALUES (?,?,?,?)", (coll, key, value, record.id))
            except sqlite3.IntegrityError:
                owner = conn.execute(
                    "SELECT owner FROM unique_keys WHERE collection=? AND key=? AND value=?",
                    (coll, key, value)).fetchone()
                raise DuplicateKey(key, value, owner[0] if owner else "?") from None

    @classmethod
    def _insert_row(cls, conn, record: Record) -> None:
        try:
            conn.execute("INSERT INTO records VALUES (?,?,1,?,?,?)",
                         (record.COLLECTION, record.id, _dump(record), *_column_values(record)))
        except sqlite3.IntegrityError:
            raise DuplicateId(record.id) from None
        cls._claim_keys(conn, record)

    @classmethod
    def _update_row(cls, conn, record: Record) -> None:
        cur = conn.execute(
            "UPDATE records SET version=version+1, doc=?, state=?, instance_id=? "
            "WHERE collection=? AND id=? AND version=?",
            (_dump(record), *_column_values(record), record.COLLECTION, record.id, record.version))
        if cur.rowcount != 1:
            raise VersionConflict(record.id)
        cls._claim_keys(conn, record)

    @classmethod
    def _write_rows(cls, conn, inserts: Sequence[Record], updates: Sequence[Record]) -> None:
        for record in inserts:
            cls._insert_row(conn, record)
        for record in updates:
            cls._update_row(conn, record)

    @_unavailable_on_database_errors
    def insert(self, record):
        try:
            self._write(not _has_unique_keys(type(record)), self._insert_row, record)
        finally:
            self._wrote(record)
        return _with_version(record, 1)

    @_unavailable_on_database_errors
    def update(self, record):
        try:
            self._write(not _has_unique_keys(type(record)), self._update_row, record)
        finally:
            self._wrote(record)
        return _with_version(record, record.version + 1)

    @_unavailable_on_database_errors
    def write_all(self, inserts=(), updates=()):
        try:
            self._write(False, self._write_rows, inserts, updates)
        finally:
            self._wrote(*inserts, *updates)
        _set_versions(inserts, updates)

    @staticmethod
    def _delete_row(conn, record: Record) -> None:
        cur = conn.execute("DELETE FROM records WHERE collection=? AND id=? AND version=?",
                           (record.COLLECTION, record.id, record.version))
        if cur.rowcount != 1:
            raise VersionConflict(record.id)
        if _has_unique_keys(type(record)):
            conn.execute("DELETE FROM unique_keys WHERE collection=? AND owner=?",
                         (record.COLLECTION, record.id))

    @_unavailable_on_database_errors
    def delete(self, record):
        try:
            self._write(not _has_unique_keys(type(record)), self._delete_row, record)
        finally:
            self._wrote(record)

    @staticmethod
    def _probe(conn) -> None:
        conn.execute("INSERT OR REPLACE INTO ping_probe VALUES (1, zeroblob(?))", (PROBE_BYTES,))

    @_unavailable_on_database_errors
    def ping(self):
        """One small real write (PROBE_BYTES): a read would still answer on a full or
        read-only disk, where every write fails."""
        self._write(True, self._probe)

    def close(self):
        self._closed.set()
        self._checkpointer.join(5)
        with self._all_lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._all.clear()
        self._local = threading.local()


def __getattr__(name: str):
    """`adapters.datastore.MongoDB` stays a public name, but this module does not import it (it
    needs pymongo, and imports this one): it is looked up only when someone asks for it. The
    broker itself picks its store in esm/wiring.py."""
    if name == "MongoDB":
        from adapters.mongo_store import MongoDB
        return MongoDB
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
