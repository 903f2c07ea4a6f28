"""Backend dispatch: which backend call an operation makes, with what, how a running call learns
it should stop, and what its result or failure settles as."""
from __future__ import annotations

import logging
import time
from typing import Any, Optional

from adapters.datastore import StoreUnavailable
from adapters.resources import BackendFailure, OperationCancelled, OperationContext
from esm.models import Manifest, Operation, ServiceInstance
from esm.operations.leases import Held
from esm.operations.parts import WorkerParts
from esm.operations.records import Settlement, overdue, subject_of
from esm.operations.texts import (
    crashed_text,
    done_text,
    failed_text,
    overdue_text,
    stopped_text,
)
from esm.states import DELETE_KINDS, OperationKind, OperationState

log = logging.getLogger("esm.operations")

STOP_CHECK_SECONDS = 0.25  # how often a running operation asks the store whether to stop


class BackendDispatch(WorkerParts):
    """The Worker's part that calls backends."""

    def _backend_outcome(self, op: Operation, held: Held, instance, binding, ctx: OperationContext,
                         manifest: Optional[Manifest]) -> Optional[Settlement]:
        """Call the backend: what the operation settles as, or None when it should not be
        settled here (the broker is stopping, or another worker took the operation over).
        StoreUnavailable (a read the backend or this call made) passes: the call is made again
        later."""
        try:
            if overdue(op):
                raise OperationCancelled("deadline")
            result = self._call_backend(op, instance, binding, ctx, manifest)
        except OperationCancelled:
            if held.lost:
                log.info("operation %s is no longer this worker's (another worker took it over, "
                         "or an operator ended it); this one stops", op.id)
                return None
            if self._stopping.is_set() and not overdue(op):
                return None
            return Settlement(False, self._cancel_reason(op, instance))
        except BackendFailure as exc:
            return Settlement(False, str(exc) or failed_text(op.kind),
                              instance_usable=getattr(exc, "instance_usable", True))
        except StoreUnavailable:
            raise
        except Exception as exc:  # a backend bug must not leave the operation in progress
            log.exception("backend failed on operation %s", op.id)
            return Settlement(False, crashed_text(op.kind, exc))
        return Settlement(True, done_text(op.kind), result)

    def _stopper(self, op: Operation, held: Held):
        """should_stop for a running operation: deadline passed, worker stopping, the subject
        moved on (a delete took over), the operation was settled elsewhere or taken over. It
        waits (blocks) while this worker cannot prove it still holds the operation."""
        cls, subject_id = subject_of(op)
        state: dict[str, Any] = {"checked": 0.0, "stop": False}

        def should_stop() -> bool:
            if state["stop"] or held.lost or self._stopping.is_set() \
                    or overdue(op):
                return True
            if time.monotonic() - held.confirmed > self.lease * 2 / 3:
                self._reconfirm(op.id, held)
                if held.lost or self._stopping.is_set():
                    return True
            now = time.monotonic()
            if now - state["checked"] >= STOP_CHECK_SECONDS:
                state["checked"] = now
                try:
                    subject = self.store.get(cls, subject_id)
                    current = self.store.get(Operation, op.id)
                except StoreUnavailable:
                    return False  # keep going; the lease check above pauses us if it lasts
                if current is None or current.state != OperationState.IN_PROGRESS \
                        or current.owner != self.id or current.epoch != held.epoch:
                    held.lost = True
                state["stop"] = held.lost or subject is None or subject.operation_id != op.id
            return state["stop"]
        return should_stop

    def _cancel_reason(self, op: Operation, instance: Optional[ServiceInstance]) -> str:
        if overdue(op):
            if op.kind == OperationKind.PROVISION and instance is not None:
                self._clean_up_failed_provision(instance)
            return overdue_text(op)
        return stopped_text(op)

    def _clean_up_failed_provision(self, instance: ServiceInstance) -> None:
        manifest = self.catalog.manifest_for_plan(instance.plan_id)
        if manifest is None:
            return
        try:
            self.backends.backend_for(manifest.manifest_type).deprovision(instance, manifest, OperationContext())
        except Exception:
            log.exception("cleaning up after the failed provision of %s", instance.id)

    def _call_backend(self, op, instance, binding, ctx, manifest: Optional[Manifest] = None):
        plan_id = op.target.get("plan_id", instance.plan_id)
        manifest = manifest or self.catalog.manifest_for_plan(plan_id)
        if manifest is None:
            if op.kind in DELETE_KINDS:
                return None  # nothing was ever made from a manifest that is gone
            raise BackendFailure(f"plan {plan_id!r} has no deployment manifest")
        backend = self.backends.backend_for(manifest.manifest_type)
        if op.kind == OperationKind.PROVISION:
            return backend.provision(instance, manifest, ctx)
        if op.kind == OperationKind.UPDATE:
            target = ServiceInstance.from_doc({**instance.to_doc(), **op.target}, instance.version)
            return backend.update(target, manifest, ctx)
        if op.kind == OperationKind.DEPROVISION:
            self.wait_until_let_go([op.target.get("stops")], should_stop=ctx.should_stop)
            return backend.deprovision(instance, manifest, ctx)
        if op.kind == OperationKind.BIND:
            return backend.bind(instance, binding, manifest, ctx)
        self.wait_until_let_go([op.target.get("stops")], should_stop=ctx.should_stop)
        return backend.unbind(instance, binding, manifest, ctx)
