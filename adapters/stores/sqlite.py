"""SQLiteStore, the default store: one SQLite file in WAL mode, checkpointed by a thread."""
from __future__ import annotations

import functools
import json
import logging
import os
import sqlite3
import threading
from typing import Sequence

from adapters.stores.base import Store
from adapters.stores.checkpoint import Checkpointer
from adapters.stores.errors import (
    DuplicateId,
    DuplicateKey,
    StoreError,
    StoreUnavailable,
    VersionConflict,
)
from adapters.stores.records import (
    _COLUMNS,
    _check_unique,
    _dump,
    _has_unique_keys,
    _raw_column_values,
    _set_versions,
    _with_version,
)
from adapters.stores.write_counts import _CountsWrites
from esm.models import Record

log = logging.getLogger("esm.store")


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
        # busy, closing, a full or read-only disk: the next round tries again
        self._checkpointer = Checkpointer(self._checkpoint, self.CHECKPOINT_SECONDS,
                                          (sqlite3.Error, StoreError), "esm-sqlite-checkpoint")

    def _checkpoint(self) -> None:
        """Move the WAL into the database (and fsync) off the request path."""
        self._conn().execute("PRAGMA wal_checkpoint(PASSIVE)")

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
        if not _has_unique_keys(type(record)):  # type: ignore[arg-type]  # a class is hashable (esm.models._field_order)
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
            self._write(not _has_unique_keys(type(record)), self._insert_row, record)  # type: ignore[arg-type]  # a class is hashable (esm.models._field_order)
        finally:
            self._wrote(record)
        return _with_version(record, 1)

    @_unavailable_on_database_errors
    def update(self, record):
        try:
            self._write(not _has_unique_keys(type(record)), self._update_row, record)  # type: ignore[arg-type]  # a class is hashable (esm.models._field_order)
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
        if _has_unique_keys(type(record)):  # type: ignore[arg-type]  # a class is hashable (esm.models._field_order)
            conn.execute("DELETE FROM unique_keys WHERE collection=? AND owner=?",
                         (record.COLLECTION, record.id))

    @_unavailable_on_database_errors
    def delete(self, record):
        try:
            self._write(not _has_unique_keys(type(record)), self._delete_row, record)  # type: ignore[arg-type]  # a class is hashable (esm.models._field_order)
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
        self._checkpointer.stop(5)
        with self._all_lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._all.clear()
        self._local = threading.local()

