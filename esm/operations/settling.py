"""Settling: how an operation's outcome is written, always in this order (each step a
compare-and-set, each idempotent):

1. the subject (instance or binding) moves on, only if it still points at this operation, is
   still in the operation's busy state and no later epoch fenced it;
2. the operation becomes succeeded or failed, only if it is still in progress and still held
   by this worker at this epoch (compare-and-set on owner and epoch).
"""
from __future__ import annotations

import logging
from typing import Optional

from adapters.resources import BindResult, ProvisionResult
from esm.models import Binding, Operation, utcnow
from esm.operations.leases import Held
from esm.operations.parts import WorkerParts
from esm.operations.records import Settlement, fenced_out, subject_of
from esm.states import (
    BUSY_STATE,
    BindingState,
    InstanceState,
    OperationKind,
    OperationState,
)

log = logging.getLogger("esm.operations")

# the instance fields an update that succeeded takes from the operation's target
UPDATED_FIELDS = ("plan_id", "parameters", "context", "maintenance_version")


def change_subject(op: Operation, epoch: int, outcome: Settlement):
    """The change that moves the operation's subject on (a mutate() change)."""
    busy, ok, result = BUSY_STATE[op.kind], outcome.ok, outcome.result

    def change(subject) -> bool:
        if subject.operation_id != op.id or subject.state != busy or fenced_out(subject, op, epoch):
            return False
        subject.fence = None
        if op.kind == OperationKind.PROVISION:
            subject.state = InstanceState.READY if ok else InstanceState.FAILED
            if ok and isinstance(result, ProvisionResult) and result.dashboard_url:
                subject.dashboard_url = result.dashboard_url
        elif op.kind == OperationKind.UPDATE:
            usable = ok or outcome.instance_usable
            subject.state = InstanceState.READY if usable else InstanceState.FAILED
            if ok:
                for key, value in op.target.items():
                    if key in UPDATED_FIELDS:
                        setattr(subject, key, value)
        elif op.kind == OperationKind.BIND:
            subject.state = BindingState.READY if ok else BindingState.FAILED
            if ok and isinstance(result, BindResult):
                subject.credentials, subject.endpoints = result.credentials, result.endpoints
        else:  # deprovision, unbind (InstanceState and BindingState spell these alike)
            subject.state = InstanceState.DELETED if ok else InstanceState.FAILED
            if ok:
                subject.deleted_at = utcnow()
                if isinstance(subject, Binding):
                    subject.credentials = {}
        return True
    return change


def change_to_finished(op: Operation, outcome: Settlement, holder: Optional[tuple] = None):
    """The change that settles an operation still in progress (a mutate() change): held by
    `holder` (owner, epoch), when given, which then lets go of it."""
    def change(current) -> bool:
        if current.state != OperationState.IN_PROGRESS:
            return False
        if holder is not None and (current.owner, current.epoch) != holder:
            return False
        current.state = OperationState.SUCCEEDED if outcome.ok else OperationState.FAILED
        current.description, current.finished_at = outcome.description, utcnow()
        if not outcome.ok and op.kind == OperationKind.UPDATE:
            current.instance_usable = outcome.instance_usable
        if holder is not None or current.owner is None:
            current.owner, current.lease_expires = None, None
        return True
    return change


def _mark_binding_deleted(binding) -> bool:
    if binding.state == BindingState.DELETED:
        return False
    binding.state, binding.deleted_at, binding.credentials = BindingState.DELETED, utcnow(), {}
    return True


class Settling(WorkerParts):
    """The Worker's part that writes outcomes (see the module docstring for the order)."""

    def _settle(self, op: Operation, held: Held, outcome: Settlement, op_copy=None,
                subject=None) -> Optional[tuple]:
        """Move the subject on, then finish the operation; (operation, subject) as they end up,
        or None when this worker no longer holds the operation. The copies, when given, are
        records the caller gives up (they save reads)."""
        if not self._still_ours(op.id, held):
            return None
        if op.kind == OperationKind.DEPROVISION and outcome.ok:
            self._delete_bindings_of(op.instance_id)
        subject = self.store.mutate(*subject_of(op), change_subject(op, held.epoch, outcome),
                                    subject)
        return self.settle(op, outcome, held, op_copy), subject

    def _delete_bindings_of(self, instance_id: str) -> None:
        for binding in self.store.find(Binding, instance_id=instance_id):
            self.store.mutate(Binding, binding.id, _mark_binding_deleted)

    def settle(self, op: Operation, outcome: Settlement, held: Optional[Held] = None,
               op_copy: Optional[Operation] = None) -> Optional[Operation]:
        """Settle the operation if it is still in progress (and, with `held`, still ours at its
        epoch); counted and logged once. The operation as it ends up. Without `held` (an
        operator's force-delete) the owner is kept, so that it can be waited for."""
        change = change_to_finished(op, outcome, None if held is None else (self.id, held.epoch))
        written = self.store.change(Operation, op.id, change, op_copy)
        if written is not None:  # this call settled it (not an earlier or a concurrent one)
            self.count_finished(written)
            return written
        return self.store.get(Operation, op.id)

    def count_finished(self, op: Operation) -> None:
        """Count and log an operation that was just stored settled."""
        self.metrics.operation_finished(op)
        log.info("operation %s", op.state, extra={
            "operation_id": op.id, "kind": op.kind, "instance_id": op.instance_id,
            "binding_id": op.binding_id, "state": op.state, "description": op.description})
