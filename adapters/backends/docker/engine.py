"""Talking to the engine: its failures as BackendFailures, and how long things must keep
running before they count as ready."""
from __future__ import annotations

import functools
import time

from docker import errors as docker_errors

from adapters.backends.errors import BackendFailure

# How long a container without a healthcheck must keep running to count as ready: the engine
# takes 60-100 ms to report that a container which failed at once has exited.
STEADY_SECONDS = 0.25
STOP_SECONDS = 10  # how long a container set aside by an update may take to stop (as compose)


class Vanished(BackendFailure):
    """A container or swarm service of the instance is gone from the engine while an operation
    waits for it: someone removed it by hand (`docker rm -f`)."""

    def __init__(self, service: str, kind: str = "container"):
        super().__init__(f"service {service!r}: its {kind} vanished from the engine "
                         "(removed outside the broker)")



class SteadyWatch:
    """Whether each watched thing has stayed ready, in one incarnation, for `seconds`.

    A container that crashes at start is briefly `running`; reporting it ready then would hand a
    platform a dead service. The window is timed on this process's monotonic clock (the engine's
    clock may be skewed); the token names the incarnation (a container's StartedAt, a swarm
    service's running task ids), so a restart starts the window again.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._since: dict = {}

    def started(self, name: str) -> None:
        """Open the window now: we have just started it (its token is learnt when first seen)."""
        self._since[name] = (None, time.monotonic())

    def steady(self, name: str, token) -> bool:
        now = time.monotonic()
        seen = self._since.get(name)
        if seen is not None and seen[0] is None:
            seen = self._since[name] = (token, seen[1])
        elif seen is None or seen[0] != token:
            seen = self._since[name] = (token, now)
        return now - seen[1] >= self.seconds

    def forget(self, name: str) -> None:
        self._since.pop(name, None)

    def wait_hint(self, poll_seconds: float) -> float:
        """Sleep no longer than until the earliest window closes."""
        now = time.monotonic()
        open_windows = [since + self.seconds - now for _, since in self._since.values()
                        if since + self.seconds > now]
        return max(0.01, min([poll_seconds, *open_windows]))



def _engine_errors(method):
    """Engine trouble becomes a BackendFailure the platform can read."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except docker_errors.APIError as exc:
            raise BackendFailure(f"Docker engine refused: {exc.explanation or exc}") from None
        except docker_errors.DockerException as exc:
            raise BackendFailure(f"Docker engine unreachable: {exc}") from None
        except OSError as exc:  # requests' connection errors are OSErrors
            raise BackendFailure(f"Docker engine unreachable: {exc}") from None
    return wrapper
