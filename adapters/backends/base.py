"""The abstract Backend: what every driver promises (tests/test_backend_contract.py checks it).

A `Backend` is given the stored manifest and the instance (or binding) record and must be
idempotent: the operation worker may call the same method again after a crash. Backends tag
what they create with the instance id, so they need no memory of their own.

Subclass `Backend`, then `registry.register(MyBackend())` (adapters/backends/registry.py); its
`manifest_types` become valid values of a manifest's `manifest_type`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Optional

from adapters.backends.context import OperationContext
from esm.models import Binding, Manifest, ServiceInstance
from esm.states import OperationKind

OPERATION_KINDS = tuple(kind.value for kind in OperationKind)  # as manifests spell them


@dataclass
class BindResult:
    credentials: dict = field(default_factory=dict)
    endpoints: list = field(default_factory=list)  # OSB endpoint objects


@dataclass
class ProvisionResult:
    dashboard_url: Optional[str] = None


class Backend(ABC):
    """A driver that realizes instances of one or more manifest types."""

    manifest_types: tuple[str, ...] = ()
    #: Whether the backend makes objects of its own (orphan checks ask those that do).
    owns_resources: bool = False
    #: Whether the calls made inside a request (the operations `requires_async` says need not
    #: be async, and validation) may block; if any backend's may, requests run in threads.
    inline_calls_block: bool = True

    @abstractmethod
    def validate_manifest(self, manifest: Manifest) -> None:
        """Raise ManifestInvalid with a readable reason when the content is not acceptable."""

    def check_parameters(self, manifest: Manifest, parameters: dict) -> None:
        """Raise ManifestInvalid when the backend cannot use these instance parameters (the
        platform's request is then refused, before anything is stored)."""

    def requires_async(self, manifest: Manifest, kind: str) -> bool:
        """True when operation `kind` cannot complete inside the request."""
        return True

    def prefers_async(self, manifest: Manifest, kind: str) -> bool:
        """True when `kind` should run asynchronously whenever the platform accepts it."""
        return self.requires_async(manifest, kind)

    def call_blocks(self, kind: str) -> bool:
        """Whether a synchronous `kind` call, made inside the request, may block (on a network,
        a disk): the request then runs it in a thread."""
        return self.inline_calls_block

    @abstractmethod
    def provision(self, instance: ServiceInstance, manifest: Manifest,
                  ctx: OperationContext) -> ProvisionResult:
        ...

    @abstractmethod
    def update(self, instance: ServiceInstance, manifest: Manifest, ctx: OperationContext) -> None:
        """`instance` already carries the target plan/parameters."""

    @abstractmethod
    def deprovision(self, instance: ServiceInstance, manifest: Optional[Manifest],
                    ctx: OperationContext) -> None:
        """Remove everything of the instance; succeed when nothing is there."""

    @abstractmethod
    def bind(self, instance: ServiceInstance, binding: Binding, manifest: Manifest,
             ctx: OperationContext) -> BindResult:
        ...

    @abstractmethod
    def unbind(self, instance: ServiceInstance, binding: Binding, manifest: Optional[Manifest],
               ctx: OperationContext) -> None:
        ...

    def planned_dashboard_url(self, instance: ServiceInstance, manifest: Manifest) -> Optional[str]:
        """The dashboard URL, when it is known before provisioning (OSB wants it in the 202)."""
        return None

    def instance_details(self, instance: ServiceInstance, manifest: Manifest) -> dict:
        """What the operator's view of one instance shows from the backend itself (nothing by
        default): `addresses` (service -> its address, or None) and `endpoints` (the manifest's
        endpoints with the URL parts where they are reached). Never credentials or environment
        values. May raise: the view is then served without them."""
        return {}

    def owned_resources(self, instance_id: Optional[str] = None) -> list[dict]:
        """Objects this backend holds (for one instance, or all), as small dicts with `kind`,
        `id`, `name`, `instance_id` and `workload` (True for what runs the service: an instance
        with no workload object left has lost its objects)."""
        return []

    def ping(self) -> None:
        """Raise BackendFailure when the backend cannot be reached."""

