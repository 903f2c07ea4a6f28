"""The stores the contract suite runs against. Later stores add a factory here."""
from adapters.datastore import InMemoryStore, MongoDB, SQLiteStore
from tests.mongo import fresh_database_uri


def memory_store(tmp_path):
    return InMemoryStore()


def sqlite_store(tmp_path):
    return SQLiteStore(str(tmp_path / "esm.db"))


def mongodb_store(tmp_path):
    return MongoDB(fresh_database_uri())


STORE_FACTORIES = {"memory": memory_store, "sqlite": sqlite_store, "mongodb": mongodb_store}


class ClearableMemoryStore(InMemoryStore):
    """Test-only: one live broker serves many tests, each starting from an empty store."""

    def clear(self):
        with self._lock:
            self._docs.clear()
            self._keys.clear()
