"""States and operation kinds are enums that stay strings: the values on the wire and in the store
are the ones the ESM always wrote, so records stored before the enums read back as they were."""
from __future__ import annotations

import json

import pytest

from adapters.datastore import InMemoryStore, SQLiteStore
from adapters.json_codec import dumps_text
from esm.models import Binding, Operation, ServiceInstance
from esm.states import (
    BUSY_BINDING,
    BUSY_INSTANCE,
    BUSY_STATE,
    DONE_TEXT,
    FINAL_BINDING,
    FINAL_INSTANCE,
    FINAL_OPERATION,
    BindingState,
    InstanceState,
    OperationKind,
    OperationState,
)

# the values as stored by every ESM before these enums existed: they must never change
STORED_VALUES = {
    OperationKind: ["provision", "update", "deprovision", "bind", "unbind"],
    OperationState: ["in progress", "succeeded", "failed"],
    InstanceState: ["provisioning", "ready", "updating", "deprovisioning", "force-deleting",
                    "failed", "deleted"],
    BindingState: ["binding", "ready", "unbinding", "failed", "deleted"],
}


@pytest.mark.parametrize("enum", list(STORED_VALUES), ids=lambda e: e.__name__)
def test_every_state_and_kind_keeps_the_value_it_was_always_stored_as(enum):
    assert [member.value for member in enum] == STORED_VALUES[enum]
    for member in enum:
        assert member == member.value and str(member) == member.value and f"{member}" == member.value
        assert json.dumps(member) == json.dumps(member.value)


def test_every_kind_has_one_busy_state_and_one_done_text():
    assert set(BUSY_STATE) == set(DONE_TEXT) == set(OperationKind)
    assert {BUSY_STATE[k] for k in OperationKind} <= BUSY_INSTANCE | BUSY_BINDING


def test_busy_and_final_states_do_not_overlap():
    assert not (BUSY_INSTANCE & FINAL_INSTANCE) and not (BUSY_BINDING & FINAL_BINDING)
    assert OperationState.IN_PROGRESS not in FINAL_OPERATION


def _records(states) -> list:
    instance_state, binding_state, op_state, kind = states
    return [ServiceInstance("i1", service_id="s", plan_id="p", state=instance_state,
                            created_at="2024-01-01T00:00:00.000Z"),
            Binding("b1", instance_id="i1", state=binding_state, created_at="2024-01-01T00:00:00.000Z"),
            Operation("op-1", kind=kind, instance_id="i1", state=op_state,
                      started_at="2024-01-01T00:00:00.000Z")]


def test_a_record_holding_members_is_stored_as_the_same_json_as_one_holding_plain_strings():
    with_members = _records((InstanceState.READY, BindingState.UNBINDING, OperationState.IN_PROGRESS,
                             OperationKind.UNBIND))
    with_strings = _records(("ready", "unbinding", "in progress", "unbind"))
    for member_record, string_record in zip(with_members, with_strings, strict=True):
        assert dumps_text(member_record.to_doc()) == dumps_text(string_record.to_doc())


@pytest.mark.parametrize("make_store", [InMemoryStore, "sqlite"], ids=["memory", "sqlite"])
def test_records_stored_with_plain_strings_are_found_and_compared_by_member(make_store, tmp_path):
    store = SQLiteStore(str(tmp_path / "old.db")) if make_store == "sqlite" else make_store()
    try:
        for record in _records(("ready", "unbinding", "in progress", "unbind")):  # an old database
            store.insert(record)
        assert [i.id for i in store.find(ServiceInstance, state=InstanceState.READY)] == ["i1"]
        assert [o.id for o in store.find(Operation, state=OperationState.IN_PROGRESS)] == ["op-1"]
        op = store.get(Operation, "op-1")
        assert op.kind == OperationKind.UNBIND and BUSY_STATE[op.kind] == BindingState.UNBINDING
        assert store.get(Binding, "b1").state in BUSY_BINDING
        # and what is written with members reads back as the plain strings it always was
        instance = store.get(ServiceInstance, "i1")
        instance.state = InstanceState.DELETED
        store.update(instance)
        doc = store.get(ServiceInstance, "i1").to_doc()
        assert type(doc["state"]) is str and doc["state"] == "deleted"
    finally:
        store.close()
