"""Compare-and-set for the broker's writes: a request that loses a race (a concurrent request
changed a record between its read and its write) reads again and decides anew, so concurrent
identical requests get exactly one 201."""
from __future__ import annotations

import functools

from adapters.datastore import DuplicateId, Store, VersionConflict
from esm.errors import ConcurrencyError

RACE_RETRIES = 20


class LostRace(Exception):
    """A concurrent request changed a record between our read and our write: decide again."""


def retrying_lost_races(fn):
    """fn, called again (up to RACE_RETRIES times) while it raises LostRace; then 422."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for _ in range(RACE_RETRIES):
            try:
                return fn(*args, **kwargs)
            except LostRace:
                continue
        raise ConcurrencyError("the resource is being changed by concurrent requests; retry")
    return wrapper


def store_operation_and_subject(store: Store, op, subject, expected_version: int, insert: bool,
                                bumped: tuple = ()) -> None:
    """Store the new operation and its subject pointing at it, all or nothing, so that no
    stored operation describes a record that is not there: the subject is inserted, or
    compare-and-set from `expected_version`. `bumped` records are rewritten as read, so that a
    concurrent request that read them loses its compare-and-set (a bind serializes against an
    update or deprovision of its instance). A lost race is LostRace."""
    if not insert:
        subject.version = expected_version
    try:
        store.write_all(inserts=[op, subject] if insert else [op],
                        updates=[*([] if insert else [subject]), *bumped])
    except (DuplicateId, VersionConflict):
        raise LostRace() from None
