"""What DockerBackend's parts (ContainerMode, SwarmMode, Binding) use of it and of each other,
declared once for the type checker: DockerBackend (backend.py) sets the attributes and defines
the shared helpers, and each part defines the methods the others call. At run time this is an
empty base class."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

if TYPE_CHECKING:
    import docker

    from adapters.backends.context import OperationContext
    from adapters.backends.docker.compose import ComposeSpec, ServiceSpec
    from adapters.backends.docker.policy import DockerPolicy
    from esm.models import Manifest


class DockerParts:
    policy: DockerPolicy
    host_address: str
    poll_seconds: float
    steady_seconds: float
    stop_seconds: float

    if TYPE_CHECKING:  # defined by the classes named; declared here only
        # DockerBackend (backend.py)
        @property
        def client(self) -> docker.DockerClient: ...
        def _ours(self, instance_id: Optional[str] = None) -> dict: ...
        def _prefix(self, instance_id: str) -> str: ...
        def spec(self, manifest: Manifest) -> ComposeSpec: ...
        @staticmethod
        def _recreating_once(step: Callable[[], None], ctx: OperationContext) -> None: ...
        def _create_or_adopt(self, create: Callable, find: Callable, fingerprint: str) -> Any: ...
        def _labels(self, instance_id: str, extra: Optional[dict] = None) -> dict: ...
        def network_names(self, instance_id: str, spec: ComposeSpec) -> dict: ...
        def _mounts(self, instance_id: str, prefix: str, svc: ServiceSpec) -> list: ...
        def _wanted(self, instance: Any, manifest: Any, svc: ServiceSpec) -> tuple[dict, str]: ...
        @staticmethod
        def _discard(obj: Any) -> None: ...
        def _services_matching(self, label: dict) -> list: ...

        # ContainerMode (containers.py)
        def _by_service(self, instance_id: str) -> tuple[dict, dict]: ...

        # SwarmMode (swarm.py)
        def _services_by_name(self, instance_id: str) -> dict: ...
