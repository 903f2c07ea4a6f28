"""DockerBackend: `docker-compose` manifests as containers on one engine, `docker-swarm` manifests
as services on a swarm, through the Docker SDK. Public as `adapters.resources.DockerBackend`.

It keeps no memory of its own: every object it makes carries the labels
`io.elastest.esm.broker_id=<this broker's id>` and `io.elastest.esm.instance_id=<instance id>`
(and the compose service name), which is how it finds them again for status, update, bind and
deprovision, after a broker restart too. It only ever lists, adopts or removes objects that carry
its own broker id: another broker on the same engine is invisible to it. Every call is
idempotent: a provision resumed after a crash finds what exists, replaces what differs from the
manifest (a fingerprint label says) and creates what is missing.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import threading
import time
from typing import Callable, Optional, Union

import docker
from docker import errors as docker_errors
from docker.types import (EndpointSpec, Healthcheck, Mount, NetworkAttachmentConfig, Resources,
                          ServiceMode)

from adapters.compose import ComposeSpec, ServiceSpec, parse_compose
from adapters.docker_policy import DockerPolicy, PolicyViolation
from adapters.parse_cache import ParseCache
from adapters.resources import (Backend, BackendFailure, BindResult, ManifestInvalid,
                                OperationCancelled, OperationContext, ProvisionResult)
from esm.models import Manifest, ServiceInstance

log = logging.getLogger("esm.docker")

LABEL = "io.elastest.esm.instance_id"
BROKER_LABEL = "io.elastest.esm.broker_id"
SERVICE_LABEL = "io.elastest.esm.service"
FINGERPRINT_LABEL = "io.elastest.esm.fingerprint"
SWARM = "docker-swarm"
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,255}")
# How long a container without a healthcheck must keep running to count as ready: the engine
# takes 60-100 ms to report that a container which failed at once has exited.
STEADY_SECONDS = 0.25


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


def object_prefix(broker_id: str, instance_id: str) -> str:
    """Engine object names: short (swarm service names stop at 63), valid for any instance id,
    and naming the broker, so two brokers never reach for the same name."""
    return f"esm-{broker_id}-" + hashlib.sha1(instance_id.encode()).hexdigest()[:12]


def env_value(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return ""
    return json.dumps(value) if isinstance(value, (dict, list)) else str(value)


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


class DockerBackend(Backend):
    manifest_types = ("docker-compose", SWARM)
    inline_calls_block = False  # only a synchronous bind asks the engine (call_blocks)
    owns_resources = True

    def __init__(self, policy: DockerPolicy = DockerPolicy(), base_url: Optional[str] = None,
                 host_address: str = "127.0.0.1", poll_seconds: float = 0.2,
                 steady_seconds: float = STEADY_SECONDS,
                 broker_id: Union[str, Callable[[], str]] = "esm"):
        self.policy = policy
        self._broker_id = broker_id  # a callable when it is read from the store on first use
        self._parsed = ParseCache(lambda content, kind: parse_compose(content, self.policy, kind))
        self._data_root: Optional[str] = None
        self.base_url = base_url
        self.host_address = host_address
        self.poll_seconds = poll_seconds
        self.steady_seconds = steady_seconds  # how long a service without a healthcheck must run
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
        for key in manifest.config or {}:  # each becomes an environment variable's name
            if not ENV_NAME.fullmatch(key):
                raise ManifestInvalid(f"config key {key[:64]!r} cannot name an environment variable "
                                      "(letters, digits, '_', '.', '-'; not starting with a digit)")
        for name, endpoint in (manifest.endpoints or {}).items():
            svc = spec.services.get(endpoint["service"])
            if svc is None:
                raise ManifestInvalid(f"endpoint {name!r} names service {endpoint['service']!r}, "
                                      "which the manifest does not define")
            if not any(p.target == endpoint["port"] for p in svc.ports):
                raise ManifestInvalid(f"endpoint {name!r}: service {svc.name!r} does not publish "
                                      f"port {endpoint['port']} (add it to its ports)")

    def requires_async(self, manifest, kind):
        """Bind only reads the running instance (published ports), unbind removes nothing: both
        work inside the request, as platforms before OSB 2.14 need (they bind synchronously)."""
        return kind not in ("bind", "unbind")

    def prefers_async(self, manifest, kind):
        return True

    def call_blocks(self, kind):
        return kind == "bind"  # it asks the engine

    @staticmethod
    def environment(instance: ServiceInstance, manifest: Manifest, svc: ServiceSpec) -> dict:
        """The service's own environment, then the manifest config, then the provision
        parameters: later ones win."""
        merged = dict(svc.environment)
        for source in (manifest.config or {}, instance.parameters or {}):
            merged.update({str(k): env_value(v) for k, v in source.items()})
        return merged

    # -- operations ----------------------------------------------------------------------------

    @_engine_errors
    def provision(self, instance, manifest, ctx):
        self._realize(instance, manifest, ctx)
        return ProvisionResult()

    @_engine_errors
    def update(self, instance, manifest, ctx):
        self._realize(instance, manifest, ctx)

    def _realize(self, instance: ServiceInstance, manifest: Manifest, ctx: OperationContext) -> None:
        spec = self.spec(manifest)
        swarm = manifest.manifest_type == SWARM
        prefix = self._prefix(instance.id)
        network = self._ensure_network(instance.id, prefix, swarm)
        for volume in spec.volumes:
            self._ensure_volume(instance.id, f"{prefix}-{volume}")
        for svc in spec.services.values():
            self._ensure_image(svc.image)
        if swarm:
            self._realize_services(instance, manifest, spec, network, ctx)
        else:
            self._realize_containers(instance, manifest, spec, network, ctx)

    def _labels(self, instance_id: str, extra: Optional[dict] = None) -> dict:
        return {**(extra or {}), BROKER_LABEL: self.broker_id, LABEL: instance_id}

    def _ensure_network(self, instance_id: str, name: str, swarm: bool) -> str:
        if not self.client.networks.list(names=[name], filters=self._ours(instance_id)):
            self.client.networks.create(name, driver="overlay" if swarm else "bridge",
                                        attachable=swarm, labels=self._labels(instance_id))
        return name

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

    # compose mode: containers on one engine

    def _realize_containers(self, instance, manifest, spec, network, ctx) -> None:
        prefix = self._prefix(instance.id)
        existing = {c.labels.get(SERVICE_LABEL): c for c in self._containers(instance.id)}
        watch = SteadyWatch(self.steady_seconds)
        for svc in spec.services.values():
            if ctx.should_stop():
                raise OperationCancelled("operation stopped")
            environment = self.environment(instance, manifest, svc)
            fingerprint = self._fingerprint(svc, environment)
            container = existing.pop(svc.name, None)
            if container is not None and container.labels.get(FINGERPRINT_LABEL) != fingerprint:
                container.remove(force=True, v=True)  # the manifest or parameters changed
                container = None
            if container is None:
                self._wait_until_ready(spec, svc.healthy_dependencies, instance.id, ctx, watch)
                container = self.client.containers.create(
                    svc.image, name=f"{prefix}-{svc.name}", command=svc.command,
                    entrypoint=svc.entrypoint, environment=environment,
                    labels={**svc.labels, **self._labels(instance.id, {SERVICE_LABEL: svc.name,
                                                                        FINGERPRINT_LABEL: fingerprint})},
                    ports={f"{p.target}/{p.protocol}": p.published for p in svc.ports},
                    mounts=self._mounts(instance.id, prefix, svc),
                    healthcheck=svc.healthcheck, **self._network_options(svc, network, prefix),
                    working_dir=svc.working_dir, user=svc.user, hostname=svc.hostname,
                    restart_policy={"Name": svc.restart} if svc.restart else None,
                    privileged=svc.privileged, cap_add=svc.cap_add or None,
                    devices=svc.devices or None, **self._modes(svc, prefix),
                    mem_limit=svc.limits["memory"], memswap_limit=svc.limits["memswap"],
                    nano_cpus=svc.limits["nano_cpus"], pids_limit=svc.limits["pids"])
            if container.status != "running":
                container.start()
                watch.started(svc.name)
        for leftover in existing.values():  # services the manifest no longer has
            leftover.remove(force=True, v=True)
        self._wait_until_ready(spec, list(spec.services), instance.id, ctx, watch)

    def _network_options(self, svc: ServiceSpec, network: str, prefix: str) -> dict:
        """The instance's own network, unless the manifest chose a network_mode."""
        if svc.network_mode is not None:
            return {"network_mode": self._reference(svc.network_mode, prefix)}
        return {"network": network, "networking_config": {
            network: self.client.api.create_endpoint_config(aliases=[svc.name])}}

    def _modes(self, svc: ServiceSpec, prefix: str) -> dict:
        return {"pid_mode": self._reference(svc.pid, prefix),
                "ipc_mode": self._reference(svc.ipc, prefix),
                "userns_mode": svc.userns_mode, "uts_mode": svc.uts,
                # said, not left to the engine: on cgroup v1 its default is the host's
                "cgroupns": svc.cgroup or "private",
                "cgroup_parent": svc.cgroup_parent}

    @staticmethod
    def _reference(mode: Optional[str], prefix: str) -> Optional[str]:
        """Compose's `service:<name>` is the container of that service of this instance."""
        if mode and mode.startswith("service:"):
            return f"container:{prefix}-{mode[len('service:'):]}"
        return mode

    def _containers(self, instance_id: str) -> list:
        return self.client.containers.list(all=True, filters=self._ours(instance_id))

    def _wait_until_ready(self, spec: ComposeSpec, names: list, instance_id: str,
                          ctx: OperationContext, watch: SteadyWatch) -> None:
        """Until the named services' containers are healthy, or, without a healthcheck, have
        kept running for `steady_seconds`; a container that exits fails the operation with
        its last log lines."""
        while names:
            containers = {c.labels.get(SERVICE_LABEL): c for c in self._containers(instance_id)}
            waiting = []
            for name in names:
                container = containers.get(name)
                state = container.attrs.get("State", {}) if container else {}
                status = state.get("Status")
                if status in ("exited", "dead"):
                    raise BackendFailure(self._exit_description(name, container, state))
                health = (state.get("Health") or {}).get("Status")
                if status != "running" or health not in (None, "healthy"):
                    watch.forget(name)
                    waiting.append(name)
                elif health is None and not watch.steady(name, state.get("StartedAt")):
                    waiting.append(name)
            if not waiting:
                return
            ctx.sleep(watch.wait_hint(self.poll_seconds))

    @staticmethod
    def _exit_description(name: str, container, state: dict) -> str:
        try:
            tail = container.logs(tail=5).decode("utf-8", "replace").strip()
        except docker_errors.DockerException:
            tail = ""
        text = f"service {name!r} exited with code {state.get('ExitCode')}"
        return f"{text}; last output: {tail[-500:]}" if tail else text

    # swarm mode: services on a swarm

    def _realize_services(self, instance, manifest, spec, network, ctx) -> None:
        prefix = self._prefix(instance.id)
        existing = {s.attrs["Spec"]["Labels"].get(SERVICE_LABEL): s for s in self._services(instance.id)}
        for svc in spec.services.values():
            environment = self.environment(instance, manifest, svc)
            fingerprint = self._fingerprint(svc, environment)
            service = existing.pop(svc.name, None)
            if service is not None and service.attrs["Spec"]["Labels"].get(FINGERPRINT_LABEL) != fingerprint:
                service.remove()
                service = None
            if service is None:
                endpoint = EndpointSpec()
                endpoint["Ports"] = [{"Protocol": p.protocol, "TargetPort": p.target,
                                      **({"PublishedPort": p.published} if p.published else {})}
                                     for p in svc.ports]
                healthcheck = Healthcheck(test=svc.healthcheck["Test"],
                                          interval=svc.healthcheck.get("Interval"),
                                          timeout=svc.healthcheck.get("Timeout"),
                                          retries=svc.healthcheck.get("Retries"),
                                          start_period=svc.healthcheck.get("StartPeriod")
                                          ) if svc.healthcheck else None
                self.client.services.create(
                    svc.image, name=f"{prefix}-{svc.name}", command=svc.entrypoint, args=svc.command,
                    env=[f"{k}={v}" for k, v in environment.items()],
                    labels=self._labels(instance.id, {SERVICE_LABEL: svc.name,
                                                      FINGERPRINT_LABEL: fingerprint}),
                    container_labels={**svc.labels, **self._labels(instance.id, {SERVICE_LABEL: svc.name})},
                    networks=[NetworkAttachmentConfig(network, aliases=[svc.name])],
                    endpoint_spec=endpoint, mode=ServiceMode("replicated", replicas=svc.replicas),
                    healthcheck=healthcheck, mounts=self._mounts(instance.id, prefix, svc),
                    workdir=svc.working_dir, user=svc.user, hostname=svc.hostname,
                    resources=self._service_resources(svc), cap_add=svc.cap_add or None)
        for leftover in existing.values():
            leftover.remove()
        self._wait_for_replicas(spec, instance.id, ctx)

    @staticmethod
    def _service_resources(svc: ServiceSpec) -> Resources:
        resources = Resources(cpu_limit=svc.limits["nano_cpus"], mem_limit=svc.limits["memory"])
        resources["Limits"]["Pids"] = svc.limits["pids"]  # the SDK has no argument for it
        return resources

    def _services(self, instance_id: str) -> list:
        return self._services_matching(self._ours(instance_id))

    def _wait_for_replicas(self, spec: ComposeSpec, instance_id: str, ctx: OperationContext) -> None:
        """Until every service has its replicas running, the same tasks for `steady_seconds`."""
        watch = SteadyWatch(self.steady_seconds)
        while True:
            services = {s.attrs["Spec"]["Labels"].get(SERVICE_LABEL): s for s in self._services(instance_id)}
            short = []
            for name, svc in spec.services.items():
                tasks = services[name].tasks()
                broken = [t for t in tasks if t["Status"]["State"] in ("failed", "rejected")]
                if broken:
                    status = broken[0]["Status"]
                    raise BackendFailure(f"service {name!r}: a task {status['State']}: "
                                         f"{status.get('Err') or status.get('Message')}")
                running = frozenset(t["ID"] for t in tasks if t["Status"]["State"] == "running"
                                    and t["DesiredState"] == "running")
                if len(running) < svc.replicas:
                    watch.forget(name)
                    short.append(name)
                elif not watch.steady(name, running):
                    short.append(name)
            if not short:
                return
            ctx.sleep(watch.wait_hint(self.poll_seconds))

    # -- deletion ------------------------------------------------------------------------------

    @_engine_errors
    def deprovision(self, instance, manifest, ctx):
        """Remove every object labelled with the instance id; succeeds when none is left."""
        for service in self._services(instance.id):
            service.remove()
        for container in self._containers(instance.id):
            container.remove(force=True, v=True)
        self._remove_when_free(instance.id)

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
                raise BackendFailure(f"could not remove {', '.join(left)}: still in use")
            time.sleep(self.poll_seconds)

    # -- binding -------------------------------------------------------------------------------

    @_engine_errors
    def bind(self, instance, binding, manifest, ctx):
        """Credentials from the manifest's endpoints and the host ports the engine published."""
        swarm = manifest.manifest_type == SWARM
        credentials, endpoints = {}, []
        for name, endpoint in (manifest.endpoints or {}).items():
            port = self._published_port(instance.id, endpoint["service"], endpoint["port"], swarm)
            protocol, path = endpoint.get("protocol", "tcp"), endpoint.get("path", "")
            credentials[name] = {"host": self.host_address, "port": port, "protocol": protocol,
                                 "path": path, "uri": f"{protocol}://{self.host_address}:{port}{path}"}
            endpoints.append({"host": self.host_address, "ports": [str(port)],
                              "protocol": "udp" if protocol == "udp" else "tcp"})
        return BindResult(credentials=credentials, endpoints=endpoints)

    def _published_port(self, instance_id: str, service: str, target: int, swarm: bool) -> int:
        if swarm:
            for svc in self._services(instance_id):
                if svc.attrs["Spec"]["Labels"].get(SERVICE_LABEL) == service:
                    for port in svc.attrs.get("Endpoint", {}).get("Ports", []):
                        if port.get("TargetPort") == target and port.get("PublishedPort"):
                            return int(port["PublishedPort"])
        else:
            for container in self._containers(instance_id):
                if container.labels.get(SERVICE_LABEL) == service:
                    ports = container.attrs["NetworkSettings"]["Ports"] or {}
                    for key in (f"{target}/tcp", f"{target}/udp"):
                        for mapping in ports.get(key) or []:
                            return int(mapping["HostPort"])
        raise BackendFailure(f"service {service!r} of this instance publishes no port {target}")

    def unbind(self, instance, binding, manifest, ctx):
        """Credentials are published ports: nothing to remove per binding."""

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
                labels = (obj.attrs.get("Spec", {}).get("Labels") if kind == "service"
                          else obj.attrs.get("Labels") if kind in ("network", "volume")
                          else obj.labels) or {}
                found.append({"kind": kind, "id": obj.id, "name": obj.name,
                              "instance_id": labels.get(LABEL),
                              "workload": kind in ("container", "service")})
        return found

    def _services_matching(self, label: dict) -> list:
        try:
            return self.client.services.list(filters=label)
        except docker_errors.APIError as exc:
            if exc.status_code == 503:  # this engine is not in a swarm: it has no services
                return []
            raise

