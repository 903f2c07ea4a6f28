"""The MongoDB store (pymongo), for production and for several ESM replicas on one database.
Public as `adapters.datastore.MongoDB` (and `adapters.mongo_store.MongoDB`).

One MongoDB collection per record kind. A document holds the record as JSON text (`doc`, so any
key, dots and dollar signs included, round-trips exactly), its `version`, the top-level scalar
fields again (`f`, for `find`), the record's unique keys (`k`, under a unique multikey index, so
a record and its keys are written in one atomic document write) and an ObjectId (`o`) for order.
Every change is one `update_one`/`delete_one` filtered on the version: compare-and-set, no
read-then-write race, whichever replica sends it.
"""
from __future__ import annotations

import functools
import json
import logging
from typing import Optional, Union
from urllib.parse import urlsplit, urlunsplit

import pymongo
from bson import ObjectId
from pymongo import errors as mongo_errors

from adapters.stores.base import Store
from adapters.stores.errors import DuplicateId, DuplicateKey, StoreUnavailable, VersionConflict
from adapters.stores.records import (
    _COLUMNS,
    _check_unique,
    _encode,
    _has_unique_keys,
    _set_versions,
    _with_version,
)
from esm.models import Record

log = logging.getLogger("esm.store")

TIMEOUT_MS = 3000  # no request waits longer than a few seconds for an unreachable database
_SEP = "\x00"
# "Transaction numbers are only allowed on a replica set member or mongos" (IllegalOperation),
# and transactions not supported by the storage engine
NO_TRANSACTIONS = (20, 263)


def redact(uri: str) -> str:
    """The URI without its password, for logs."""
    parts = urlsplit(uri)
    credentials, at, hosts = parts.netloc.rpartition("@")
    if not at or ":" not in credentials:
        return uri
    # the host part is kept as written: `h1:27017,h2:27018` is no single host:port to parse
    return urlunsplit(parts._replace(netloc=f"{credentials.split(':', 1)[0]}:***@{hosts}"))


def _unavailable_on_connection_errors(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except mongo_errors.PyMongoError as exc:  # unreachable, timed out, refused credentials
            self._indexed.clear()  # the server may come back empty
            raise StoreUnavailable(f"MongoDB at {redact(self.uri)} failed: "
                                   f"{type(exc).__name__}") from None
    return wrapper


def _scalars(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if v is None or isinstance(v, (str, int, float, bool))}


class MongoDB(Store):
    shared = True  # several ESM processes may use one database
    blocking_reads = blocking_writes = True

    def __init__(self, uri: str, database: Optional[str] = None,
                 write_concern: Union[str, int] = "majority", journal: bool = True):
        """Writes are acknowledged once `write_concern` members have them (majority: they
        survive a primary failover) and, with `journal`, once they are in the journal; writes
        are retried once across a failover (retryable writes)."""
        self.uri = uri
        w = int(write_concern) if str(write_concern).isdigit() else write_concern
        self.client: pymongo.MongoClient = pymongo.MongoClient(uri, serverSelectionTimeoutMS=TIMEOUT_MS,
                                          connectTimeoutMS=TIMEOUT_MS, socketTimeoutMS=TIMEOUT_MS * 2,
                                          w=w, journal=journal, wtimeoutMS=TIMEOUT_MS * 2,
                                          retryWrites=True)
        name = database or urlsplit(uri).path.lstrip("/").split("?")[0] or "esm"
        self.db = self.client[name]
        self._indexed: set[str] = set()
        self._transactions = True  # until the server says it has none

    def describe(self) -> str:
        return f"MongoDB at {redact(self.uri)} (database {self.db.name})"

    def _coll(self, cls):
        coll = self.db[cls.COLLECTION]
        if cls.COLLECTION not in self._indexed:
            coll.create_index([("o", pymongo.ASCENDING)])
            for field in _COLUMNS:  # what the worker and the views ask for
                coll.create_index([(f"f.{field}", pymongo.ASCENDING)])
            if _has_unique_keys(cls):
                coll.create_index([("k", pymongo.ASCENDING)], unique=True)
            self._indexed.add(cls.COLLECTION)
        return coll

    @staticmethod
    def _document(record: Record, version: int) -> dict:
        doc = record.to_doc()
        return {"v": version, "doc": _encode(doc), "f": _scalars(doc),
                "k": [f"{k}{_SEP}{v}" for k, v in _check_unique(record)]}

    @staticmethod
    def _record(cls, document: Optional[dict]):
        return None if document is None else cls.from_doc(json.loads(document["doc"]), document["v"])

    def _duplicate_key(self, cls, record: Record, exc: mongo_errors.DuplicateKeyError):
        pattern = (exc.details or {}).get("keyPattern") or {}
        if "k" not in pattern and "k_1" not in str(exc):
            return DuplicateId(record.id)
        for key, value in _check_unique(record):
            holder = self._coll(cls).find_one({"k": f"{key}{_SEP}{value}", "_id": {"$ne": record.id}})
            if holder is not None:
                return DuplicateKey(key, value, holder["_id"])
        return DuplicateKey("?", "?", "?")

    @_unavailable_on_connection_errors
    def get(self, cls, record_id):
        return self._record(cls, self._coll(cls).find_one({"_id": record_id}))

    @_unavailable_on_connection_errors
    def get_by_key(self, cls, key, value):
        return self._record(cls, self._coll(cls).find_one({"k": f"{key}{_SEP}{value}"}))

    @_unavailable_on_connection_errors
    def find(self, cls, **equals):
        query = self._query(equals)
        return [self._record(cls, d) for d in self._coll(cls).find(query).sort("o", pymongo.ASCENDING)]

    @_unavailable_on_connection_errors
    def count(self, cls, **equals):
        return self._coll(cls).count_documents(self._query(equals))

    @staticmethod
    def _query(equals: dict) -> dict:
        return {f"f.{k}": v for k, v in equals.items()}

    @_unavailable_on_connection_errors
    def page(self, cls, limit, after=None):
        query = {"_id": {"$gt": after}} if after is not None else {}
        cursor = self._coll(cls).find(query).sort("_id", pymongo.ASCENDING).limit(limit)
        return [self._record(cls, d) for d in cursor]

    @_unavailable_on_connection_errors
    def insert(self, record):
        self._insert(record)
        return _with_version(record, 1)

    @_unavailable_on_connection_errors
    def update(self, record):
        self._update(record)
        return _with_version(record, record.version + 1)

    def _insert(self, record, session=None) -> None:
        """The document write of insert (in `session`'s transaction, when given)."""
        try:
            self._coll(type(record)).insert_one(
                {"_id": record.id, "o": ObjectId(), **self._document(record, 1)}, session=session)
        except mongo_errors.DuplicateKeyError as exc:
            raise self._duplicate_key(type(record), record, exc) from None

    def _update(self, record, session=None) -> None:
        """The compare-and-set document write of update (in `session`'s transaction, when given)."""
        try:
            result = self._coll(type(record)).update_one(
                {"_id": record.id, "v": record.version},
                {"$set": self._document(record, record.version + 1)}, session=session)
        except mongo_errors.DuplicateKeyError as exc:
            raise self._duplicate_key(type(record), record, exc) from None
        if result.matched_count != 1:
            raise VersionConflict(record.id)

    @_unavailable_on_connection_errors
    def write_all(self, inserts=(), updates=()):
        """In one multi-document transaction where the server has them (a replica set, as in
        production); on a standalone server, the Store default (one by one, undone on failure)."""
        if not self._transactions:
            return super().write_all(inserts, updates)
        for record in (*inserts, *updates):
            self._coll(type(record))  # indexes are made outside the transaction
        try:
            with self.client.start_session() as session:
                session.with_transaction(lambda s: self._write_all_in(s, inserts, updates))
        except mongo_errors.OperationFailure as exc:
            if exc.code not in NO_TRANSACTIONS:
                raise
            log.info("MongoDB at %s has no transactions (%s): writing records one by one",
                     redact(self.uri), exc.code)
            self._transactions = False
            return super().write_all(inserts, updates)
        _set_versions(inserts, updates)

    def _write_all_in(self, session, inserts, updates) -> None:
        for record in inserts:
            self._insert(record, session)
        for record in updates:
            self._update(record, session)

    @_unavailable_on_connection_errors
    def delete(self, record):
        result = self._coll(type(record)).delete_one({"_id": record.id, "v": record.version})
        if result.deleted_count != 1:
            raise VersionConflict(record.id)

    @_unavailable_on_connection_errors
    def ping(self):
        self.client.admin.command("ping")

    def drop(self) -> None:
        """Remove the whole database (tests)."""
        self.client.drop_database(self.db.name)

    def close(self):
        self.client.close()
