"""The operation worker: runs backend calls off the request path and records their outcome.

An operation record is stored (in progress, with a lease held by this worker) before the broker
answers. The worker then calls the backend and settles it, always in this order:

1. the subject (instance or binding) moves on, only if it still points at this operation and is
   still in the operation's busy state (compare-and-set);
2. the operation becomes succeeded or failed, only if it is still in progress.

Each step is idempotent, and backends are too, so an operation found in flight after a crash is
simply run again. A scanner thread renews the leases of running operations, takes over those
whose lease expired (their worker died) and fails those past their deadline. Nothing stays
"in progress".
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Optional

from adapters.datastore import Store, StoreUnavailable
from adapters.resources import (EPM, BackendFailure, BindResult, OperationCancelled,
                                OperationContext, ProvisionResult)
from esm.config import Settings
from esm.models import (FAILED, IN_PROGRESS, SUCCEEDED, Binding, Manifest, Operation, ServiceInstance,
                        utcnow)
from esm.metrics import Metrics
from esm.registry import Registry

log = logging.getLogger("esm.operations")

BUSY_STATE = {"provision": "provisioning", "update": "updating", "deprovision": "deprovisioning",
              "bind": "binding", "unbind": "unbinding"}
DONE_TEXT = {"provision": "provisioned", "update": "updated", "deprovision": "deprovisioned",
             "bind": "bound", "unbind": "unbound"}
BINDING_KINDS = ("bind", "unbind")
STOP_CHECK_SECONDS = 0.25  # how often a running operation asks the store whether to stop


def new_operation_id(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex}"


def subject_of(op: Operation) -> tuple[type, str]:
    """The record kind and id an operation changes: its binding, or else its instance."""
    if op.kind in BINDING_KINDS:
        return Binding, op.binding_id
    return ServiceInstance, op.instance_id


class Worker:
    def __init__(self, store: Store, epm: EPM, registry: Registry, settings: Settings,
                 metrics: Metrics):
        self.store, self.epm, self.registry, self.metrics = store, epm, registry, metrics
        self.timeout = settings.operation_timeout
        self.lease = settings.operation_lease
        self.id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._threads = settings.worker_threads
        self._pool: Optional[ThreadPoolExecutor] = None
        self._running: set[str] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._scanner: Optional[threading.Thread] = None

    # -- life ----------------------------------------------------------------------------------

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="esm-op")
        self._stopping.clear()
        try:
            self.scan()  # resume or settle what a previous run left in flight
        except StoreUnavailable as exc:
            log.warning("store unavailable at start (%s); the scanner keeps trying", exc)
        self._scanner = threading.Thread(target=self._scan_forever, name="esm-scanner", daemon=True)
        self._scanner.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._scanner:
            self._scanner.join(10)
        if self._pool:
            # running operations notice (should_stop) and end; their leases then expire
            self._pool.shutdown(wait=True, cancel_futures=True)

    def lease_fields(self) -> dict:
        return {"owner": self.id, "lease_expires": time.time() + self.lease}

    def deadline_for(self, maximum_polling_duration: Optional[int]) -> float:
        return time.time() + (maximum_polling_duration or self.timeout)

    # -- running -------------------------------------------------------------------------------

    def submit(self, op_id: str) -> None:
        """Run the (already stored and leased) operation in the background."""
        with self._lock:
            self._running.add(op_id)
        self._pool.submit(self._run_guarded, op_id)

    def run_inline(self, op: Operation, subject, manifest: Optional[Manifest] = None) -> tuple:
        """Run the operation in the calling thread (operations that complete inside a request)
        and return (operation, subject) as they end up. `op` and its `subject` are the records
        the caller just wrote, and gives up; `manifest`, the one it resolved for the plan."""
        with self._lock:
            self._running.add(op.id)
        settled = self._run_guarded(op.id, op, subject, manifest)
        if settled is not None:
            return settled
        return self.store.get(Operation, op.id), self.store.get(*subject_of(op))

    def _run_guarded(self, op_id: str, op: Optional[Operation] = None, subject=None,
                     manifest: Optional[Manifest] = None) -> Optional[tuple]:
        try:
            return self._run(op_id, op, subject, manifest)
        except Exception:  # the lease lapses and the scanner retries it
            log.exception("operation %s could not be recorded; it will be retried", op_id)
            return None
        finally:
            with self._lock:
                self._running.discard(op_id)

    def _run(self, op_id: str, op: Optional[Operation] = None, subject=None,
             manifest: Optional[Manifest] = None) -> Optional[tuple]:
        """Run and settle the operation; (operation, subject) as settled, or None when it was
        not settled here."""
        op = op or self.store.get(Operation, op_id)
        if op is None or op.state != IN_PROGRESS:
            return None
        if op.kind in BINDING_KINDS:
            binding = subject or self.store.get(Binding, op.binding_id)
            instance = self.store.get(ServiceInstance, op.instance_id)
        else:
            binding, instance = None, subject or self.store.get(ServiceInstance, op.instance_id)
        subject = binding if op.kind in BINDING_KINDS else instance
        if subject is None or subject.operation_id != op.id:
            return self._settle(op, False, self._stopped_text(op))
        log.info("operation running", extra={"operation_id": op.id, "kind": op.kind,
                                             "instance_id": op.instance_id, "binding_id": op.binding_id})
        ctx = OperationContext(should_stop=self._stopper(op))
        outcome = self._outcome(op, instance, binding, ctx, manifest)
        if outcome is None:
            log.info("operation %s left in progress; it is resumed later", op.id)
            return None  # its lease lapses and the next start resumes it
        return self._settle(op, *outcome, subject)

    def run_unstored(self, op: Operation, subject, manifest: Manifest) -> tuple:
        """Run a synchronous operation of which nothing is stored yet, and bring the operation
        and its subject (both given up by the caller) to where they end up, in memory: the
        caller stores them. For backends that make nothing of their own (Backend.owns_resources),
        whose calls leave nothing to resume or clean up if the process dies during them."""
        if op.kind in BINDING_KINDS:
            binding, instance = subject, self.store.get(ServiceInstance, op.instance_id)
        else:
            binding, instance = None, subject
        ok, description, result = (self._outcome(op, instance, binding, OperationContext(), manifest)
                                   or (False, f"{op.kind} stopped: the broker is stopping", None))
        self._change_subject(op, ok, result)(subject)
        self._change_to_finished(op, SUCCEEDED if ok else FAILED, description)(op)
        return op, subject

    def _outcome(self, op: Operation, instance, binding, ctx: OperationContext,
                 manifest: Optional[Manifest]) -> Optional[tuple]:
        """Call the backend: (ok, description, result), or None when the broker is stopping
        and the operation should stay in progress for the next start."""
        try:
            if time.time() > (op.deadline or float("inf")):
                raise OperationCancelled("deadline")
            result = self._call_backend(op, instance, binding, ctx, manifest)
        except OperationCancelled:
            if self._stopping.is_set() and time.time() <= (op.deadline or float("inf")):
                return None
            return False, self._cancel_reason(op, instance), None
        except BackendFailure as exc:
            return False, str(exc) or f"{op.kind} failed", None
        except StoreUnavailable as exc:  # (e.g. reading the broker id): an outage is no outcome
            log.warning("operation %s paused: the store is unavailable (%s)", op.id, exc)
            return None
        except Exception as exc:  # a backend bug must not leave the operation in progress
            log.exception("backend failed on operation %s", op.id)
            return False, f"{op.kind} failed: {type(exc).__name__}: {exc}", None
        return True, DONE_TEXT[op.kind], result

    def _stopper(self, op: Operation):
        """should_stop for a running operation: deadline passed, worker stopping, or the subject
        moved on (a delete took over) or the operation was settled elsewhere."""
        cls, subject_id = subject_of(op)
        state = {"checked": 0.0, "stop": False}

        def should_stop() -> bool:
            now = time.monotonic()
            if state["stop"] or self._stopping.is_set() or time.time() > (op.deadline or float("inf")):
                return True
            if now - state["checked"] >= STOP_CHECK_SECONDS:
                state["checked"] = now
                subject = self.store.get(cls, subject_id)
                current = self.store.get(Operation, op.id)
                state["stop"] = (subject is None or subject.operation_id != op.id
                                 or current is None or current.state != IN_PROGRESS)
            return state["stop"]
        return should_stop

    def _cancel_reason(self, op: Operation, instance: Optional[ServiceInstance]) -> str:
        if time.time() > (op.deadline or float("inf")):
            if op.kind == "provision" and instance is not None:
                self._clean_up_failed_provision(instance)
            return self._overdue_text(op)
        return self._stopped_text(op)

    @staticmethod
    def _stopped_text(op: Operation) -> str:
        stopper = {"provision": "a deprovision", "bind": "an unbind"}.get(op.kind)
        if stopper is None:
            return f"{op.kind} was replaced by a later request"
        return f"{op.kind} stopped: {stopper} request arrived"

    @staticmethod
    def _overdue_text(op: Operation) -> str:
        return f"{op.kind} did not finish before its deadline ({int(op.target.get('timeout', 0))} s)"

    def _clean_up_failed_provision(self, instance: ServiceInstance) -> None:
        manifest = self.registry.manifest_for_plan(instance.plan_id)
        if manifest is None:
            return
        try:
            self.epm.backend_for(manifest.manifest_type).deprovision(instance, manifest, OperationContext())
        except Exception:
            log.exception("cleaning up after the failed provision of %s", instance.id)

    def _call_backend(self, op, instance, binding, ctx, manifest: Optional[Manifest] = None):
        plan_id = op.target.get("plan_id", instance.plan_id)
        manifest = manifest or self.registry.manifest_for_plan(plan_id)
        if manifest is None:
            if op.kind in ("deprovision", "unbind"):
                return None  # nothing was ever made from a manifest that is gone
            raise BackendFailure(f"plan {plan_id!r} has no deployment manifest")
        backend = self.epm.backend_for(manifest.manifest_type)
        if op.kind == "provision":
            return backend.provision(instance, manifest, ctx)
        if op.kind == "update":
            target = ServiceInstance.from_doc({**instance.to_doc(), **op.target}, instance.version)
            return backend.update(target, manifest, ctx)
        if op.kind == "deprovision":
            self._wait_for_stopped(op.target.get("stops"))
            return backend.deprovision(instance, manifest, ctx)
        if op.kind == "bind":
            return backend.bind(instance, binding, manifest, ctx)
        self._wait_for_stopped(op.target.get("stops"))
        return backend.unbind(instance, binding, manifest, ctx)

    def _wait_for_stopped(self, op_id: Optional[str]) -> None:
        """A delete that stopped a create waits until the create has let go (or its worker died),
        so that nothing the create makes appears after the delete."""
        while op_id:
            other = self.store.get(Operation, op_id)
            if other is None or other.state != IN_PROGRESS or (other.lease_expires or 0) < time.time():
                return
            time.sleep(0.05)

    # -- settling ------------------------------------------------------------------------------

    def _settle(self, op: Operation, ok: bool, description: str, result=None, subject=None) -> tuple:
        """Move the subject on, then finish the operation; (operation, subject) as they end up.
        `subject`, when given, is a copy of the subject's record that the caller gives up (it
        saves a read)."""
        if op.kind == "deprovision" and ok:
            self._delete_bindings_of(op.instance_id)
        subject = self._move_subject(op, ok, result, subject)
        return self.finish(op, SUCCEEDED if ok else FAILED, description), subject

    def _move_subject(self, op: Operation, ok: bool, result, subject=None):
        return self.store.mutate(*subject_of(op), self._change_subject(op, ok, result), subject)

    @staticmethod
    def _change_subject(op: Operation, ok: bool, result):
        """The change that moves the operation's subject on (a mutate() change)."""
        busy = BUSY_STATE[op.kind]

        def change(subject) -> bool:
            if subject.operation_id != op.id or subject.state != busy:
                return False
            if op.kind == "provision":
                subject.state = "ready" if ok else "failed"
                if ok and isinstance(result, ProvisionResult) and result.dashboard_url:
                    subject.dashboard_url = result.dashboard_url
            elif op.kind == "update":
                subject.state = "ready"
                if ok:
                    for key, value in op.target.items():
                        if key in ("plan_id", "parameters", "context", "maintenance_version"):
                            setattr(subject, key, value)
            elif op.kind == "bind":
                subject.state = "ready" if ok else "failed"
                if ok and isinstance(result, BindResult):
                    subject.credentials, subject.endpoints = result.credentials, result.endpoints
            else:  # deprovision, unbind
                subject.state = "deleted" if ok else "failed"
                if ok:
                    subject.deleted_at = utcnow()
                    if isinstance(subject, Binding):
                        subject.credentials = {}
            return True
        return change

    def _delete_bindings_of(self, instance_id: str) -> None:
        def change(binding) -> bool:
            if binding.state == "deleted":
                return False
            binding.state, binding.deleted_at, binding.credentials = "deleted", utcnow(), {}
            return True
        for binding in self.store.find(Binding, instance_id=instance_id):
            self.store.mutate(Binding, binding.id, change)

    def finish(self, op: Operation, state: str, description: str) -> Optional[Operation]:
        """Settle the operation if it is still in progress (counted and logged once); the
        operation as it ends up."""
        finished = []
        settle = self._change_to_finished(op, state, description)

        def change(current) -> bool:
            if settle(current):
                finished[:] = [current]
                return True
            return False
        settled = self.store.mutate(Operation, op.id, change, op)
        if finished:  # this call settled it (not an earlier or a concurrent one)
            self.finished(finished[0])
        return settled

    @staticmethod
    def _change_to_finished(op: Operation, state: str, description: str):
        """The change that settles an operation still in progress (a mutate() change)."""
        def change(current) -> bool:
            if current.state != IN_PROGRESS:
                return False
            current.state, current.description, current.finished_at = state, description, utcnow()
            current.owner, current.lease_expires = None, None
            return True
        return change

    def finished(self, op: Operation) -> None:
        """Count and log an operation that was just stored settled."""
        self.metrics.operation_finished(op)
        log.info("operation %s", op.state, extra={
            "operation_id": op.id, "kind": op.kind, "instance_id": op.instance_id,
            "binding_id": op.binding_id, "state": op.state, "description": op.description})

    # -- scanning ------------------------------------------------------------------------------

    def _scan_forever(self) -> None:
        interval = min(1.0, self.lease / 3)
        store_down = False
        while not self._stopping.wait(interval):
            try:
                self.scan()
                if store_down:
                    log.info("the store answers again; operations go on")
                store_down = False
            except StoreUnavailable as exc:
                if not store_down:
                    log.warning("operation scan paused: %s", exc)
                store_down = True
            except Exception:
                log.exception("operation scan failed; trying again")

    def scan(self) -> None:
        """Renew our leases; take over operations whose worker is gone; fail what is overdue."""
        now = time.time()
        for op in self.store.find(Operation, state=IN_PROGRESS):
            with self._lock:
                ours_running = op.id in self._running
            if ours_running:
                if now > (op.deadline or float("inf")) + self.lease:
                    self._force_fail(op)  # its thread is stuck past the deadline
                elif (op.lease_expires or 0) - now < self.lease * 2 / 3:
                    self._renew(op.id)
            elif self._orphaned(op, now) and self._claim(op.id, now):
                log.info("taking over operation %s (%s of %s)", op.id, op.kind, op.instance_id)
                self.submit(op.id)

    def _orphaned(self, op: Operation, now: float) -> bool:
        if (op.lease_expires or 0) < now:
            return True
        # a store no other process uses: whatever another worker id holds is from a dead run
        return not self.store.shared and op.owner != self.id

    def _claim(self, op_id: str, now: float) -> bool:
        claimed = {"ok": False}

        def change(op) -> bool:
            if op.state != IN_PROGRESS or not self._orphaned(op, now):
                return False
            op.owner, op.lease_expires = self.id, time.time() + self.lease
            op.attempts += 1
            claimed["ok"] = True
            return True
        self.store.mutate(Operation, op_id, change)
        return claimed["ok"]

    def _renew(self, op_id: str) -> None:
        def change(op) -> bool:
            if op.state != IN_PROGRESS or op.owner != self.id:
                return False
            op.lease_expires = time.time() + self.lease
            return True
        self.store.mutate(Operation, op_id, change)

    def _force_fail(self, op: Operation) -> None:
        log.warning("operation %s is past its deadline and its backend call has not returned", op.id)
        self._settle(op, False, self._overdue_text(op))
