"""The store's own failures: what a caller of any Store may catch."""
from __future__ import annotations


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

