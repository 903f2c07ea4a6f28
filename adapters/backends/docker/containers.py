"""Compose mode: an instance's services as containers on one engine, started in dependency
order, and updates that set the old containers aside and roll back to them on failure.
A part of DockerBackend (adapters/backends/docker/backend.py), whose engine, naming and
shared realization helpers it uses."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Optional

from docker import errors as docker_errors
from docker.models.containers import Container
from docker.types import LogConfig, Ulimit

from adapters.backends.context import OperationContext
from adapters.backends.docker.compose import ComposeSpec, ServiceSpec
from adapters.backends.docker.engine import SteadyWatch, Vanished, _engine_errors
from adapters.backends.docker.naming import ASIDE_MARK, FINGERPRINT_LABEL, SERVICE_LABEL, labels_of
from adapters.backends.docker.parts import DockerParts
from adapters.backends.errors import BackendFailure, OperationCancelled

log = logging.getLogger("esm.docker")
STOP_SECONDS = 10  # how long a container set aside by an update may take to stop (as compose)


@dataclass
class Changes:
    """What one update call did to the containers, for its rollback."""
    made: set = field(default_factory=set)  # services it created a container for
    aside: set = field(default_factory=set)  # services whose container it set aside


class ContainerMode(DockerParts):
    """The `docker-compose` manifest type: DockerBackend's containers on one engine."""

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
            if container is None:  # (a rollback brings back only containers it has)
                assert create is not None and svc is not None, "a roll forward's missing container"
                container = create(svc)
            if create is not None and container.status != "running":  # not a rollback's
                assert svc is not None  # a roll forward brings up the manifest's services
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
            # the stub allows only "always" and "on-failure"; the engine takes "no" and
            # "unless-stopped" too (compose.RESTART_POLICIES)
            restart_policy={"Name": svc.restart} if svc.restart else None,  # type: ignore[typeddict-item]
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
        current: dict = {}
        previous: dict = {}
        for container in self._containers(instance_id):
            group = previous if container.name.startswith(aside) else current
            group[container.labels.get(SERVICE_LABEL)] = container
        return current, previous


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
