"""DockerBackend: `docker-compose` manifests as containers on one engine, `docker-swarm` manifests
as services on a swarm, through the Docker SDK. Public as `adapters.resources.DockerBackend`.

It keeps no memory of its own: every object it makes carries the labels
`io.elastest.esm.broker_id=<this broker's id>` and `io.elastest.esm.instance_id=<instance id>`
(and the compose service name), which is how it finds them again for status, update, bind and
deprovision, after a broker restart too. It only ever lists, adopts or removes objects that carry
its own broker id: another broker on the same engine is invisible to it. Every call is
idempotent: a provision resumed after a crash finds what exists, replaces what differs from the
manifest (a fingerprint label says) and creates what is missing.

Failures leave nothing half done behind: a failed provision removes everything of the instance at
once; a failed update of a compose instance is rolled back to the containers it had (a swarm one
cannot be, and says so: `BackendFailure.instance_usable` False); a container or swarm service that
vanishes from the engine while an operation waits for it is recreated once, and fails the
operation if it vanishes again. An operation that is stopped (OperationCancelled: a delete took
over, its deadline passed, or its worker is handing it over) is left as it is, for whoever
carries on.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from typing import Callable, Optional, Union

import docker
from docker import errors as docker_errors
from docker.models.containers import Container
from docker.types import Mount

from adapters.backends.base import Backend, ProvisionResult
from adapters.backends.context import OperationContext
from adapters.backends.docker.binding import Binding
from adapters.backends.docker.compose import ComposeSpec, NetworkSpec, ServiceSpec, parse_compose
from adapters.backends.docker.containers import STOP_SECONDS, ContainerMode
from adapters.backends.docker.engine import STEADY_SECONDS, Vanished, _engine_errors
from adapters.backends.docker.environment import (
    config_environment,
    env_problem,
    env_value,
    is_descriptor,
)
from adapters.backends.docker.naming import (
    BROKER_LABEL,
    FINGERPRINT_LABEL,
    LABEL,
    SWARM,
    labels_of,
    object_prefix,
)
from adapters.backends.docker.policy import DockerPolicy, PolicyViolation
from adapters.backends.docker.swarm import SwarmMode
from adapters.backends.errors import BackendFailure, ManifestInvalid, OperationCancelled
from adapters.parse_cache import ParseCache
from esm.models import Manifest, ServiceInstance
from esm.states import OperationKind

log = logging.getLogger("esm.docker")


class DockerBackend(ContainerMode, SwarmMode, Binding, Backend):
    """Instances on a Docker engine. Its parts, one module each: ContainerMode (containers.py:
    compose manifests as containers, updates rolled back), SwarmMode (swarm.py: services on a
    swarm) and Binding (binding.py: bind credentials and the operator's view, read from the
    engine). This class holds what they share: the engine client and the broker id, the
    manifests, the realization steps of both modes (networks, volumes, images, mounts,
    fingerprints, adopting what another worker made), deletion and the inventory."""

    manifest_types = ("docker-compose", SWARM)
    inline_calls_block = False  # validation does not ask the engine; the operations do (call_blocks)
    owns_resources = True

    def __init__(self, policy: DockerPolicy = DockerPolicy(), base_url: Optional[str] = None,
                 host_address: str = "127.0.0.1", poll_seconds: float = 0.2,
                 steady_seconds: float = STEADY_SECONDS, stop_seconds: float = STOP_SECONDS,
                 broker_id: Union[str, Callable[[], str]] = "esm"):
        self.policy = policy
        self._broker_id = broker_id  # a callable when it is read from the store on first use
        self._parsed = ParseCache(lambda content, kind: parse_compose(content, self.policy, kind))
        self._data_root: Optional[str] = None
        self.base_url = base_url
        self.host_address = host_address
        self.poll_seconds = poll_seconds
        self.steady_seconds = steady_seconds  # how long a service without a healthcheck must run
        self.stop_seconds = stop_seconds
        self._client: Optional[docker.DockerClient] = None
        self._client_lock = threading.Lock()

    # -- the engine ----------------------------------------------------------------------------

    @property
    def client(self) -> docker.DockerClient:
        with self._client_lock:
            if self._client is None:
                self._client = docker.DockerClient(base_url=self.base_url or "unix:///var/run/docker.sock",
                                                   timeout=60, max_pool_size=64)
            return self._client

    @_engine_errors
    def ping(self) -> None:
        self.client.ping()

    @property
    def broker_id(self) -> str:
        if callable(self._broker_id):
            self._broker_id = self._broker_id()
        return self._broker_id

    def _ours(self, instance_id: Optional[str] = None) -> dict:
        """The engine filter for this broker's objects (of one instance, or all)."""
        return {"label": [f"{BROKER_LABEL}={self.broker_id}",
                          LABEL if instance_id is None else f"{LABEL}={instance_id}"]}

    def _prefix(self, instance_id: str) -> str:
        return object_prefix(self.broker_id, instance_id)

    def _engine_data_root(self) -> str:
        if self._data_root is None:
            self._data_root = self.client.info().get("DockerRootDir") or "/var/lib/docker"
        return self._data_root

    # -- manifests -----------------------------------------------------------------------------

    def spec(self, manifest: Manifest) -> ComposeSpec:
        return self._parsed.get(manifest.manifest_content, manifest.manifest_type)

    def validate_manifest(self, manifest: Manifest) -> None:
        spec = self.spec(manifest)
        for key, value in (manifest.config or {}).items():  # each names an environment variable
            if is_descriptor(value) and not all(isinstance(value.get(k, ""), str)
                                                for k in ("type", "label")):
                raise ManifestInvalid(f"config {key!r}: a setting descriptor's type and label "
                                      "must be strings")
        for key, value in config_environment(manifest.config).items():
            problem = env_problem(key, value)
            if problem:
                raise ManifestInvalid(f"config key {problem}")
        for name, endpoint in (manifest.endpoints or {}).items():
            if "service" not in endpoint:  # ElasTest's form: keyed by the service serving it
                if name not in spec.services:
                    raise ManifestInvalid(
                        f"endpoints {name[:64]!r}: the manifest defines no service {name[:64]!r} "
                        "(endpoints without 'service' are keyed by the compose service that "
                        f"serves them; it defines {', '.join(sorted(spec.services))})")
                continue
            svc = spec.services.get(endpoint["service"])
            if svc is None:
                raise ManifestInvalid(f"endpoint {name!r} names service {endpoint['service']!r}, "
                                      "which the manifest does not define")
            if not any(p.target == endpoint["port"] for p in svc.ports):
                raise ManifestInvalid(f"endpoint {name!r}: service {svc.name!r} does not publish "
                                      f"port {endpoint['port']} (add it to its ports)")

    def check_parameters(self, manifest, parameters):
        for key, value in parameters.items():  # each becomes an environment variable
            problem = env_problem(key, env_value(value))
            if problem:
                raise ManifestInvalid(f"parameters: {problem}")

    def requires_async(self, manifest, kind):
        """Every operation can also run inside the request, for platforms that do not accept
        asynchronous ones (as the original ESM did; binds before OSB 2.14): the broker bounds it
        by ESM_SYNC_OPERATION_TIMEOUT."""
        return False

    def prefers_async(self, manifest, kind):
        return True

    def call_blocks(self, kind):
        return kind != OperationKind.UNBIND  # they ask the engine, and wait for it; unbind removes nothing

    @staticmethod
    def environment(instance: ServiceInstance, manifest: Manifest, svc: ServiceSpec) -> dict:
        """The service's own environment, then the manifest config, then the provision
        parameters: later ones win."""
        merged = {**svc.environment, **config_environment(manifest.config)}
        merged.update({str(k): env_value(v) for k, v in (instance.parameters or {}).items()})
        return merged

    # -- operations ---------------------------------------------------------------------------

    def provision(self, instance, manifest, ctx):
        """Realize the manifest. When it fails, everything labelled with the instance is removed
        at once (the operation stays failed); not when it is stopped (OperationCancelled): a
        delete, or the worker that takes it over, carries on from what exists."""
        try:
            self._realize(instance, manifest, ctx)
        except BackendFailure as failure:
            raise self._cleaned_up(instance.id, failure) from None
        return ProvisionResult()

    def update(self, instance, manifest, ctx):
        """Realize the new manifest; a failure leaves the instance as it was (see
        `_realize_containers`), or says it could not (`instance_usable` False)."""
        self._realize(instance, manifest, ctx, update=True)

    def _cleaned_up(self, instance_id: str, failure: BackendFailure) -> BackendFailure:
        """The failure of a provision, once what it made is removed (or a note that it is not)."""
        try:
            self._remove_all(instance_id)
        except Exception as exc:  # noqa: BLE001 - the provision's own failure is what to report
            log.warning("removing what the failed provision of %s made failed: %s", instance_id, exc)
            return BackendFailure(f"{failure} (what it made could not all be removed yet: {exc}; "
                                  "a deprovision removes it)", failure.instance_usable)
        return failure

    @_engine_errors
    def _realize(self, instance: ServiceInstance, manifest: Manifest, ctx: OperationContext,
                 update: bool = False) -> None:
        spec = self.spec(manifest)
        swarm = manifest.manifest_type == SWARM
        prefix = self._prefix(instance.id)
        # nothing of what runs changes before this point: a failure here needs no rollback
        networks = self._ensure_networks(instance.id, spec, swarm)
        for volume in spec.volumes:
            self._ensure_volume(instance.id, f"{prefix}-{volume}")
        for svc in spec.services.values():
            self._ensure_image(svc.image)
        if swarm:
            self._realize_services(instance, manifest, spec, networks, ctx, update)
        else:
            self._realize_containers(instance, manifest, spec, networks, ctx, update)

    @staticmethod
    def _recreating_once(step: Callable[[], None], ctx: OperationContext) -> None:
        """Run `step`; when a container or service vanishes meanwhile, run it once more (it
        recreates what is missing) unless the operation is being stopped (a delete removing
        things); a second vanishing fails the operation."""
        for again in (False, True):
            try:
                return step()
            except Vanished as exc:
                if again:
                    raise BackendFailure(f"{exc}, again after it was recreated") from None
                if ctx.should_stop():
                    raise OperationCancelled("operation stopped") from None
                log.warning("%s; recreating it", exc)

    def _create_or_adopt(self, create: Callable, find: Callable, fingerprint: str):
        """`create()`, unless the engine answers 409 Conflict because another worker made the
        object under that name meanwhile: `find()` then returns it, adopted when it carries the
        wanted fingerprint."""
        try:
            return create()
        except docker_errors.APIError as exc:
            found = find() if exc.status_code == 409 else None
            if found is None or labels_of(found).get(FINGERPRINT_LABEL) != fingerprint:
                raise
            log.info("adopting %s, which another worker created meanwhile", found.name)
            return found

    def _labels(self, instance_id: str, extra: Optional[dict] = None) -> dict:
        return {**(extra or {}), BROKER_LABEL: self.broker_id, LABEL: instance_id}

    def network_names(self, instance_id: str, spec: ComposeSpec) -> dict:
        """The manifest's networks -> their names on the engine: the instance's default network
        is named by its prefix, its other ones after it; an external one keeps its own name."""
        prefix = self._prefix(instance_id)
        return {name: net.engine_name if net.external else prefix if name == "default"
                else f"{prefix}-{name}" for name, net in spec.networks.items()}

    def _ensure_networks(self, instance_id: str, spec: ComposeSpec, swarm: bool) -> dict:
        names = self.network_names(instance_id, spec)
        for name, net in spec.networks.items():
            if net.external:
                self._check_external(names[name])
            else:
                self._ensure_network(instance_id, names[name], swarm, net)
        return names

    def _check_external(self, name: str) -> None:
        """The operator made it (it is listed in ESM_DOCKER_EXTERNAL_NETWORKS); the broker only
        joins it, and never removes it."""
        if not any(n.name == name for n in self.client.networks.list(names=[name])):
            raise BackendFailure(f"the external network {name} is not on the engine: the operator "
                                 "lists it in ESM_DOCKER_EXTERNAL_NETWORKS, so create it first")

    def _ensure_network(self, instance_id: str, name: str, swarm: bool, net: NetworkSpec) -> None:
        found = self.client.networks.list(names=[name], filters=self._ours(instance_id))
        if any(n.name == name for n in found):  # the filter matches parts of names too
            return
        try:  # the engine allows two networks of one name unless asked not to
            self.client.networks.create(name, driver="overlay" if swarm else "bridge",
                                        attachable=swarm, internal=net.internal,
                                        labels={**net.labels, **self._labels(instance_id)},
                                        check_duplicate=True)
        except docker_errors.APIError as exc:
            if exc.status_code != 409:  # 409: another worker made it meanwhile
                raise

    def _ensure_volume(self, instance_id: str, name: str) -> None:
        try:
            volume = self.client.volumes.get(name)
        except docker_errors.NotFound:
            self.client.volumes.create(name, labels=self._labels(instance_id))
            return
        labels = volume.attrs.get("Labels") or {}
        if (labels.get(BROKER_LABEL), labels.get(LABEL)) != (self.broker_id, instance_id):
            raise BackendFailure(f"volume {name} exists on the engine but is not this instance's; "
                                 "refusing to use it")

    def _ensure_image(self, image: str) -> None:
        try:
            self.client.images.get(image)
            return
        except docker_errors.ImageNotFound:
            pass
        try:
            self.client.images.pull(image)
        except docker_errors.DockerException as exc:
            reason = getattr(exc, "explanation", None) or str(exc)
            raise BackendFailure(f"image {image!r} is not on the engine and could not be pulled: "
                                 f"{reason}") from None

    def _mounts(self, instance_id: str, prefix: str, svc: ServiceSpec) -> list:
        mounts = []
        source: Optional[str]
        for vol in svc.volumes:
            if vol.bind:
                try:  # resolved now: a symlink made since registration must not lead outside
                    source = self.policy.resolve_bind(vol.source, self._engine_data_root())
                except PolicyViolation as exc:
                    raise BackendFailure(f"service {svc.name!r}: {exc}") from None
                mounts.append(Mount(vol.target, source, type="bind", read_only=vol.read_only))
            else:
                source = f"{prefix}-{vol.source}" if vol.source else None
                mounts.append(Mount(vol.target, source, type="volume", read_only=vol.read_only,
                                    labels=self._labels(instance_id)))
        return mounts

    @staticmethod
    def _fingerprint(svc: ServiceSpec, environment: dict) -> str:
        return hashlib.sha256(svc.fingerprint(environment).encode()).hexdigest()[:32]


    def _wanted(self, instance, manifest, svc: ServiceSpec) -> tuple[dict, str]:
        """The environment and fingerprint the service's container should have."""
        environment = self.environment(instance, manifest, svc)
        return environment, self._fingerprint(svc, environment)


    @staticmethod
    def _discard(obj) -> None:
        """Remove a container (with its anonymous volumes) or a swarm service; None, one already
        gone, or a container whose removal is under way (409: a swarm task's), is fine."""
        if obj is None:
            return
        container = isinstance(obj, Container)
        try:
            obj.remove(**({"force": True, "v": True} if container else {}))
        except docker_errors.NotFound:
            pass
        except docker_errors.APIError as exc:
            if not (container and exc.status_code == 409):
                raise

    # -- deletion ------------------------------------------------------------------------------

    def deprovision(self, instance, manifest, ctx):
        """Remove every object labelled with the instance id; succeeds when none is left."""
        self._remove_all(instance.id)

    @_engine_errors
    def _remove_all(self, instance_id: str) -> None:
        for obj in [*self._services(instance_id), *self._containers(instance_id)]:
            self._discard(obj)
        self._remove_when_free(instance_id)

    def _remove_when_free(self, instance_id: str, seconds: float = 60) -> None:
        """Networks and volumes go once the containers using them (swarm tasks too) are gone."""
        deadline = time.monotonic() + seconds
        label = self._ours(instance_id)
        while True:
            removals = ([(n, n.remove) for n in self.client.networks.list(filters=label)]
                        + [(v, functools.partial(v.remove, force=True))
                           for v in self.client.volumes.list(filters=label)])
            if not removals:  # (swarm networks leave the listing a moment after removal)
                return
            left = []
            for obj, remove in removals:
                left.append(obj.name)
                try:
                    remove()
                except docker_errors.NotFound:
                    pass
                except docker_errors.APIError:
                    pass  # still in use by a container on its way out: next round
            if time.monotonic() > deadline:
                raise BackendFailure(f"could not remove {', '.join(map(str, left))}: still in use")
            time.sleep(self.poll_seconds)

    # -- inventory -----------------------------------------------------------------------------

    @_engine_errors
    def owned_resources(self, instance_id: Optional[str] = None) -> list[dict]:
        label = self._ours(instance_id)
        found = []
        for kind, objects in (("container", self.client.containers.list(all=True, filters=label)),
                              ("service", self._services_matching(label)),
                              ("network", self.client.networks.list(filters=label)),
                              ("volume", self.client.volumes.list(filters=label))):
            for obj in objects:
                found.append({"kind": kind, "id": obj.id, "name": obj.name,
                              "instance_id": labels_of(obj).get(LABEL),
                              "workload": kind in ("container", "service")})
        return found

    def _services_matching(self, label: dict) -> list:
        try:
            return self.client.services.list(filters=label)
        except docker_errors.APIError as exc:
            if exc.status_code == 503:  # this engine is not in a swarm: it has no services
                return []
            raise
