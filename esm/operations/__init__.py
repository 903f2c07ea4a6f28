"""Operations: backend calls run off the request path, their outcome recorded durably.

An operation record is stored (in progress, with a lease held by this worker) before the broker
answers. The worker then calls the backend and settles it (subject first, then the operation;
see settling.py). Each step is idempotent, and backends are too, so an operation found in flight
after a crash is simply run again. A scanner thread renews the leases of running operations,
takes over those whose lease lapsed (their worker died or froze) and fails those past their
deadline. Nothing stays "in progress".

Deadlines are wall-clock times set by the replica that took the request: they are minutes to
hours, so a skew of seconds between replicas moves them by seconds. Store outages are never an
outcome: while the store does not answer, the worker waits and tries again (a backend call whose
store read failed is made again; a settle is retried as it is), and the scanner gives every
holder a full lease after an outage before taking anything over.

One job per module:
  records.py   what an operation is while it runs: ids, subject, deadline, fences, Settlement
  texts.py     the descriptions operations carry
  worker.py    Worker: the thread pool, running an operation (in the background or inline)
  leases.py    holding, renewing, letting go of and taking over leases (fencing epochs)
  scanner.py   the scanner thread over the operations in progress
  dispatch.py  which backend call an operation makes and what it settles as
  settling.py  writing the outcome: subject, then operation (compare-and-set)
"""
from esm.operations.leases import Held
from esm.operations.records import (
           SYNC_BOUNDED,
           Settlement,
           fence_of,
           fenced_out,
           new_operation_id,
           overdue,
           subject_of,
)
from esm.operations.worker import Worker

__all__ = ["Worker", "Held", "Settlement", "SYNC_BOUNDED", "fence_of", "fenced_out",
           "new_operation_id", "overdue", "subject_of"]
