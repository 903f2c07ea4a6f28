"""Which implementations the broker runs on, from its settings: the store (ESM_STORE) and the
backends (the dummy one, and Docker as the operator configured it). The contract modules
(adapters/stores/base.py, adapters/backends/base.py and registry.py) import no implementation;
adapters/datastore.py and adapters/resources.py re-export the seed's names."""
from __future__ import annotations

from typing import Callable

from adapters.datastore import InMemoryStore, SQLiteStore, Store
from adapters.docker_policy import DockerPolicy
from adapters.resources import BackendRegistry, DummyBackend
from esm.config import Settings


def store_from_url(url: str, settings: Settings = Settings()) -> Store:
    """`memory`, `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` or
    `mongodb://[user:password@]host[:port]/database`; the store's own settings from `settings`."""
    if url == "memory":
        return InMemoryStore()
    if url.startswith(("mongodb://", "mongodb+srv://")):
        from pymongo.errors import PyMongoError

        from adapters.mongo_store import MongoDB, redact  # pymongo is loaded only when used
        try:
            return MongoDB(url, write_concern=settings.mongodb_write_concern,
                           journal=settings.mongodb_journal)
        except (ValueError, PyMongoError) as exc:  # the driver's own checks of the URI
            raise ValueError(f"ESM_STORE {redact(url)!r} is not a usable MongoDB URL: {exc}") from None
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if not path:
            raise ValueError("ESM_STORE sqlite URL needs a file path: sqlite:///esm-data/esm.db")
        return SQLiteStore(path, synchronous=settings.sqlite_sync)
    scheme = url.split(":", 1)[0]
    raise ValueError(f"ESM_STORE: unsupported store {scheme!r} (use memory, sqlite:///path/file.db "
                     "or mongodb://host:port/database)")


def docker_policy(settings: Settings) -> DockerPolicy:
    """What Docker manifests may do on this broker (README, "What a Docker manifest may do")."""
    local = not settings.docker_host or settings.docker_host.startswith("unix://")
    return DockerPolicy(
        allow_privileged=settings.docker_allow_privileged,
        allowed_bind_paths=settings.docker_allowed_bind_paths, local_engine=local,
        external_networks=settings.docker_external_networks,
        max_services=settings.docker_max_services, max_replicas=settings.docker_max_replicas,
        max_ports=settings.docker_max_ports,
        default_memory=settings.docker_default_memory, max_memory=settings.docker_max_memory,
        max_cpus=settings.docker_max_cpus, pids_limit=settings.docker_pids_limit)


def default_backends(settings: Settings, broker_id: Callable[[], str]) -> BackendRegistry:
    """The dummy backend and the Docker backend (which connects only when first used)."""
    from adapters.docker_backend import DockerBackend  # the Docker SDK is loaded only here
    return BackendRegistry([DummyBackend(), DockerBackend(
        docker_policy(settings), base_url=settings.docker_host,
        host_address=settings.docker_host_address,
        broker_id=broker_id)])
