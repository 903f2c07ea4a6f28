"""This broker's id (ESM_BROKER_ID): on every engine object it makes, as a label and in the name,
so that two brokers sharing an engine never see, adopt or delete each other's objects. Unless
the operator sets it, it is generated once and kept in the store: replicas on one MongoDB share
it, two brokers with separate stores never do."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import ClassVar, Optional

from adapters.datastore import DuplicateId, Store
from esm.models import Record

RECORD_ID = "broker"


@dataclass
class BrokerIdentity(Record):
    COLLECTION: ClassVar[str] = "identity"
    broker_id: str = ""


def broker_id(store: Store, configured: Optional[str] = None) -> str:
    """The configured id, else the one kept in the store (made and kept on first use)."""
    if configured:
        return configured
    while True:
        kept = store.get(BrokerIdentity, RECORD_ID)
        if kept is not None:
            return kept.broker_id
        try:
            store.insert(BrokerIdentity(RECORD_ID, broker_id=secrets.token_hex(4)))
        except DuplicateId:
            continue  # a replica made it first: use that one


class LazyBrokerId:
    """broker_id(), resolved on first use and then remembered (the store may be away at start)."""

    def __init__(self, store: Store, configured: Optional[str] = None):
        self._store, self._value = store, configured

    def __call__(self) -> str:
        if self._value is None:
            self._value = broker_id(self._store)
        return self._value
