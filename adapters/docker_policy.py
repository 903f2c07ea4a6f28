"""The seed's module name for the Docker policy, which lives in
adapters/backends/docker/policy.py now: this name is that very module."""
import sys
from typing import TYPE_CHECKING

from adapters.backends.docker import policy

if TYPE_CHECKING:  # the type checker does not follow the sys.modules swap: show it the names
    from adapters.backends.docker.policy import *  # noqa: F403

sys.modules[__name__] = policy
