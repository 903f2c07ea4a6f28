"""The seed's module name for the MongoDB store, in adapters/stores/mongo.py now."""
from adapters.stores.mongo import NO_TRANSACTIONS, TIMEOUT_MS, MongoDB, redact

__all__ = ["MongoDB", "redact", "TIMEOUT_MS", "NO_TRANSACTIONS"]
