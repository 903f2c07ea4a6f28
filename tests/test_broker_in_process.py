"""The broker driven directly (no HTTP): its outcomes and the calls its backend receives.

A RecordingBackend (a Backend registered in a BackendRegistry, as any driver is) records every call; the
store is an InMemoryStore; Broker, Worker and Catalog are wired as esm.app's Components.build
wires them. The HTTP suites check the wire; these check the domain's decisions one by one."""
from __future__ import annotations

import threading
import time
from typing import Optional

import pytest

from adapters.datastore import InMemoryStore
from adapters.resources import Backend, BackendFailure, BackendRegistry, BindResult, ProvisionResult
from esm.broker import Broker, Caller
from esm.catalog import Catalog
from esm.config import Settings
from esm.controllers.responses import STATUS, response
from esm.errors import AsyncRequired, BackendError, Conflict, Gone
from esm.metrics import Metrics
from esm.models import Binding, Operation, ServiceInstance
from esm.operations import Worker
from esm.outcomes import (
    Accepted,
    AlreadyThere,
    Created,
    Deleted,
    Fetched,
    OperationReport,
    Outcome,
    StillInProgress,
    Unchanged,
    Updated,
)
from esm.states import BindingState, InstanceState, OperationState

SERVICE_ID, PLAN_ID, OTHER_PLAN_ID = "svc-rec", "plan-rec", "plan-rec-2"
CALLER = Caller({"platform": "test"}, "request-1")


class RecordingBackend(Backend):
    """Records every call as (method, instance id, binding id); `asynchronous` kinds cannot
    complete inside a request; `fail_on` kinds raise BackendFailure; while `gate` is set
    (a threading.Event, cleared), async calls wait for it, so that a test sees them running."""

    manifest_types = ("recording",)
    inline_calls_block = False

    def __init__(self, owns_resources: bool = False):
        self.owns_resources = owns_resources
        self.calls: list[tuple] = []
        self.asynchronous: set[str] = set()
        self.fail_on: set[str] = set()
        self.gate: Optional[threading.Event] = None
        self.credentials = {"uri": "rec://user:secret@host"}

    def _record(self, kind: str, instance, binding=None, **details) -> None:
        self.calls.append((kind, instance.id, binding.id if binding else None, *details.values()))
        if kind in self.asynchronous and self.gate is not None:
            assert self.gate.wait(10), "the test never opened the gate"
        if kind in self.fail_on:
            raise BackendFailure(f"recording backend: {kind} fails as asked")

    def validate_manifest(self, manifest) -> None:
        pass

    def requires_async(self, manifest, kind) -> bool:
        return kind in self.asynchronous

    def provision(self, instance, manifest, ctx):
        self._record("provision", instance)
        return ProvisionResult()

    def update(self, instance, manifest, ctx):
        self._record("update", instance, parameters=instance.parameters)

    def deprovision(self, instance, manifest, ctx):
        self._record("deprovision", instance)

    def bind(self, instance, binding, manifest, ctx):
        self._record("bind", instance, binding)
        return BindResult(credentials=dict(self.credentials))

    def unbind(self, instance, binding, manifest, ctx):
        self._record("unbind", instance, binding)


class Rig:
    """A broker on an in-memory store with one recording backend, wired as Components.build."""

    def __init__(self, owns_resources: bool = False):
        self.store = InMemoryStore()
        self.backend = RecordingBackend(owns_resources)
        backends = BackendRegistry([self.backend])
        settings = Settings(store_url="memory", worker_threads=4)
        self.catalog = Catalog(self.store, backends, settings.max_manifest_bytes)
        self.worker = Worker(self.store, backends, self.catalog, settings, Metrics(self.store))
        self.broker = Broker(self.store, backends, self.catalog, self.worker,
                             settings.max_parameters_bytes)
        self.catalog.register_service_type({
            "id": SERVICE_ID, "name": "recorded", "description": "a recorded service",
            "bindable": True, "plan_updateable": True,
            "plans": [{"id": PLAN_ID, "name": "a", "description": "Plan A"},
                      {"id": OTHER_PLAN_ID, "name": "b", "description": "Plan B"}]})
        for plan_id in (PLAN_ID, OTHER_PLAN_ID):
            self.catalog.put_manifest(f"m-{plan_id}", {
                "service_id": SERVICE_ID, "plan_id": plan_id, "manifest_type": "recording",
                "manifest_content": ""})

    def provision(self, instance_id: str, accepts_incomplete: bool = False, **body) -> Outcome:
        request = {"service_id": SERVICE_ID, "plan_id": PLAN_ID, "organization_guid": "org",
                   "space_guid": "space", **body}
        return self.broker.provision(instance_id, request, accepts_incomplete, CALLER)

    def bind(self, instance_id: str, binding_id: str, accepts_incomplete: bool = False,
             **body) -> Outcome:
        request = {"service_id": SERVICE_ID, "plan_id": PLAN_ID, **body}
        return self.broker.bind(instance_id, binding_id, request, accepts_incomplete, CALLER)

    def settled(self, op_id: str, timeout: float = 10) -> Operation:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            op = self.store.get(Operation, op_id)
            if op.state != OperationState.IN_PROGRESS:
                return op
            time.sleep(0.02)
        raise AssertionError(f"operation {op_id} still in progress after {timeout} s")


@pytest.fixture(params=[False, True], ids=["makes-nothing", "owns-resources"])
def rig(request):
    """Both paths of a synchronous operation: stored once finished (a backend that makes
    nothing of its own), or stored first and run inline (one that owns resources)."""
    made = Rig(owns_resources=request.param)
    made.worker.start()
    yield made
    made.worker.stop()


def test_a_synchronous_provision_is_created_and_the_backend_provisioned_it_once(rig):
    outcome = rig.provision("i1")
    assert isinstance(outcome, Created) and outcome.subject.id == "i1"
    assert rig.backend.calls == [("provision", "i1", None)]
    stored = rig.store.get(ServiceInstance, "i1")
    assert stored.state == InstanceState.READY
    op = rig.store.get(Operation, stored.operation_id)
    assert (op.kind, op.state, op.description) == ("provision", "succeeded", "provisioned")
    assert (op.originating_identity, op.request_identity) == ({"platform": "test"}, "request-1")
    assert response(outcome)[:2] == (201, {})


def test_an_identical_repeat_of_a_provision_is_already_there_and_calls_no_backend(rig):
    rig.provision("i1")
    outcome = rig.provision("i1")
    assert isinstance(outcome, AlreadyThere) and outcome.subject.id == "i1"
    assert rig.backend.calls == [("provision", "i1", None)]
    assert response(outcome)[0] == 200


def test_a_provision_of_an_existing_id_with_other_attributes_is_a_conflict_and_calls_no_backend(rig):
    rig.provision("i1")
    with pytest.raises(Conflict):
        rig.provision("i1", parameters={"size": 2})
    assert rig.backend.calls == [("provision", "i1", None)]


def test_a_provision_the_plan_runs_only_asynchronously_is_refused_without_accepts_incomplete(rig):
    rig.backend.asynchronous.add("provision")
    with pytest.raises(AsyncRequired):
        rig.provision("i1", accepts_incomplete=False)
    assert rig.backend.calls == []
    assert rig.store.get(ServiceInstance, "i1") is None  # nothing stored either


def test_an_asynchronous_provision_is_accepted_and_a_repeat_while_it_runs_is_still_in_progress(rig):
    rig.backend.asynchronous.add("provision")
    rig.backend.gate = threading.Event()
    accepted = rig.provision("i1", accepts_incomplete=True)
    assert isinstance(accepted, Accepted)
    assert response(accepted)[:2] == (202, {"operation": accepted.operation})
    repeat = rig.provision("i1", accepts_incomplete=True)
    assert isinstance(repeat, StillInProgress) and repeat.operation == accepted.operation
    assert response(repeat)[0] == 202
    report = rig.broker.instance_last_operation("i1", accepted.operation)
    assert isinstance(report, OperationReport) and report.operation.state == OperationState.IN_PROGRESS
    assert response(report)[2] == {"Retry-After": "1"}
    rig.backend.gate.set()
    assert rig.settled(accepted.operation).state == OperationState.SUCCEEDED
    assert rig.backend.calls == [("provision", "i1", None)]  # the repeat started nothing
    assert rig.store.get(ServiceInstance, "i1").state == InstanceState.READY
    assert response(rig.broker.instance_last_operation("i1", None))[1] == {
        "state": "succeeded", "description": "provisioned"}


def test_a_failed_synchronous_provision_is_a_backend_error_and_leaves_the_instance_failed(rig):
    rig.backend.fail_on.add("provision")
    with pytest.raises(BackendError, match="provision fails as asked"):
        rig.provision("i1")
    assert rig.store.get(ServiceInstance, "i1").state == InstanceState.FAILED
    rig.backend.fail_on.clear()
    assert isinstance(rig.provision("i1"), Created)  # the identical request provisions it again
    assert [c[0] for c in rig.backend.calls] == ["provision", "provision"]


def test_an_update_that_changes_parameters_is_updated_and_the_backend_gets_the_target(rig):
    rig.provision("i1", parameters={"size": 1})
    outcome = rig.broker.update("i1", {"service_id": SERVICE_ID, "parameters": {"tier": "b"}},
                                False, CALLER)
    assert isinstance(outcome, Updated) and response(outcome)[:2] == (200, {})
    assert rig.backend.calls[-1] == ("update", "i1", None, {"size": 1, "tier": "b"})
    assert rig.store.get(ServiceInstance, "i1").parameters == {"size": 1, "tier": "b"}


def test_an_update_to_what_the_instance_already_is_is_unchanged_and_calls_no_backend(rig):
    rig.provision("i1", parameters={"size": 1})
    outcome = rig.broker.update("i1", {"service_id": SERVICE_ID, "parameters": {"size": 1}},
                                False, CALLER)
    assert isinstance(outcome, Unchanged) and response(outcome)[:2] == (200, {})
    assert rig.backend.calls == [("provision", "i1", None)]


def test_an_asynchronous_plan_change_is_accepted_and_moves_the_instance_to_the_new_plan(rig):
    rig.provision("i1")
    rig.backend.asynchronous.add("update")
    outcome = rig.broker.update("i1", {"service_id": SERVICE_ID, "plan_id": OTHER_PLAN_ID},
                                True, CALLER)
    assert isinstance(outcome, Accepted)
    assert rig.settled(outcome.operation).state == OperationState.SUCCEEDED
    assert rig.store.get(ServiceInstance, "i1").plan_id == OTHER_PLAN_ID
    assert rig.backend.calls[-1][:2] == ("update", "i1")


def test_a_bind_is_created_with_the_backends_credentials_and_a_repeat_is_already_there(rig):
    rig.provision("i1")
    outcome = rig.bind("i1", "b1")
    assert isinstance(outcome, Created) and isinstance(outcome.subject, Binding)
    assert response(outcome)[:2] == (201, {"credentials": {"uri": "rec://user:secret@host"}})
    again = rig.bind("i1", "b1")
    assert isinstance(again, AlreadyThere)
    assert response(again)[:2] == (200, {"credentials": {"uri": "rec://user:secret@host"}})
    assert rig.backend.calls == [("provision", "i1", None), ("bind", "i1", "b1")]
    fetched = rig.broker.fetch_binding("i1", "b1")
    assert isinstance(fetched, Fetched) and response(fetched)[1]["parameters"] == {}


def test_a_bind_of_an_existing_binding_with_other_attributes_is_a_conflict(rig):
    rig.provision("i1")
    rig.bind("i1", "b1")
    with pytest.raises(Conflict):
        rig.bind("i1", "b1", parameters={"role": "admin"})
    assert [c[0] for c in rig.backend.calls] == ["provision", "bind"]


def test_an_unbind_is_deleted_and_a_second_unbind_is_gone(rig):
    rig.provision("i1")
    rig.bind("i1", "b1")
    outcome = rig.broker.unbind("i1", "b1", False, CALLER)
    assert isinstance(outcome, Deleted) and response(outcome)[:2] == (200, {})
    assert rig.store.get(Binding, "b1").state == BindingState.DELETED
    assert rig.store.get(Binding, "b1").credentials == {}
    with pytest.raises(Gone):
        rig.broker.unbind("i1", "b1", False, CALLER)
    assert rig.backend.calls[-1] == ("unbind", "i1", "b1")
    assert [c[0] for c in rig.backend.calls].count("unbind") == 1


def test_a_deprovision_is_deleted_removes_its_bindings_and_a_second_is_gone(rig):
    rig.provision("i1")
    rig.bind("i1", "b1")
    outcome = rig.broker.deprovision("i1", False, CALLER)
    assert isinstance(outcome, Deleted) and response(outcome)[:2] == (200, {})
    assert rig.store.get(ServiceInstance, "i1").state == InstanceState.DELETED
    assert rig.store.get(Binding, "b1").state == BindingState.DELETED
    with pytest.raises(Gone):
        rig.broker.deprovision("i1", False, CALLER)
    assert rig.backend.calls[-1] == ("deprovision", "i1", None)


def test_an_asynchronous_deprovision_is_accepted_and_a_repeat_names_the_same_operation(rig):
    rig.provision("i1")
    rig.backend.asynchronous.add("deprovision")
    rig.backend.gate = threading.Event()
    accepted = rig.broker.deprovision("i1", True, CALLER)
    assert isinstance(accepted, Accepted)
    repeat = rig.broker.deprovision("i1", True, CALLER)
    assert isinstance(repeat, StillInProgress) and repeat.operation == accepted.operation
    assert response(repeat)[:2] == (202, {"operation": accepted.operation})
    rig.backend.gate.set()
    assert rig.settled(accepted.operation).state == OperationState.SUCCEEDED
    assert [c[0] for c in rig.backend.calls] == ["provision", "deprovision"]


def test_an_operator_retry_of_a_failed_update_is_accepted_and_runs_the_update_again(rig):
    rig.provision("i1")
    rig.backend.fail_on.add("update")
    with pytest.raises(BackendError):
        rig.broker.update("i1", {"service_id": SERVICE_ID, "parameters": {"x": 1}}, False, CALLER)
    failed = rig.store.get(ServiceInstance, "i1").operation_id
    rig.backend.fail_on.clear()
    outcome = rig.broker.retry("i1", failed, CALLER)
    assert isinstance(outcome, Accepted) and response(outcome)[:2] == (202, {"operation": outcome.operation})
    assert rig.settled(outcome.operation).state == OperationState.SUCCEEDED
    assert [c[0] for c in rig.backend.calls] == ["provision", "update", "update"]
    assert rig.store.get(ServiceInstance, "i1").parameters == {"x": 1}


def test_a_fetched_instance_is_its_osb_body():
    rig = Rig()
    rig.worker.start()
    try:
        rig.provision("i1", parameters={"size": 1})
        fetched = rig.broker.fetch_instance("i1")
        assert isinstance(fetched, Fetched)
        assert response(fetched)[:2] == (200, {"service_id": SERVICE_ID, "plan_id": PLAN_ID,
                                               "parameters": {"size": 1}})
    finally:
        rig.worker.stop()


def test_every_outcome_has_exactly_one_status():
    assert set(STATUS) == set(Outcome.__args__)
