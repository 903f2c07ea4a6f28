"""The seed's module name for reading compose manifests, which lives in
adapters/backends/docker/compose.py now: this name is that very module."""
import sys
from typing import TYPE_CHECKING

from adapters.backends.docker import compose

if TYPE_CHECKING:  # the type checker does not follow the sys.modules swap: show it the names
    from adapters.backends.docker.compose import *  # noqa: F403

sys.modules[__name__] = compose
