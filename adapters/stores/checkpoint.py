"""A thread that does one thing every few seconds until it is stopped: SQLiteStore's
WAL checkpoints, off the request path."""
from __future__ import annotations

import threading
from typing import Callable


class Checkpointer:
    """Calls `step` every `seconds` in a daemon thread of its own until `stop()`; a
    round that raises one of `tolerated` is left for the next round to do."""

    def __init__(self, step: Callable[[], object], seconds: float,
                 tolerated: tuple[type[BaseException], ...], name: str):
        self._step = step
        self.seconds = seconds
        self._tolerated = tolerated
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(self.seconds):
            try:
                self._step()
            except self._tolerated:
                pass

    def stop(self, timeout: float = 5) -> None:
        self._stopped.set()
        self._thread.join(timeout)
