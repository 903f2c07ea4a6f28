"""What a synchronous create writes, and when (Broker._create): a backend that makes nothing of
its own has its operation and new subject stored once, already settled; a backend that owns
resources finds its operation stored, in progress, before it is called (so that a crash during
the call leaves something to resume and clean up). And a synchronous operation whose records
an operator force-deletes while it runs ends in a clean error."""
import pytest

from adapters.datastore import InMemoryStore
from adapters.resources import BackendRegistry, DummyBackend
from esm.models import IN_PROGRESS, Operation
from tests.osb import binding_path, provision, setup
from tests.server import broker


class RecordingStore(InMemoryStore):
    """Test-only: a memory store that notes each write of an instance, binding or operation."""

    def __init__(self):
        super().__init__()
        self.writes = []

    def _note(self, verb, record):
        if record.COLLECTION in ("instances", "bindings", "operations"):
            self.writes.append((verb, record.COLLECTION, record.state))

    def insert(self, record):
        self._note("insert", record)
        return super().insert(record)

    def update(self, record):
        self._note("update", record)
        return super().update(record)

    def write_all(self, inserts=(), updates=()):
        """Noted as one entry: these writes are made all or nothing."""
        before = len(self.writes)
        for verb, records in (("insert", inserts), ("update", updates)):
            for record in records:
                self._note(verb, record)
        self.writes[before:] = [tuple(self.writes[before:])]
        return super().write_all(inserts, updates)


class ResourceOwningDummy(DummyBackend):
    """Test-only: the dummy backend claiming to own resources; notes what the store held for
    each operation when it was called."""
    owns_resources = True

    def __init__(self, store):
        self.store, self.seen = store, []

    def provision(self, instance, manifest, ctx):
        stored = self.store.get(Operation, instance.operation_id)
        self.seen.append(stored.state if stored else None)
        return super().provision(instance, manifest, ctx)


class ForceDeletedWhileProvisioning(DummyBackend):
    """Test-only: a resource-owning dummy during whose provision an operator force-deletes the
    instance (through the broker's own Admin)."""
    owns_resources = True
    admin = None

    def provision(self, instance, manifest, ctx):
        self.admin.force_delete(instance.id)
        return super().provision(instance, manifest, ctx)


@pytest.fixture
def recording():
    store = RecordingStore()
    with broker(store=store) as client:
        setup(client)
        store.writes.clear()
        yield client, store


def test_a_sync_provision_without_resources_stores_its_operation_and_instance_once_settled(recording):
    api, store = recording
    assert provision(api, "i1").status_code == 201
    assert store.writes == [(("insert", "operations", "succeeded"),
                             ("insert", "instances", "ready"))]  # together: all or nothing


def test_a_sync_bind_without_resources_stores_its_operation_and_binding_once_settled(recording):
    api, store = recording
    provision(api, "i1")
    store.writes.clear()
    assert api.put(binding_path("i1", "b1"), json={"service_id": "svc-dummy", "plan_id": "plan-a"}
                   ).status_code == 201
    assert store.writes == [(("insert", "operations", "succeeded"),
                             ("insert", "bindings", "ready"),
                             ("update", "instances", "ready"))]  # serializes against updates


def test_a_failing_sync_provision_is_stored_once_failed(recording):
    api, store = recording
    setup(api, {"fail_on": ["provision"]})
    store.writes.clear()
    assert provision(api, "i1").status_code == 502
    assert store.writes == [(("insert", "operations", "failed"), ("insert", "instances", "failed"))]
    assert api.get("/v2/et/service_instances/i1").json()["state"] == "failed"


def test_a_backend_that_owns_resources_is_called_after_its_operation_is_stored_in_progress():
    store = RecordingStore()
    backend = ResourceOwningDummy(store)
    with broker(store=store, backends=BackendRegistry([backend])) as api:
        setup(api)
        store.writes.clear()
        assert provision(api, "i1").status_code == 201
    assert backend.seen == [IN_PROGRESS]
    assert store.writes == [(("insert", "operations", IN_PROGRESS),
                             ("insert", "instances", "provisioning")),
                            ("update", "instances", "ready"),
                            ("update", "operations", "succeeded")]


def test_a_sync_provision_whose_instance_is_force_deleted_while_it_runs_is_a_502_not_a_crash():
    backend = ForceDeletedWhileProvisioning()
    with broker(backends=BackendRegistry([backend])) as api:
        backend.admin = api.app.components.admin
        setup(api)
        response = provision(api, "i1")
        assert response.status_code == 502, response.text
        assert "force-deleted" in response.json()["description"]
        assert api.get("/v2/et/service_instances/i1").status_code == 404
        assert provision(api, "i1").status_code == 502  # and the broker goes on answering
