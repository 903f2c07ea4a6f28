"""What operations say: the descriptions an operation record carries, in one place."""
from __future__ import annotations

from esm.models import Operation
from esm.states import DONE_TEXT, OperationKind

# the request that stops a create while it runs
_STOPPED_BY: dict[str, str] = {OperationKind.PROVISION: "a deprovision", OperationKind.BIND: "an unbind"}


def in_progress_text(kind: str) -> str:
    return f"{kind} in progress"


def done_text(kind: str) -> str:
    return DONE_TEXT[kind]


def failed_text(kind: str) -> str:
    return f"{kind} failed"


def crashed_text(kind: str, exc: BaseException) -> str:
    """A backend call that raised something else than a BackendFailure (a backend bug)."""
    return f"{kind} failed: {type(exc).__name__}: {exc}"


def stopped_text(op: Operation) -> str:
    """A later request took the operation's subject over while it ran."""
    stopper = _STOPPED_BY.get(op.kind)
    if stopper is None:
        return f"{op.kind} was replaced by a later request"
    return f"{op.kind} stopped: {stopper} request arrived"


def overdue_text(op: Operation) -> str:
    return f"{op.kind} did not finish before its deadline ({int(op.target.get('timeout', 0))} s)"


def broker_stopping_text(kind: str) -> str:
    return f"{kind} stopped: the broker is stopping"


def force_deleted_text(kind: str) -> str:
    """An operator force-deleted the instance while the operation ran."""
    return f"{kind} stopped: the instance was force-deleted by an operator"
