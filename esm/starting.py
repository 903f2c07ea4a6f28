"""Starting an operation the broker accepted: its record, the compare-and-set write that stores
it with its subject pointing at it, and running it (handed to the worker, or here and now while
the platform waits). Every accepted change is stored as an operation before the answer is given."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from adapters.datastore import Store, StoreUnavailable
from adapters.resources import Backend
from esm.compare_and_set import store_operation_and_subject
from esm.errors import AsyncRequired, BackendError
from esm.models import Manifest, Operation, Plan, ServiceInstance
from esm.operations import SYNC_BOUNDED, Worker, new_operation_id, overdue
from esm.operations.texts import failed_text, in_progress_text
from esm.states import OperationState


@dataclass
class Caller:
    """Who asked: kept on every operation for the history."""
    originating_identity: Optional[dict] = None
    request_identity: Optional[str] = None


class OperationStarter:
    def __init__(self, store: Store, worker: Worker):
        self.store, self.worker = store, worker

    def new_record(self, kind: str, instance_id: str, caller: Caller, plan: Optional[Plan],
                   target: dict, binding_id: Optional[str] = None,
                   is_async: bool = True) -> Operation:
        """A new operation record, in progress and leased by this worker (not stored). A
        synchronous one runs while the platform waits: ESM_SYNC_OPERATION_TIMEOUT bounds it."""
        seconds = (plan.maximum_polling_duration if plan else None) or self.worker.timeout
        if not is_async and self.worker.sync_timeout < seconds:
            seconds = self.worker.sync_timeout
            target = {**target, SYNC_BOUNDED: True}  # asynchronously it would have longer
        service_id: Optional[str]
        plan_id: Optional[str]
        if plan is not None:
            service_id, plan_id = plan.service["id"], plan.id
        else:  # the plan left the catalog: name the instance's
            instance = self.store.get(ServiceInstance, instance_id)
            service_id, plan_id = (instance.service_id, instance.plan_id) if instance else (None, None)
        return Operation(new_operation_id(kind), kind=kind, instance_id=instance_id,
                         binding_id=binding_id, service_id=service_id, plan_id=plan_id,
                         description=in_progress_text(kind),
                         deadline=self.worker.deadline_for(seconds),
                         originating_identity=caller.originating_identity,
                         request_identity=caller.request_identity,
                         target={**target, "timeout": seconds}, **self.worker.lease_fields())

    def store_with_subject(self, op: Operation, subject, expected_version: int, insert: bool,
                           bumped: tuple = ()) -> None:
        """The compare-and-set write (esm.compare_and_set) of a new operation and its subject
        pointing at it; counted as started. A lost race is LostRace."""
        store_operation_and_subject(self.store, op, subject, expected_version, insert, bumped)
        self.worker.metrics.operation_started(op)

    def create(self, op: Operation, subject, existing, is_async: bool, backend: Backend,
               manifest: Manifest, bumped: tuple = ()) -> tuple:
        """Store the operation and the new subject it creates (over `existing`, a deleted or
        failed record of the same id), then run it: (operation, subject) as they end up.
        `bumped`: as for store_with_subject. A synchronous operation of a backend that
        makes nothing of its own runs first and is stored once, finished: if the process dies
        during its call nothing was answered and nothing is left to resume or clean up, and
        two writes are saved."""
        at_once = not is_async and not backend.owns_resources
        if at_once:
            op, subject = self.worker.run_unstored(op, subject, manifest)
        self.store_with_subject(op, subject, existing.version if existing else 0,
                                insert=existing is None, bumped=bumped)
        if not at_once:
            return self.run(op, subject, is_async, manifest)
        self.worker.count_finished(op)
        return op, subject

    def run(self, op: Operation, subject, is_async: bool, manifest: Optional[Manifest] = None) -> tuple:
        """Hand the stored operation to the worker; sync ones run here and now. (operation,
        subject): as they end up when sync, as given when async."""
        if is_async:
            self.worker.submit(op.id)
            return op, subject
        kind = op.kind
        op, subject = self.worker.run_inline(op, subject, manifest)
        if op is None or subject is None:  # an operator force-deleted the instance meanwhile
            raise BackendError(f"{kind} ended without a record: the instance was force-deleted "
                               "by an operator while it ran")
        if op.state == OperationState.IN_PROGRESS:  # the store went away before it was settled
            raise StoreUnavailable(f"{kind} could not be recorded yet: the store is unavailable; "
                                   "it goes on once the store is back")
        return op, subject

    @staticmethod
    def raise_if_failed(op: Operation, **flags) -> None:
        """The answer to a synchronous operation that failed: one stopped by the deadline that
        ESM_SYNC_OPERATION_TIMEOUT set tells the platform to ask again asynchronously (OSB's
        AsyncRequired), as it may run longer then."""
        if op.state == OperationState.SUCCEEDED:
            return
        description = op.description or failed_text(op.kind)
        if op.target.get(SYNC_BOUNDED) and overdue(op):
            raise AsyncRequired(f"{description}; a request without accepts_incomplete=true waits "
                                f"at most {int(op.target['timeout'])} s (ESM_SYNC_OPERATION_TIMEOUT): "
                                "retry with accepts_incomplete=true")
        raise BackendError(description, **flags)
