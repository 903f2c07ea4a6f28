"""The operation worker: runs backend calls off the request path and records their outcome.

An operation record is stored (in progress, with a lease held by this worker) before the broker
answers. The worker then calls the backend and settles it, always in this order:

1. the subject (instance or binding) moves on, only if it still points at this operation, is
   still in the operation's busy state and no later epoch fenced it (compare-and-set);
2. the operation becomes succeeded or failed, only if it is still in progress and still held
   by this worker at this epoch (compare-and-set on owner and epoch).

Each step is idempotent, and backends are too, so an operation found in flight after a crash is
simply run again. A scanner thread renews the leases of running operations, takes over those
whose lease lapsed (their worker died or froze) and fails those past their deadline. Nothing
stays "in progress".

Leases (fencing). A takeover gives the operation a new epoch; the worker holding an older epoch
stops its backend work at its next should_stop and cannot settle. Expiry does not read clocks
across replicas: a lease lapses when a scanner has seen the operation's record unchanged (its
version) for `lease` seconds of its own monotonic clock, and its holder renews (a write) every
third of a lease. A holder that has not managed to renew for two thirds of a lease pauses its
backend work until it has (or learns it lost the operation); it settles only within half a lease
of its last renewal, else it renews first. Only the rates of the replicas' clocks matter, not
their offsets. Deadlines are wall-clock times set by the replica that took the request: they are
minutes to hours, so a skew of seconds between replicas moves them by seconds.

Store outages are never an outcome: while the store does not answer, the worker waits and tries
again (a backend call whose store read failed is made again; a settle is retried as it is), and
the scanner gives every holder a full lease after an outage before taking anything over.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple, Optional

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
STORE_RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0)  # waits between tries while the store is away
INLINE_PATIENCE_SECONDS = 10.0  # how long a request waits for the store before its 503
# target key: the operation runs while the platform waits, and ESM_SYNC_OPERATION_TIMEOUT cut
# its deadline short
SYNC_BOUNDED = "sync_bounded"


def new_operation_id(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex}"


def subject_of(op: Operation) -> tuple[type, str]:
    """The record kind and id an operation changes: its binding, or else its instance."""
    if op.kind in BINDING_KINDS:
        return Binding, op.binding_id
    return ServiceInstance, op.instance_id


def overdue(op: Operation, slack: float = 0.0) -> bool:
    """Whether the operation's deadline (plus `slack` seconds) has passed."""
    return op.deadline is not None and time.time() > op.deadline + slack


def fence_of(op_id: str, epoch: int) -> str:
    return f"{op_id}#{epoch}"


def fenced_out(subject, op: Operation, epoch: int) -> bool:
    """Whether a later epoch of this operation has fenced the subject against `epoch`."""
    fence = getattr(subject, "fence", None)
    if not fence or not fence.startswith(op.id + "#"):
        return False
    return int(fence.rsplit("#", 1)[1]) > epoch


class Outcome(NamedTuple):
    ok: bool
    description: str
    result: Any = None
    instance_usable: bool = True  # a failed update: whether it left the instance as it was


@dataclass
class Held:
    """An operation this worker runs: the epoch it holds, when it last proved it held it
    (monotonic time just before a write that succeeded), and whether it learnt it lost it."""
    epoch: int
    confirmed: float = field(default_factory=time.monotonic)
    lost: bool = False
    thread: Optional[int] = None  # the thread running it, once one does
    patient_until: Optional[float] = None  # a request waits: give up on the store then


class Worker:
    def __init__(self, store: Store, epm: EPM, registry: Registry, settings: Settings,
                 metrics: Metrics):
        self.store, self.epm, self.registry, self.metrics = store, epm, registry, metrics
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

    def lease_fields(self) -> dict:
        """The lease of a new operation this worker is about to store and run."""
        return {"owner": self.id, "lease_expires": time.time() + self.lease, "epoch": 1}

    def deadline_for(self, maximum_polling_duration: Optional[int]) -> float:
        return time.time() + (maximum_polling_duration or self.timeout)

    # -- running -------------------------------------------------------------------------------

    def submit(self, op_id: str, epoch: int = 1) -> None:
        """Run the (already stored and leased) operation in the background."""
        self._hold(op_id, epoch)
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

    def _hold(self, op_id: str, epoch: int) -> None:
        with self._lock:
            self._held[op_id] = Held(epoch)

    def holds(self, op_id: str) -> bool:
        """Whether a thread of this worker, other than the calling one, runs the operation."""
        with self._lock:
            held = self._held.get(op_id)
        return held is not None and held.thread != threading.get_ident()

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
        records = waiting(lambda: self._records(op_id, held, op, subject))
        if records is None:
            return None
        op, instance, binding = records
        subject = binding if op.kind in BINDING_KINDS else instance
        if subject is None or subject.operation_id != op.id:
            outcome = Outcome(False, self._stopped_text(op))
        else:
            log.info("operation running", extra={"operation_id": op.id, "kind": op.kind,
                                                 "instance_id": op.instance_id,
                                                 "binding_id": op.binding_id})
            ctx = OperationContext(should_stop=self._stopper(op, held),
                                   past_deadline=lambda: overdue(op),
                                   given_up=lambda: held.lost or self._stopping.is_set(),
                                   seconds_left=lambda: None if op.deadline is None
                                   else op.deadline - time.time())
            outcome = waiting(lambda: self._outcome(op, held, instance, binding, ctx, manifest))
            if outcome is None:
                if not held.lost:
                    log.info("operation %s left in progress; it is resumed later", op.id)
                return None
        copies = [op, subject]  # given up by the first settle attempt only: it edits them

        def settle():
            given, copies[:] = copies[:], [None, None]
            return self._settle(op, held, outcome, *given)
        return waiting(settle)

    def _records(self, op_id: str, held: Held, op: Optional[Operation], subject) -> Optional[tuple]:
        """(operation, instance, binding), when the operation is in progress and held by us at
        our epoch; a subject taken over at a later epoch is fenced against the earlier ones."""
        op = op or self.store.get(Operation, op_id)
        if op is None or op.state != IN_PROGRESS or op.owner != self.id or op.epoch != held.epoch:
            return None
        if op.epoch > 1:
            self._fence_subject(op, held.epoch)
        if op.kind in BINDING_KINDS:
            binding = subject or self.store.get(Binding, op.binding_id)
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
        outcome = (self._outcome(op, Held(op.epoch), instance, binding, OperationContext(), manifest)
                   or Outcome(False, f"{op.kind} stopped: the broker is stopping"))
        self._change_subject(op, op.epoch, outcome)(subject)
        self._change_to_finished(op, outcome, (self.id, op.epoch))(op)
        return op, subject

    def _outcome(self, op: Operation, held: Held, instance, binding, ctx: OperationContext,
                 manifest: Optional[Manifest]) -> Optional[Outcome]:
        """Call the backend: its outcome, or None when the operation should not be settled here
        (the broker is stopping, or another worker took the operation over). StoreUnavailable
        (a read the backend or this call made) passes: the call is made again later."""
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
            return Outcome(False, self._cancel_reason(op, instance))
        except BackendFailure as exc:
            return Outcome(False, str(exc) or f"{op.kind} failed",
                           instance_usable=getattr(exc, "instance_usable", True))
        except StoreUnavailable:
            raise
        except Exception as exc:  # a backend bug must not leave the operation in progress
            log.exception("backend failed on operation %s", op.id)
            return Outcome(False, f"{op.kind} failed: {type(exc).__name__}: {exc}")
        return Outcome(True, DONE_TEXT[op.kind], result)

    def _stopper(self, op: Operation, held: Held):
        """should_stop for a running operation: deadline passed, worker stopping, the subject
        moved on (a delete took over), the operation was settled elsewhere or taken over. It
        waits (blocks) while this worker cannot prove it still holds the operation."""
        cls, subject_id = subject_of(op)
        state = {"checked": 0.0, "stop": False}

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
                if current is None or current.state != IN_PROGRESS or current.owner != self.id \
                        or current.epoch != held.epoch:
                    held.lost = True
                state["stop"] = held.lost or subject is None or subject.operation_id != op.id
            return state["stop"]
        return should_stop

    def _cancel_reason(self, op: Operation, instance: Optional[ServiceInstance]) -> str:
        if overdue(op):
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
            self.wait_until_let_go([op.target.get("stops")], should_stop=ctx.should_stop)
            return backend.deprovision(instance, manifest, ctx)
        if op.kind == "bind":
            return backend.bind(instance, binding, manifest, ctx)
        self.wait_until_let_go([op.target.get("stops")], should_stop=ctx.should_stop)
        return backend.unbind(instance, binding, manifest, ctx)

    def wait_until_let_go(self, op_ids: list, timeout: Optional[float] = None,
                          should_stop: Callable[[], bool] = lambda: False) -> bool:
        """Wait until no worker runs the given operations: each is gone, settled, let go, or
        held by a worker whose lease lapsed. A delete that stopped a create waits so, so that
        nothing the create makes appears after the delete. False when `timeout` passed first."""
        seen: dict[str, tuple[int, float]] = {}
        end = None if timeout is None else time.monotonic() + timeout
        pending = [op_id for op_id in op_ids if op_id]
        while pending:
            pending = [op_id for op_id in pending if self._still_held(op_id, seen)]
            if not pending:
                break
            if should_stop() or self._stopping.is_set() or (end is not None and time.monotonic() > end):
                return False
            time.sleep(0.05)
        return True

    def _still_held(self, op_id: str, seen: dict) -> bool:
        if self.holds(op_id):
            return True
        op = self.store.get(Operation, op_id)
        if op is None or op.owner is None or op.owner == self.id:
            return False  # (ours, but no thread of ours runs it)
        return not self._lapsed(op, seen, time.monotonic())

    def _lapsed(self, op: Operation, seen: dict, now: float) -> bool:
        """Whether `op`'s record has stayed unchanged for a lease, as observed by this process."""
        first = seen.get(op.id)
        if first is None or first[0] != op.version:
            seen[op.id] = (op.version, now)
            return False
        return now - first[1] >= self.lease

    # -- settling ------------------------------------------------------------------------------

    def _settle(self, op: Operation, held: Held, outcome: Outcome, op_copy=None,
                subject=None) -> Optional[tuple]:
        """Move the subject on, then finish the operation; (operation, subject) as they end up,
        or None when this worker no longer holds the operation. The copies, when given, are
        records the caller gives up (they save reads)."""
        if not self._still_ours(op.id, held):
            return None
        if op.kind == "deprovision" and outcome.ok:
            self._delete_bindings_of(op.instance_id)
        subject = self.store.mutate(*subject_of(op), self._change_subject(op, held.epoch, outcome),
                                    subject)
        return self.finish(op, outcome, held, op_copy), subject

    def _still_ours(self, op_id: str, held: Held) -> bool:
        """Whether we may settle: proved within half a lease, or proved again now."""
        if held.lost:
            return False
        if time.monotonic() - held.confirmed < self.lease / 2:
            return True
        return self._renew(op_id, held)

    @staticmethod
    def _change_subject(op: Operation, epoch: int, outcome: Outcome):
        """The change that moves the operation's subject on (a mutate() change)."""
        busy, ok, result = BUSY_STATE[op.kind], outcome.ok, outcome.result

        def change(subject) -> bool:
            if subject.operation_id != op.id or subject.state != busy or fenced_out(subject, op, epoch):
                return False
            subject.fence = None
            if op.kind == "provision":
                subject.state = "ready" if ok else "failed"
                if ok and isinstance(result, ProvisionResult) and result.dashboard_url:
                    subject.dashboard_url = result.dashboard_url
            elif op.kind == "update":
                subject.state = "ready" if ok or outcome.instance_usable else "failed"
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

    def finish(self, op: Operation, outcome: Outcome, held: Optional[Held] = None,
               op_copy: Optional[Operation] = None) -> Optional[Operation]:
        """Settle the operation if it is still in progress (and, with `held`, still ours at its
        epoch); counted and logged once. The operation as it ends up. Without `held` (an
        operator's force-delete) the owner is kept, so that it can be waited for."""
        settle = self._change_to_finished(op, outcome, None if held is None else (self.id, held.epoch))
        written = self.store.change(Operation, op.id, settle, op_copy)
        if written is not None:  # this call settled it (not an earlier or a concurrent one)
            self.finished(written)
            return written
        return self.store.get(Operation, op.id)

    @staticmethod
    def _change_to_finished(op: Operation, outcome: Outcome, holder: Optional[tuple] = None):
        """The change that settles an operation still in progress (a mutate() change): held by
        `holder` (owner, epoch), when given, which then lets go of it."""
        def change(current) -> bool:
            if current.state != IN_PROGRESS:
                return False
            if holder is not None and (current.owner, current.epoch) != holder:
                return False
            current.state = SUCCEEDED if outcome.ok else FAILED
            current.description, current.finished_at = outcome.description, utcnow()
            if not outcome.ok and op.kind == "update":
                current.instance_usable = outcome.instance_usable
            if holder is not None or current.owner is None:
                current.owner, current.lease_expires = None, None
            return True
        return change

    def finished(self, op: Operation) -> None:
        """Count and log an operation that was just stored settled."""
        self.metrics.operation_finished(op)
        log.info("operation %s", op.state, extra={
            "operation_id": op.id, "kind": op.kind, "instance_id": op.instance_id,
            "binding_id": op.binding_id, "state": op.state, "description": op.description})

    # -- leases --------------------------------------------------------------------------------

    def _renew(self, op_id: str, held: Held) -> bool:
        """Prove we still hold the operation (a compare-and-set write); False, and `lost`, when
        it is settled or another worker took it over."""
        proved_at = time.monotonic()

        def change(op) -> bool:
            if op.state != IN_PROGRESS or (op.owner, op.epoch) != (self.id, held.epoch):
                return False
            op.lease_expires = time.time() + self.lease
            return True
        renewed = self.store.change(Operation, op_id, change) is not None
        if renewed:
            held.confirmed = proved_at
        else:
            held.lost = True
        return renewed

    def _reconfirm(self, op_id: str, held: Held) -> None:
        """Renew, waiting while the store is away, until proved, lost, or stopping."""
        self._while_store_away(lambda: self._renew(op_id, held), held.patient_until)

    def _release(self, op_id: str, held: Held) -> None:
        """Let go of an operation we did not settle (the broker is stopping, or it was taken
        from us): whoever scans next may resume it at once."""
        def change(op) -> bool:
            if (op.owner, op.epoch) != (self.id, held.epoch):
                return False
            op.owner, op.lease_expires = None, None
            return True
        try:
            self.store.mutate(Operation, op_id, change)
        except StoreUnavailable:
            pass  # its lease lapses instead

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
                self._seen.clear()  # after an outage every holder gets a full lease to renew
            except Exception:
                log.exception("operation scan failed; trying again")

    def scan(self) -> None:
        """Renew our leases; take over operations whose worker is gone; fail what is overdue."""
        now_mono = time.monotonic()
        in_progress = self.store.find(Operation, state=IN_PROGRESS)
        for op in in_progress:
            with self._lock:
                held = self._held.get(op.id)
            if held is not None:
                if (op.owner, op.epoch) != (self.id, held.epoch):
                    held.lost = True  # taken over while we were away: stop at the next check
                elif overdue(op, slack=self.lease):
                    self._force_fail(op, held)  # its thread is stuck past the deadline
                elif now_mono - held.confirmed > self.lease / 3:
                    self._renew(op.id, held)
            elif self._orphaned(op, now_mono):
                epoch = self._claim(op.id)
                if epoch is not None:
                    log.info("taking over operation %s (%s of %s, epoch %d)", op.id, op.kind,
                             op.instance_id, epoch)
                    self.submit(op.id, epoch)
        ids = {op.id for op in in_progress}
        self._seen = {k: v for k, v in self._seen.items() if k in ids}

    def _orphaned(self, op: Operation, now: float) -> bool:
        if op.owner is None:
            return True  # let go of
        if not self.store.shared and op.owner != self.id:
            return True  # a store no other process uses: another worker id is a dead run's
        return self._lapsed(op, self._seen, now)

    def _claim(self, op_id: str) -> Optional[int]:
        """Take the operation over at a new epoch (compare-and-set); the epoch, or None."""
        def change(op) -> bool:
            if op.state != IN_PROGRESS or not self._orphaned(op, time.monotonic()):
                return False
            op.owner, op.lease_expires = self.id, time.time() + self.lease
            op.epoch += 1
            op.attempts += 1
            return True
        claimed = self.store.change(Operation, op_id, change)
        return None if claimed is None else claimed.epoch

    def _force_fail(self, op: Operation, held: Held) -> None:
        log.warning("operation %s is past its deadline and its backend call has not returned", op.id)
        self._settle(op, held, Outcome(False, self._overdue_text(op)))
