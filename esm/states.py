"""The states of instances, bindings and operations, and the kinds of operation: the ONE table.

Every member is a `str` (enum.StrEnum): it is written to the store and to the wire as its value
("in progress", "ready", ...), so records stored before these enums existed read back the same,
and a value read from the store compares equal to its member (`"ready" == InstanceState.READY`).

Which states are busy (an operation runs on the subject), final (nothing more happens to it) or
failed, and the word for each kind's outcome, are decided here and nowhere else; the sentences
an operation's description is made of are esm/operations/texts.py's.
"""
from __future__ import annotations

from enum import StrEnum


class OperationKind(StrEnum):
    PROVISION = "provision"
    UPDATE = "update"
    DEPROVISION = "deprovision"
    BIND = "bind"
    UNBIND = "unbind"


class OperationState(StrEnum):
    IN_PROGRESS = "in progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class InstanceState(StrEnum):
    PROVISIONING = "provisioning"
    READY = "ready"
    UPDATING = "updating"
    DEPROVISIONING = "deprovisioning"
    # an operator is force-deleting it: no operation may start on it any more
    FORCE_DELETING = "force-deleting"
    FAILED = "failed"
    DELETED = "deleted"


class BindingState(StrEnum):
    BINDING = "binding"
    READY = "ready"
    UNBINDING = "unbinding"
    FAILED = "failed"
    DELETED = "deleted"


BINDING_KINDS = frozenset({OperationKind.BIND, OperationKind.UNBIND})
DELETE_KINDS = frozenset({OperationKind.DEPROVISION, OperationKind.UNBIND})

# the tables are keyed by str: records read from the store carry a kind as its plain value
# the state of an operation's subject while it runs
BUSY_STATE: dict[str, InstanceState | BindingState] = {
    OperationKind.PROVISION: InstanceState.PROVISIONING,
    OperationKind.UPDATE: InstanceState.UPDATING,
    OperationKind.DEPROVISION: InstanceState.DEPROVISIONING,
    OperationKind.BIND: BindingState.BINDING,
    OperationKind.UNBIND: BindingState.UNBINDING,
}
# the description of an operation that succeeded
DONE_TEXT: dict[str, str] = {
    OperationKind.PROVISION: "provisioned",
    OperationKind.UPDATE: "updated",
    OperationKind.DEPROVISION: "deprovisioned",
    OperationKind.BIND: "bound",
    OperationKind.UNBIND: "unbound",
}

# busy: an operation runs on the subject (no other may start on it)
BUSY_INSTANCE = frozenset({InstanceState.PROVISIONING, InstanceState.UPDATING,
                           InstanceState.DEPROVISIONING, InstanceState.FORCE_DELETING})
BUSY_BINDING = frozenset({BindingState.BINDING, BindingState.UNBINDING})
# an instance being changed or removed: it cannot be fetched, bound or unbound meanwhile
INSTANCE_CHANGING = frozenset({InstanceState.UPDATING, InstanceState.DEPROVISIONING,
                               InstanceState.FORCE_DELETING})
# an instance being removed: a provision repeated meanwhile must wait
INSTANCE_REMOVING = frozenset({InstanceState.DEPROVISIONING, InstanceState.FORCE_DELETING})
# final: nothing more happens to the record by itself
FINAL_OPERATION = frozenset({OperationState.SUCCEEDED, OperationState.FAILED})
FINAL_INSTANCE = frozenset({InstanceState.READY, InstanceState.FAILED, InstanceState.DELETED})
FINAL_BINDING = frozenset({BindingState.READY, BindingState.FAILED, BindingState.DELETED})
# failed: the last operation on it failed
FAILED_STATES = frozenset({OperationState.FAILED, InstanceState.FAILED, BindingState.FAILED})

__all__ = ["OperationKind", "OperationState", "InstanceState", "BindingState", "BINDING_KINDS",
           "DELETE_KINDS", "BUSY_STATE", "DONE_TEXT", "BUSY_INSTANCE", "BUSY_BINDING",
           "INSTANCE_CHANGING", "INSTANCE_REMOVING", "FINAL_OPERATION", "FINAL_INSTANCE",
           "FINAL_BINDING", "FAILED_STATES"]
