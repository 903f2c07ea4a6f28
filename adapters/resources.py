"""Backends realize service instances; the BackendRegistry (the seed's EPM, the same class)
knows which backend serves which manifest type.

A `Backend` is given the stored manifest and the instance (or binding) record and must
be idempotent: the operation worker may call the same method again after a crash.
Backends tag what they create with the instance id, so they need no memory of their own.

Subclass `Backend`, then `BackendRegistry.register(MyBackend())`; its `manifest_types` become valid
values of a manifest's `manifest_type`.

This module keeps the seed's public names; the code lives in the `adapters.backends`
package, one module per job (see its docstring). `EPM` is
`adapters.backends.registry.BackendRegistry`.
"""
from __future__ import annotations

from adapters.backends.base import OPERATION_KINDS, Backend, BindResult, ProvisionResult
from adapters.backends.context import OperationContext
from adapters.backends.dummy import _DUMMY_SPECS, DummyBackend, DummySpec
from adapters.backends.errors import BackendFailure, ManifestInvalid, OperationCancelled
from adapters.backends.registry import EPM, BackendRegistry
from adapters.backends.yaml_content import MAX_YAML_DEPTH, load_yaml_mapping

# DockerBackend too, through __getattr__ below
__all__ = ["Backend", "BindResult", "ProvisionResult", "OperationContext",
           "BackendFailure", "ManifestInvalid", "OperationCancelled", "EPM",
           "BackendRegistry", "DummyBackend", "DummySpec", "OPERATION_KINDS",
           "MAX_YAML_DEPTH", "load_yaml_mapping"]
_SHARED = (_DUMMY_SPECS,)  # under the name it had here


def __getattr__(name: str):
    """`adapters.resources.DockerBackend` stays a public name, but this module does not
    import it (it needs the Docker SDK): it is looked up only when someone asks for it.
    The broker itself picks its backends in esm/wiring.py."""
    if name == "DockerBackend":
        from adapters.backends.docker.backend import DockerBackend
        return DockerBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
