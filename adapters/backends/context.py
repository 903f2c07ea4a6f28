"""OperationContext: what a running backend call may ask the worker that runs it."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Optional

from adapters.backends.errors import OperationCancelled


@dataclass
class OperationContext:
    """What a running backend call may ask: should it stop (for any reason), and is that
    because its deadline passed, or because it was given up (no longer this worker's, or the
    broker stops)?"""
    should_stop: Callable[[], bool] = lambda: False
    past_deadline: Callable[[], bool] = lambda: False
    given_up: Callable[[], bool] = lambda: False
    #: seconds until the deadline (None: none), for waits that must not outlast it
    seconds_left: Callable[[], Optional[float]] = lambda: None

    def bounded(self, seconds: float) -> float:
        """`seconds`, or less when the deadline comes sooner (at least 0)."""
        left = self.seconds_left()
        return seconds if left is None else max(0.0, min(seconds, left))

    def without_deadline(self) -> "OperationContext":
        """A context for putting things back once the deadline passed: it stops only when the
        operation is given up."""
        return OperationContext(should_stop=self.given_up, given_up=self.given_up)

    def sleep(self, seconds: float, step: float = 0.05) -> None:
        """Sleep, waking early (OperationCancelled) when the operation is stopped."""
        if seconds <= 0:
            return
        end = time.monotonic() + seconds
        while True:
            if self.should_stop():
                raise OperationCancelled("operation stopped")
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(step, left))

