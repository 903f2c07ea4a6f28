"""What the worker knows about an operation record: its id, its subject, its deadline, the
fence of its epoch, and what it settles as (a Settlement)."""
from __future__ import annotations

import time
import uuid
from typing import Any, NamedTuple

from esm.models import Binding, Operation, ServiceInstance
from esm.states import BINDING_KINDS

# target key: the operation runs while the platform waits, and ESM_SYNC_OPERATION_TIMEOUT cut
# its deadline short
SYNC_BOUNDED = "sync_bounded"


def new_operation_id(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex}"


def subject_of(op: Operation) -> tuple[type, str]:
    """The record kind and id an operation changes: its binding, or else its instance."""
    if op.kind in BINDING_KINDS:
        assert op.binding_id is not None, "a binding's operation names its binding"
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


class Settlement(NamedTuple):
    """How an operation ends: succeeded or failed, its description, what the backend returned."""
    ok: bool
    description: str
    result: Any = None
    instance_usable: bool = True  # a failed update: whether it left the instance as it was
