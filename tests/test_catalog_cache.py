"""The catalog keeps what it read from a store that sees every write (SQLite) only until a
record of the same collection is written: a provider's change is seen by the very next read."""
import threading

from adapters.datastore import InMemoryStore, SQLiteStore
from adapters.resources import BackendRegistry, DummyBackend
from esm.catalog import Catalog, _ReadCache
from esm.models import Manifest, ServiceType
from tests.osb import dummy_service


def catalog_on(store) -> Catalog:
    return Catalog(store, BackendRegistry([DummyBackend()]))


def test_changes_are_seen_by_the_next_read_on_sqlite(tmp_path):
    store = SQLiteStore(str(tmp_path / "esm.db"))
    try:
        catalog = catalog_on(store)
        assert catalog.as_osb() == {"services": []}
        entry = dummy_service()
        catalog.register_service_type(entry)
        assert catalog.as_osb() == {"services": [entry]}
        plan_id = entry["plans"][0]["id"]
        assert catalog.manifest_for_plan(plan_id) is None
        catalog.put_manifest("m1", {"service_id": entry["id"], "plan_id": plan_id,
                                     "manifest_type": "dummy", "manifest_content": "provision_seconds: 0"})
        assert catalog.manifest_for_plan(plan_id).id == "m1"
        assert catalog.manifest_for_plan(plan_id) is catalog.manifest_for_plan(plan_id)  # kept
        changed = dummy_service(description="changed")
        catalog.register_service_type(changed)
        assert catalog.as_osb() == {"services": [changed]}
        assert catalog.service_type(entry["id"]).entry == changed
        # a write straight to the store, not through the catalog, is seen too
        service = store.get(ServiceType, entry["id"])
        service.entry = dummy_service(description="by the store")
        store.update(service)
        assert catalog.service_type(entry["id"]).entry["description"] == "by the store"
        catalog.delete_manifest("m1")
        assert catalog.manifest_for_plan(plan_id) is None
        store.insert(Manifest("m2", service_id=entry["id"], plan_id=plan_id, manifest_type="dummy",
                              manifest_content="provision_seconds: 0"))
        assert catalog.manifest_for_plan(plan_id).id == "m2"
    finally:
        store.close()


def test_nothing_is_kept_from_a_store_that_cannot_tell():
    store = InMemoryStore()
    assert store.writes_to(ServiceType) is None
    catalog = catalog_on(store)
    catalog.register_service_type(dummy_service())
    assert catalog.service_type(dummy_service()["id"]) is not catalog.service_type(dummy_service()["id"])


class _Counting:
    def __init__(self):
        self.number = 0

    def writes_to(self, cls):
        return self.number


def test_a_read_that_overlapped_a_write_is_not_trusted_after_it():
    store, cache = _Counting(), _ReadCache(None)
    cache.store = store
    reads = []

    def read_during_a_write():
        reads.append(1)
        store.number += 1  # a write ends while this read runs: what it read may be the old record
        return "maybe old"
    assert cache.get(ServiceType, "s", read_during_a_write) == "maybe old"
    assert cache.get(ServiceType, "s", lambda: "new") == "new"
    assert cache.get(ServiceType, "s", lambda: "not read again") == "new"


def test_write_numbers_differ_across_threads(tmp_path):
    store = SQLiteStore(str(tmp_path / "esm.db"))
    try:
        seen = set()

        def write(i):
            store.insert(ServiceType(f"s{i}", name=f"n{i}", entry={"id": f"s{i}", "name": f"n{i}",
                                                                  "plans": []}))
            seen.add(store.writes_to(ServiceType))
        before = store.writes_to(ServiceType)
        threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert before not in seen and store.writes_to(ServiceType) != before
    finally:
        store.close()
