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
import json
import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Optional, Union

import docker
from docker import errors as docker_errors
from docker.models.containers import Container
from docker.types import (DNSConfig, EndpointSpec, Healthcheck, LogConfig, Mount,
                          NetworkAttachmentConfig, Resources, ServiceMode, Ulimit)

from adapters.compose import ComposeSpec, NetworkSpec, ServiceSpec, parse_compose
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
# The name of a container an update set aside: <prefix>.previous-<service>. Not
# `<prefix>-<service>-previous`: a compose service may be named `web-previous` itself, while every
# current container's name has a '-' right after the prefix.
ASIDE_MARK = ".previous-"
SWARM = "docker-swarm"
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,255}")
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


@dataclass
class Changes:
    """What one update call did to the containers, for its rollback."""
    made: set = field(default_factory=set)  # services it created a container for
    aside: set = field(default_factory=set)  # services whose container it set aside


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


def labels_of(obj) -> dict:
    """An engine object's labels: a container keeps them in its config, a swarm service in its
    spec, networks and volumes at the top."""
    attrs = obj.attrs
    return (attrs.get("Config") or attrs.get("Spec") or attrs).get("Labels") or {}


def env_value(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return ""
    return json.dumps(value) if isinstance(value, (dict, list)) else str(value)


# A config value holding one of these is an ElasTest setting descriptor ({"type", "label",
# "default"}): the variable is its `default`, and without one it sets nothing.
DESCRIPTOR_KEYS = ("default", "type", "label")


def is_descriptor(value) -> bool:
    return isinstance(value, dict) and any(key in value for key in DESCRIPTOR_KEYS)


# The kernel refuses one environment string ("NAME=value") of 128 KiB or more (MAX_ARG_STRLEN)
MAX_ENV_STRING = 128 * 1024 - 1


def env_problem(name, value: str) -> Optional[str]:
    """Why `name=value` cannot be a container's environment variable, or None."""
    if not isinstance(name, str) or not ENV_NAME.fullmatch(name):
        return (f"{str(name)[:64]!r} cannot name an environment variable (letters, digits, '_', "
                "'.', '-'; not starting with a digit)")
    if "\0" in value:
        return f"{name!r}: an environment value cannot hold a NUL character"
    if len(name.encode()) + 1 + len(value.encode()) > MAX_ENV_STRING:
        return f"{name!r}: an environment variable is at most {MAX_ENV_STRING} bytes with its name"
    return None


def config_environment(config: dict) -> dict:
    """The manifest config as environment variables: a descriptor's `default`, any other value
    itself (lists and other mappings as JSON, as before descriptors were known)."""
    environment = {}
    for key, value in (config or {}).items():
        if not is_descriptor(value):
            environment[str(key)] = env_value(value)
        elif "default" in value:
            environment[str(key)] = env_value(value["default"])
    return environment


@dataclass
class Reached:
    """Where one compose service of an instance is reached: its address on its network (see
    `_network_of`), and its published ports ("8080/tcp" -> host port)."""
    address: Optional[str] = None
    published: dict = field(default_factory=dict)


def url_parts(host: str, port: int, protocol: str, path: str) -> dict:
    """Where an endpoint is reached; a path goes after the port, always behind a '/' (the
    spec allows only URI path characters in it), so it cannot name another host."""
    if path and not path.startswith("/"):
        path = "/" + path
    return {"host": host, "port": port, "protocol": protocol, "path": path,
            "uri": f"{protocol}://{host}:{port}{path}"}


def transport(protocol: str) -> str:
    """The engine's port protocol under an endpoint's (http, ws, ... travel over tcp)."""
    return "udp" if protocol == "udp" else "tcp"


def _as_list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


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
        return kind != "unbind"  # they ask the engine, and wait for it; unbind removes nothing

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

    def _realize_containers(self, instance, manifest, spec, networks, ctx, update: bool) -> None:
        """Bring the instance's containers to the manifest. The container of a service whose
        fingerprint changed is set aside (renamed, stopped) while the new one starts; once all
        are ready the set-aside containers go, and so do services the manifest no longer has.
        When an update fails, it is rolled back: the new containers go, the set-aside ones come
        back and start; if that fails too, the failure says the instance is not usable."""
        changes = Changes()
        try:
            self._recreating_once(lambda: self._roll_forward(instance, manifest, spec, networks,
                                                             ctx, changes), ctx)
            self._commit(instance.id, spec)
        except BackendFailure as failure:
            if not update:
                raise
            raise self._rolled_back(instance.id, spec, ctx, changes, failure) from None
        except OperationCancelled:
            if not (update and ctx.past_deadline()):
                raise  # a delete, or the worker that takes over, carries on from what exists
            # nobody carries on from a deadline: the instance goes back to as it was
            raise self._rolled_back(instance.id, spec, ctx.without_deadline(), changes,
                                    BackendFailure("it did not finish before its deadline")) from None

    @_engine_errors
    def _roll_forward(self, instance, manifest, spec, networks, ctx, changes: Changes) -> None:
        self._set_aside_changed(instance, manifest, spec, changes, ctx)

        def create(svc: ServiceSpec):
            changes.made.add(svc.name)
            return self._create_container(instance, manifest, svc, networks)
        self._bring_up(instance.id, spec, list(spec.services), self._by_service(instance.id)[0],
                       ctx, create)

    def _set_aside_changed(self, instance, manifest, spec, changes: Changes,
                           ctx: OperationContext) -> None:
        """Rename aside and stop (it may hold fixed host ports) the container of each service
        whose fingerprint changed; what an interrupted earlier attempt left is sorted out first.
        A stop is cut short when the deadline comes sooner than its grace period ends (a
        synchronous update must answer in time): the container is killed then."""
        current, previous = self._by_service(instance.id)
        aside = []
        for svc in spec.services.values():
            fingerprint = self._wanted(instance, manifest, svc)[1]
            container = self._set_aside(instance.id, svc.name, fingerprint,
                                        current.get(svc.name), previous.get(svc.name))
            if container is not None:
                changes.aside.add(svc.name)
                aside.append((container, ctx.bounded(self._grace_seconds(svc))))
        self._stop_all(aside)

    def _set_aside(self, instance_id: str, name: str, fingerprint: str, now: Optional[Container],
                   before: Optional[Container]) -> Optional[Container]:
        """The container set aside for service `name` (None: none), given its current one
        (`now`) and the one an earlier attempt set aside (`before`)."""
        if before is not None and labels_of(before).get(FINGERPRINT_LABEL) == fingerprint:
            self._discard(now)  # an earlier attempt set aside just what is wanted again
            before.rename(self._container_name(instance_id, name))
            return None
        if now is None or labels_of(now).get(FINGERPRINT_LABEL) == fingerprint:
            return before
        if before is not None:  # `now` is an unfinished attempt's; `before` is what ran
            self._discard(now)
            return before
        now.rename(f"{self._prefix(instance_id)}{ASIDE_MARK}{name}")
        return now

    def _grace_seconds(self, svc: ServiceSpec) -> float:
        """How long the service's container may take to stop: its stop_grace_period (the SDK
        cannot give the engine one for a container), else `stop_seconds`, as compose."""
        return svc.stop_grace_period / 1e9 if svc.stop_grace_period else self.stop_seconds

    def _stop_all(self, containers: list) -> None:
        """Stop them all at once, each (container, seconds) given that long before it is killed."""
        def stop(item):
            try:
                item[0].stop(timeout=max(1, round(item[1])))
            except docker_errors.NotFound:
                pass  # gone already: a rollback will say so
        if containers:
            with ThreadPoolExecutor(len(containers), thread_name_prefix="esm-stop") as pool:
                list(pool.map(stop, containers))

    def _bring_up(self, instance_id: str, spec: ComposeSpec, names: list, containers: dict,
                  ctx: OperationContext, create: Optional[Callable] = None) -> None:
        """Start the named services' containers in start order, each once the services it needs
        healthy are (`create(svc)` makes one that is missing), then wait until all are ready."""
        watch = SteadyWatch(self.steady_seconds)
        for name in names:
            if ctx.should_stop():
                raise OperationCancelled("operation stopped")
            svc = spec.services.get(name)
            container = containers.get(name)
            if container is None or container.status != "running":
                needs = svc.healthy_dependencies if svc else []
                self._wait_until_ready([n for n in needs if n in names], instance_id, ctx, watch)
            if container is None:
                container = create(svc)
            if create is not None and container.status != "running":  # not a rollback's
                self._join_networks(container, svc, self.network_names(instance_id, spec))
            self._start(container, name, watch)
        self._wait_until_ready(names, instance_id, ctx, watch)

    @staticmethod
    def _start(container, name: str, watch: SteadyWatch) -> None:
        if container.status == "running":
            return
        try:
            container.start()
        except docker_errors.NotFound:
            raise Vanished(name) from None
        watch.started(name)

    @_engine_errors
    def _commit(self, instance_id: str, spec: ComposeSpec) -> None:
        """The new containers are ready: the set-aside ones go, and those of services the
        manifest no longer has."""
        current, previous = self._by_service(instance_id)
        for container in [*previous.values(),
                          *(c for name, c in current.items() if name not in spec.services)]:
            self._discard(container)

    def _rolled_back(self, instance_id: str, spec: ComposeSpec, ctx: OperationContext,
                     changes: Changes, failure: BackendFailure) -> BackendFailure:
        """The failure of an update, once the instance is back as it was (or saying it is not)."""
        try:
            self._roll_back(instance_id, spec, ctx, changes)
        except BackendFailure as exc:
            log.warning("rolling back the failed update of %s failed: %s", instance_id, exc)
            return BackendFailure(f"update failed: {failure}; rolling it back failed too, so the "
                                  f"instance may not work: {exc}", instance_usable=False)
        return BackendFailure(f"update failed and was rolled back (the instance is as before): "
                              f"{failure}")

    @_engine_errors
    def _roll_back(self, instance_id: str, spec: ComposeSpec, ctx: OperationContext,
                   changes: Changes) -> None:
        """Remove the containers the update made, rename the set-aside ones back, start them."""
        current, previous = self._by_service(instance_id)
        lost = sorted(changes.aside - previous.keys())
        if lost:
            raise BackendFailure(f"the previous container of service(s) {', '.join(lost)} "
                                 "vanished from the engine")
        for name in changes.made | previous.keys():
            self._discard(current.pop(name, None))
        for name, container in previous.items():
            container.rename(self._container_name(instance_id, name))
            current[name] = container
        # the manifest's services in start order, then those it would have dropped
        names = ([n for n in spec.services if n in current]
                 + [n for n in current if n not in spec.services])
        self._bring_up(instance_id, spec, names, current, ctx)

    def _wanted(self, instance, manifest, svc: ServiceSpec) -> tuple[dict, str]:
        """The environment and fingerprint the service's container should have."""
        environment = self.environment(instance, manifest, svc)
        return environment, self._fingerprint(svc, environment)

    def _container_name(self, instance_id: str, service: str) -> str:
        return f"{self._prefix(instance_id)}-{service}"

    def _create_container(self, instance, manifest, svc: ServiceSpec, networks: dict):
        environment, fingerprint = self._wanted(instance, manifest, svc)
        prefix = self._prefix(instance.id)
        return self._create_or_adopt(lambda: self.client.containers.create(
            svc.image, name=self._container_name(instance.id, svc.name), command=svc.command,
            entrypoint=svc.entrypoint, environment=environment,
            labels={**svc.labels, **self._labels(instance.id, {SERVICE_LABEL: svc.name,
                                                                FINGERPRINT_LABEL: fingerprint})},
            ports={f"{p.target}/{p.protocol}": p.published for p in svc.ports},
            mounts=self._mounts(instance.id, prefix, svc),
            healthcheck=svc.healthcheck, **self._network_options(svc, networks, prefix),
            working_dir=svc.working_dir, user=svc.user, hostname=svc.hostname,
            restart_policy={"Name": svc.restart} if svc.restart else None,
            privileged=svc.privileged, cap_add=svc.cap_add or None,
            devices=svc.devices or None, **self._modes(svc, prefix),
            mem_limit=svc.limits["memory"], memswap_limit=svc.limits["memswap"],
            nano_cpus=svc.limits["nano_cpus"], pids_limit=svc.limits["pids"],
            **self._container_options(svc)),
            lambda: self._by_service(instance.id)[0].get(svc.name), fingerprint)

    def _network_options(self, svc: ServiceSpec, networks: dict, prefix: str) -> dict:
        """The service's first network (an engine of API 1.41 takes one at creation; the others
        are joined before it starts), unless the manifest chose a network_mode."""
        if svc.network_mode is not None:
            return {"network_mode": self._reference(svc.network_mode, prefix)}
        first, aliases = next(iter(svc.networks.items()))
        return {"network": networks[first], "networking_config": {
            networks[first]: self.client.api.create_endpoint_config(aliases=aliases or None)}}

    def _join_networks(self, container, svc: ServiceSpec, networks: dict) -> None:
        """Connect the container to the service's networks it is not on yet (also after a crash
        between creating and connecting it)."""
        joined = (container.attrs.get("NetworkSettings") or {}).get("Networks") or {}
        for name, aliases in svc.networks.items():
            if networks[name] not in joined:
                self.client.api.connect_container_to_network(container.id, networks[name],
                                                             aliases=aliases or None)

    @staticmethod
    def _container_options(svc: ServiceSpec) -> dict:
        """The keys that change only what the container sees in its own namespaces."""
        return {
            "tmpfs": {path: ",".join([f"size={o['size']}"] + ([f"mode={o['mode']:o}"]
                                                             if o["mode"] is not None else []))
                      for path, o in svc.tmpfs.items()} or None,
            "extra_hosts": svc.extra_hosts or None,
            "ulimits": [Ulimit(**u) for u in svc.ulimits] or None,
            "shm_size": svc.shm_size, "init": svc.init, "read_only": svc.read_only,
            "cap_drop": svc.cap_drop or None, "security_opt": svc.security_opt or None,
            "stop_signal": svc.stop_signal, "domainname": svc.domainname,
            "log_config": LogConfig(type=svc.logging["driver"], config=svc.logging["options"])
            if svc.logging else None,
            "sysctls": svc.sysctls or None, "dns": svc.dns or None,
            "dns_search": svc.dns_search or None, "dns_opt": svc.dns_opt or None,
            "group_add": svc.group_add or None, "tty": svc.tty, "stdin_open": svc.stdin_open,
        }

    @staticmethod
    def _service_options(svc: ServiceSpec) -> dict:
        """The same keys for a swarm service (NOT_FOR_SWARM holds those it has no field for)."""
        dns = DNSConfig(nameservers=svc.dns or None, search=svc.dns_search or None,
                        options=svc.dns_opt or None) if svc.dns or svc.dns_search or svc.dns_opt else None
        return {
            "hosts": svc.extra_hosts or None, "init": svc.init, "read_only": svc.read_only,
            "cap_drop": svc.cap_drop or None, "stop_signal": svc.stop_signal,
            "stop_grace_period": svc.stop_grace_period, "sysctls": svc.sysctls or None,
            "dns_config": dns, "groups": svc.group_add or None, "tty": svc.tty,
            "open_stdin": svc.stdin_open,
            "log_driver": svc.logging["driver"] if svc.logging else None,
            "log_driver_options": svc.logging["options"] if svc.logging else None,
        }

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
        return self.client.containers.list(all=True, filters=self._ours(instance_id),
                                           ignore_removed=True)  # one removed while listing

    def _by_service(self, instance_id: str) -> tuple[dict, dict]:
        """The instance's containers by compose service: (current, set aside by an update)."""
        aside = self._prefix(instance_id) + ASIDE_MARK
        current, previous = {}, {}
        for container in self._containers(instance_id):
            group = previous if container.name.startswith(aside) else current
            group[container.labels.get(SERVICE_LABEL)] = container
        return current, previous

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

    def _wait_until_ready(self, names: list, instance_id: str, ctx: OperationContext,
                          watch: SteadyWatch) -> None:
        """Until the named services' containers are healthy, or, without a healthcheck, have
        kept running for `steady_seconds`; a container that exits fails the operation with
        its last log lines, one that is gone (Vanished) at once."""
        while names:
            containers = self._by_service(instance_id)[0]
            waiting = []
            for name in names:
                container = containers.get(name)
                if container is None:  # each was made before it is waited for
                    raise Vanished(name)
                state = container.attrs.get("State", {})
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

    def _realize_services(self, instance, manifest, spec, networks, ctx, update: bool) -> None:
        try:
            self._recreating_once(lambda: self._replace_services(instance, manifest, spec,
                                                                 networks, ctx), ctx)
        except BackendFailure as failure:
            if not update:
                raise
            # No rollback on a swarm: a service whose fingerprint changed is removed and created
            # anew, not updated in place (so the swarm's own update rollback has nothing to go
            # back to), and the old one is gone by the time the new one fails.
            raise BackendFailure(f"update failed and a swarm instance cannot be rolled back, so "
                                 f"it may not work: {failure}", instance_usable=False) from None

    @_engine_errors
    def _replace_services(self, instance, manifest, spec, networks, ctx) -> None:
        existing = self._services_by_name(instance.id)
        for svc in spec.services.values():
            environment, fingerprint = self._wanted(instance, manifest, svc)
            service = existing.pop(svc.name, None)
            if service is not None and labels_of(service).get(FINGERPRINT_LABEL) != fingerprint:
                self._discard(service)
                service = None
            if service is None:
                self._create_service(instance, svc, environment, fingerprint, networks)
        for leftover in existing.values():
            self._discard(leftover)
        self._wait_for_replicas(spec, instance.id, ctx)

    def _create_service(self, instance, svc: ServiceSpec, environment: dict, fingerprint: str,
                        networks: dict):
        prefix = self._prefix(instance.id)
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
        return self._create_or_adopt(lambda: self.client.services.create(
            svc.image, name=f"{prefix}-{svc.name}", command=svc.entrypoint, args=svc.command,
            env=[f"{k}={v}" for k, v in environment.items()],
            labels=self._labels(instance.id, {SERVICE_LABEL: svc.name,
                                              FINGERPRINT_LABEL: fingerprint}),
            container_labels={**svc.labels, **self._labels(instance.id, {SERVICE_LABEL: svc.name})},
            networks=[NetworkAttachmentConfig(networks[n], aliases=aliases or None)
                      for n, aliases in svc.networks.items()],
            endpoint_spec=endpoint, mode=ServiceMode("replicated", replicas=svc.replicas),
            healthcheck=healthcheck, mounts=self._mounts(instance.id, prefix, svc) + [
                Mount(path, None, type="tmpfs", tmpfs_size=o["size"], tmpfs_mode=o["mode"])
                for path, o in svc.tmpfs.items()],
            workdir=svc.working_dir, user=svc.user, hostname=svc.hostname,
            resources=self._service_resources(svc), cap_add=svc.cap_add or None,
            **self._service_options(svc)),
            lambda: self._services_by_name(instance.id).get(svc.name), fingerprint)

    @staticmethod
    def _service_resources(svc: ServiceSpec) -> Resources:
        resources = Resources(cpu_limit=svc.limits["nano_cpus"], mem_limit=svc.limits["memory"])
        resources["Limits"]["Pids"] = svc.limits["pids"]  # the SDK has no argument for it
        return resources

    def _services(self, instance_id: str) -> list:
        return self._services_matching(self._ours(instance_id))

    def _services_by_name(self, instance_id: str) -> dict:
        """The instance's swarm services by compose service."""
        return {labels_of(s).get(SERVICE_LABEL): s for s in self._services(instance_id)}

    def _wait_for_replicas(self, spec: ComposeSpec, instance_id: str, ctx: OperationContext) -> None:
        """Until every service has its replicas running, the same tasks for `steady_seconds`."""
        watch = SteadyWatch(self.steady_seconds)
        while True:
            services = self._services_by_name(instance_id)
            short = []
            for name, svc in spec.services.items():
                tasks = self._tasks(services.get(name), name)
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

    @staticmethod
    def _tasks(service, name: str) -> list:
        """The swarm service's tasks; Vanished when it is gone (each was made before)."""
        try:
            if service is not None:
                return service.tasks()
        except docker_errors.NotFound:
            pass
        raise Vanished(name, "swarm service")

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
                raise BackendFailure(f"could not remove {', '.join(left)}: still in use")
            time.sleep(self.poll_seconds)

    # -- binding -------------------------------------------------------------------------------

    @_engine_errors
    def bind(self, instance, binding, manifest, ctx):
        """Credentials from the manifest's endpoints and where the engine says they are: today's
        form at the published host port; ElasTest's form as registered, each endpoint with its
        `network` and (when published) `published` URL parts."""
        reached = self._reached(instance.id, manifest) if manifest.endpoints else {}
        credentials, endpoints = {}, []
        for name, entry in (manifest.endpoints or {}).items():
            if "service" not in entry:
                if name not in reached:
                    raise BackendFailure(f"service {name!r} of this instance is not on the engine")
                credentials[name] = self._located_entry(name, entry, reached)
                published = [e["published"] for kind in ("api", "gui")
                             for e in _as_list(credentials[name].get(kind)) if "published" in e]
            else:
                published = [self._published(entry, reached)]
                credentials[name] = published[0]
            for p in published:  # OSB endpoints: each host and port once
                osb = {"host": p["host"], "ports": [str(p["port"])], "protocol": transport(p["protocol"])}
                if osb not in endpoints:
                    endpoints.append(osb)
        return BindResult(credentials=credentials, endpoints=endpoints)

    def _published(self, endpoint: dict, reached: dict) -> dict:
        """Today's form: the URL parts at the published host port, which it must have."""
        service, port = endpoint["service"], endpoint["port"]
        published = reached[service].published if service in reached else {}
        host_port = published.get(f"{port}/tcp") or published.get(f"{port}/udp")
        if host_port is None:
            raise BackendFailure(f"service {service!r} of this instance publishes no port {port}")
        return url_parts(self.host_address, host_port, endpoint.get("protocol", "tcp"),
                         endpoint.get("path", ""))

    def _located(self, endpoint: dict, reached: Optional[Reached], path: str) -> dict:
        """An endpoint as registered, with `network` (the container's address and port) and,
        when the port is published, `published` (the engine host and its port). An endpoint
        without a port (a GUI path served elsewhere) stays as it is."""
        located = dict(endpoint)
        port = endpoint.get("port")
        if port is None or reached is None:
            return located
        protocol, path = endpoint.get("protocol", "tcp"), endpoint.get("path", path)
        if reached.address:
            located["network"] = url_parts(reached.address, port, protocol, path)
        host_port = reached.published.get(f"{port}/{transport(protocol)}")
        if host_port:
            located["published"] = url_parts(self.host_address, host_port, protocol, path)
        return located

    def _located_entry(self, name: str, entry: dict, reached: dict) -> dict:
        """An ElasTest endpoints entry (keyed by its service) with each api/gui endpoint located;
        a missing path is "/", as ElasTest's orchestrator reads it."""
        located = dict(entry)
        for kind in ("api", "gui"):
            if isinstance(entry.get(kind), list):
                located[kind] = [self._located(e, reached.get(name), "/") for e in entry[kind]]
            elif kind in entry:
                located[kind] = self._located(entry[kind], reached.get(name), "/")
        return located

    @_engine_errors
    def instance_details(self, instance, manifest):
        """Each service's address (None while it has no container or service, or no network)
        and every endpoint located, for the operator's view: one listing of the engine."""
        reached = self._reached(instance.id, manifest)
        endpoints = {name: self._located_entry(name, entry, reached) if "service" not in entry
                     else self._located(entry, reached.get(entry["service"]), "")
                     for name, entry in (manifest.endpoints or {}).items()}
        addresses = {name: reached[name].address if name in reached else None
                     for name in self.spec(manifest).services}
        return {"addresses": addresses, "endpoints": endpoints}

    def _network_of(self, instance_id: str, spec: ComposeSpec, svc: ServiceSpec) -> Optional[str]:
        """The engine name of the network whose address a service is known by: the external
        network it joined (where ElasTest's platform reaches it), else its first one."""
        if svc.network_mode is not None or not svc.networks:
            return None
        chosen = next((n for n in svc.networks if spec.networks[n].external), next(iter(svc.networks)))
        return self.network_names(instance_id, spec)[chosen]

    def _reached(self, instance_id: str, manifest: Manifest) -> dict:
        """Compose service -> Reached, for the services the engine holds: a container's address
        on the service's network, or a swarm service's virtual IP there (the address its name
        leads to, balanced over its tasks), and the host ports published."""
        spec = self.spec(manifest)
        reached = {}
        if manifest.manifest_type == SWARM:
            network_ids: dict = {}
            for name, service in self._services_by_name(instance_id).items():
                if name not in spec.services:
                    continue
                endpoint = service.attrs.get("Endpoint") or {}
                network = self._network_of(instance_id, spec, spec.services[name])
                if network is not None and network not in network_ids:
                    network_ids[network] = next((n.id for n in self.client.networks.list(names=[network])
                                                 if n.name == network), None)
                vip = next((v.get("Addr", "") for v in endpoint.get("VirtualIPs") or []
                            if v.get("NetworkID") == network_ids.get(network)), "")
                reached[name] = Reached(vip.split("/")[0] or None, {
                    f"{p['TargetPort']}/{p.get('Protocol', 'tcp')}": int(p["PublishedPort"])
                    for p in endpoint.get("Ports") or [] if p.get("PublishedPort")})
            return reached
        for name, container in self._by_service(instance_id)[0].items():  # not one set aside
            if name not in spec.services:
                continue
            settings = container.attrs.get("NetworkSettings") or {}
            network = self._network_of(instance_id, spec, spec.services[name])
            on = (settings.get("Networks") or {}).get(network) or {}
            reached[name] = Reached(on.get("IPAddress") or None, {
                key: int(mappings[0]["HostPort"]) for key, mappings in (settings.get("Ports") or {}).items()
                if mappings})
        return reached

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

