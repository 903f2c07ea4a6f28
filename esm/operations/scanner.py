"""The lease scanner: a thread that renews the leases of this worker's running operations,
takes over those whose lease lapsed (their worker died or froze) and fails those past their
deadline, so that nothing stays "in progress". After a store outage every holder gets a full
lease to renew before anything is taken over."""
from __future__ import annotations

import logging
import time

from adapters.datastore import StoreUnavailable
from esm.models import Operation
from esm.operations.leases import Held
from esm.operations.parts import WorkerParts
from esm.operations.records import Settlement, overdue
from esm.operations.texts import overdue_text
from esm.states import OperationState

log = logging.getLogger("esm.operations")


class Scanner(WorkerParts):
    """The Worker's part that scans the operations in progress."""

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
        in_progress = self.store.find(Operation, state=OperationState.IN_PROGRESS)
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
                epoch = self._take_over_lease(op.id)
                if epoch is not None:
                    log.info("taking over operation %s (%s of %s, epoch %d)", op.id, op.kind,
                             op.instance_id, epoch)
                    self.submit(op.id, epoch)
        ids = {op.id for op in in_progress}
        self._seen = {k: v for k, v in self._seen.items() if k in ids}

    def _force_fail(self, op: Operation, held: Held) -> None:
        log.warning("operation %s is past its deadline and its backend call has not returned", op.id)
        self._settle(op, held, Settlement(False, overdue_text(op)))
