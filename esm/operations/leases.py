"""Leases (fencing): which worker runs an operation, and how it proves it still does.

A takeover gives the operation a new epoch; the worker holding an older epoch stops its backend
work at its next should_stop and cannot settle. Expiry does not read clocks across replicas: a
lease lapses when a scanner has seen the operation's record unchanged (its version) for `lease`
seconds of its own monotonic clock, and its holder renews (a write) every third of a lease. A
holder that has not managed to renew for two thirds of a lease pauses its backend work until it
has (or learns it lost the operation); it settles only within half a lease of its last renewal,
else it renews first. Only the rates of the replicas' clocks matter, not their offsets.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from adapters.datastore import StoreUnavailable
from esm.models import Operation
from esm.operations.parts import WorkerParts
from esm.states import OperationState


@dataclass
class Held:
    """An operation this worker runs: the epoch it holds, when it last proved it held it
    (monotonic time just before a write that succeeded), and whether it learnt it lost it."""
    epoch: int
    confirmed: float = field(default_factory=time.monotonic)
    lost: bool = False
    thread: Optional[int] = None  # the thread running it, once one does
    patient_until: Optional[float] = None  # a request waits: give up on the store then


class Leases(WorkerParts):
    """The Worker's part that holds, renews, lets go of and takes over leases."""

    def lease_fields(self) -> dict:
        """The lease of a new operation this worker is about to store and run."""
        return {"owner": self.id, "lease_expires": time.time() + self.lease, "epoch": 1}

    def _hold(self, op_id: str, epoch: int) -> None:
        with self._lock:
            self._held[op_id] = Held(epoch)

    def holds(self, op_id: str) -> bool:
        """Whether a thread of this worker, other than the calling one, runs the operation."""
        with self._lock:
            held = self._held.get(op_id)
        return held is not None and held.thread != threading.get_ident()

    def _still_ours(self, op_id: str, held: Held) -> bool:
        """Whether we may settle: proved within half a lease, or proved again now."""
        if held.lost:
            return False
        if time.monotonic() - held.confirmed < self.lease / 2:
            return True
        return self._renew(op_id, held)

    def _renew(self, op_id: str, held: Held) -> bool:
        """Prove we still hold the operation (a compare-and-set write); False, and `lost`, when
        it is settled or another worker took it over."""
        proved_at = time.monotonic()

        def change(op) -> bool:
            if op.state != OperationState.IN_PROGRESS or (op.owner, op.epoch) != (self.id, held.epoch):
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

    def _orphaned(self, op: Operation, now: float) -> bool:
        if op.owner is None:
            return True  # let go of
        if not self.store.shared and op.owner != self.id:
            return True  # a store no other process uses: another worker id is a dead run's
        return self._lapsed(op, self._seen, now)

    def _lapsed(self, op: Operation, seen: dict, now: float) -> bool:
        """Whether `op`'s record has stayed unchanged for a lease, as observed by this process."""
        first = seen.get(op.id)
        if first is None or first[0] != op.version:
            seen[op.id] = (op.version, now)
            return False
        return now - first[1] >= self.lease

    def _take_over_lease(self, op_id: str) -> Optional[int]:
        """Take the orphaned operation over at a new epoch (compare-and-set); the epoch, or None."""
        def change(op) -> bool:
            if op.state != OperationState.IN_PROGRESS or not self._orphaned(op, time.monotonic()):
                return False
            op.owner, op.lease_expires = self.id, time.time() + self.lease
            op.epoch += 1
            op.attempts += 1
            return True
        taken = self.store.change(Operation, op_id, change)
        return None if taken is None else taken.epoch

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
