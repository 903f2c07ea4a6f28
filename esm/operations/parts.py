"""What the Worker's parts (Leases, Scanner, BackendDispatch, Settling) share, declared once
for the type checker: Worker.__init__ sets the attributes, and each method below is defined by
one part and called by another. At run time this is an empty base class."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, Optional

if TYPE_CHECKING:
    from adapters.datastore import Store
    from adapters.resources import BackendRegistry
    from esm.catalog import Catalog
    from esm.metrics import Metrics
    from esm.models import Operation
    from esm.operations.leases import Held
    from esm.operations.records import Settlement


class WorkerParts:
    store: Store
    backends: BackendRegistry
    catalog: Catalog
    metrics: Metrics
    id: str  # this worker's, as leases name their owner
    lease: float  # seconds
    _held: dict[str, Held]  # the operations this worker runs
    _seen: dict[str, tuple[int, float]]  # op id -> (version, first seen): lapses
    _lock: threading.Lock
    _stopping: threading.Event

    if TYPE_CHECKING:  # defined by the parts named; declared here only
        # Worker (worker.py)
        def submit(self, op_id: str, epoch: int = 1) -> None: ...
        def _while_store_away(self, step: Callable[[], Any], until: Optional[float] = None) -> Any: ...

        # Leases (leases.py)
        def _still_ours(self, op_id: str, held: Held) -> bool: ...
        def _renew(self, op_id: str, held: Held) -> bool: ...
        def _reconfirm(self, op_id: str, held: Held) -> None: ...
        def _orphaned(self, op: Operation, now: float) -> bool: ...
        def _take_over_lease(self, op_id: str) -> Optional[int]: ...
        def wait_until_let_go(self, op_ids: list, timeout: Optional[float] = None,
                              should_stop: Callable[[], bool] = lambda: False) -> bool: ...

        # Settling (settling.py)
        def _settle(self, op: Operation, held: Held, outcome: Settlement, op_copy: Any = None,
                    subject: Any = None) -> Optional[tuple]: ...
