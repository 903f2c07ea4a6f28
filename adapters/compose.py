"""The seed's module name for reading compose manifests, which lives in
adapters/backends/docker/compose.py now: this name is that very module."""
import sys

from adapters.backends.docker import compose

sys.modules[__name__] = compose
