"""The Worker: a thread pool that runs stored operations off the request path (or inline,
while a request waits), waiting while the store is away. Its other parts live beside it:
leases (esm.operations.leases), the lease scanner (scanner), backend calls (dispatch) and
settling (settling)."""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Optional

from adapters.datastore import Store, StoreUnavailable
from adapters.resources import BackendRegistry, OperationContext
from esm.catalog import Catalog
from esm.config import Settings
from esm.metrics import Metrics
from esm.models import Binding, Manifest, Operation, ServiceInstance
from esm.operations.dispatch import BackendDispatch
from esm.operations.leases import Held, Leases
from esm.operations.records import Settlement, fence_of, fenced_out, overdue, subject_of
from esm.operations.scanner import Scanner
from esm.operations.settling import Settling, change_subject, change_to_finished
from esm.operations.texts import broker_stopping_text, stopped_text
from esm.states import BINDING_KINDS, OperationState

log = logging.getLogger("esm.operations")

STORE_RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0)  # waits between tries while the store is away
INLINE_PATIENCE_SECONDS = 10.0  # how long a request waits for the store before its 503


class Worker(Leases, Scanner, BackendDispatch, Settling):
    def __init__(self, store: Store, backends: BackendRegistry, catalog: Catalog, settings: Settings,
                 metrics: Metrics):
        self.store, self.backends, self.catalog, self.metrics = store, backends, catalog, metrics
        self.timeout = settings.operation_timeout
        self.sync_timeout = settings.sync_operation_timeout
        self.lease = settings.operation_lease
        self.id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._threads = settings.worker_threads
        self._pool: Optional[ThreadPoolExecutor] = None
        self._held: dict[str, Held] = {}
        self._seen: dict[str, tuple[int, float]] = {}  # op id -> (version, first seen): lapses
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
            # running operations notice (should_stop), let go of their leases and end
            self._pool.shutdown(wait=True, cancel_futures=True)

    def deadline_for(self, maximum_polling_duration: Optional[int]) -> float:
        return time.time() + (maximum_polling_duration or self.timeout)

    # -- running -------------------------------------------------------------------------------

    def submit(self, op_id: str, epoch: int = 1) -> None:
        """Run the (already stored and leased) operation in the background."""
        self._hold(op_id, epoch)
        assert self._pool is not None, "submit() before start()"
        self._pool.submit(self._run_guarded, op_id)

    def run_inline(self, op: Operation, subject, manifest: Optional[Manifest] = None) -> tuple:
        """Run the operation in the calling thread (operations that complete inside a request)
        and return (operation, subject) as they end up. `op` and its `subject` are the records
        the caller just wrote, and gives up; `manifest`, the one it resolved for the plan."""
        self._hold(op.id, op.epoch)
        settled = self._run_guarded(op.id, op, subject, manifest, INLINE_PATIENCE_SECONDS)
        if settled is not None:
            return settled
        return self.store.get(Operation, op.id), self.store.get(*subject_of(op))

    def _run_guarded(self, op_id: str, op: Optional[Operation] = None, subject=None,
                     manifest: Optional[Manifest] = None,
                     patience: Optional[float] = None) -> Optional[tuple]:
        held = self._held[op_id]
        held.thread = threading.get_ident()
        try:
            settled = self._run(op_id, held, op, subject, manifest, patience)
            if settled is None:
                self._release(op_id, held)
            return settled
        except StoreUnavailable as exc:  # (inline, out of patience) the scanner resumes it later
            log.warning("operation %s waits for the store (%s); it is resumed later", op_id, exc)
            return None
        except Exception:  # the lease lapses and the scanner retries it
            log.exception("operation %s could not be recorded; it will be retried", op_id)
            return None
        finally:
            with self._lock:
                self._held.pop(op_id, None)

    def _run(self, op_id: str, held: Held, op: Optional[Operation] = None, subject=None,
             manifest: Optional[Manifest] = None, patience: Optional[float] = None) -> Optional[tuple]:
        """Run and settle the operation; (operation, subject) as settled, or None when it was
        not settled here (the broker is stopping, or the operation is no longer ours). While
        the store is away it waits, up to `patience` seconds in all when given (a request is
        waiting: StoreUnavailable then), else until the store is back."""
        if patience is not None:
            held.patient_until = time.monotonic() + patience

        def waiting(step):
            return self._while_store_away(step, held.patient_until)
        records: Optional[tuple[Operation, Optional[ServiceInstance], Optional[Binding]]] = \
            waiting(lambda: self._records(op_id, held, op, subject))
        if records is None:
            return None
        op, instance, binding = records
        subject = binding if op.kind in BINDING_KINDS else instance
        if subject is None or subject.operation_id != op.id:
            outcome = Settlement(False, stopped_text(op))
        else:
            log.info("operation running", extra={"operation_id": op.id, "kind": op.kind,
                                                 "instance_id": op.instance_id,
                                                 "binding_id": op.binding_id})
            ctx = OperationContext(should_stop=self._stopper(op, held),
                                   past_deadline=lambda: overdue(op),
                                   given_up=lambda: held.lost or self._stopping.is_set(),
                                   seconds_left=lambda: None if op.deadline is None
                                   else op.deadline - time.time())
            outcome = waiting(lambda: self._backend_outcome(op, held, instance, binding, ctx, manifest))
            if outcome is None:
                if not held.lost:
                    log.info("operation %s left in progress; it is resumed later", op.id)
                return None
        copies = [op, subject]  # given up by the first settle attempt only: it edits them

        def settle():
            given, copies[:] = copies[:], [None, None]
            return self._settle(op, held, outcome, *given)
        return waiting(settle)

    def _records(self, op_id: str, held: Held, op: Optional[Operation], subject
                 ) -> Optional[tuple[Operation, Optional[ServiceInstance], Optional[Binding]]]:
        """(operation, instance, binding), when the operation is in progress and held by us at
        our epoch; a subject taken over at a later epoch is fenced against the earlier ones."""
        op = op or self.store.get(Operation, op_id)
        ours = (op.owner, op.epoch) == (self.id, held.epoch) if op is not None else False
        if op is None or op.state != OperationState.IN_PROGRESS or not ours:
            return None
        if op.epoch > 1:
            self._fence_subject(op, held.epoch)
        if op.kind in BINDING_KINDS:
            binding = subject or self.store.get(*subject_of(op))  # (Binding, its id)
            instance = self.store.get(ServiceInstance, op.instance_id)
        else:
            binding, instance = None, subject or self.store.get(ServiceInstance, op.instance_id)
        return op, instance, binding

    def _fence_subject(self, op: Operation, epoch: int) -> None:
        """Stamp the subject with our epoch: from now on no earlier epoch may move it."""
        def change(subject) -> bool:
            if subject.operation_id != op.id or fenced_out(subject, op, epoch - 1):
                return False  # not this operation's, or stamped at our epoch or later already
            subject.fence = fence_of(op.id, epoch)
            return True
        self.store.mutate(*subject_of(op), change)

    def _while_store_away(self, step: Callable[[], Any], until: Optional[float] = None) -> Any:
        """step(), tried again while the store is away; None when the broker stops meanwhile.
        With `until` (monotonic), StoreUnavailable passes once that time is reached."""
        waits = 0
        while True:
            try:
                return step()
            except StoreUnavailable as exc:
                if until is not None and time.monotonic() >= until:
                    raise
                if waits == 0:
                    log.warning("operation paused: the store is unavailable (%s)", exc)
                wait = STORE_RETRY_SECONDS[min(waits, len(STORE_RETRY_SECONDS) - 1)]
                waits += 1
                if self._stopping.wait(wait):
                    return None

    def run_unstored(self, op: Operation, subject, manifest: Manifest) -> tuple:
        """Run a synchronous operation of which nothing is stored yet, and bring the operation
        and its subject (both given up by the caller) to where they end up, in memory: the
        caller stores them. For backends that make nothing of their own (Backend.owns_resources),
        whose calls leave nothing to resume or clean up if the process dies during them."""
        if op.kind in BINDING_KINDS:
            binding, instance = subject, self.store.get(ServiceInstance, op.instance_id)
        else:
            binding, instance = None, subject
        outcome = (self._backend_outcome(op, Held(op.epoch), instance, binding, OperationContext(),
                                         manifest)
                   or Settlement(False, broker_stopping_text(op.kind)))
        change_subject(op, op.epoch, outcome)(subject)
        change_to_finished(op, outcome, (self.id, op.epoch))(op)
        return op, subject
