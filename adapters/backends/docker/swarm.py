"""Swarm mode: an instance's services as swarm services (replicated), replaced when their
fingerprint changes. A part of DockerBackend (adapters/backends/docker/backend.py)."""
from __future__ import annotations

from docker import errors as docker_errors
from docker.types import (
    DNSConfig,
    EndpointSpec,
    Healthcheck,
    Mount,
    NetworkAttachmentConfig,
    Resources,
    ServiceMode,
)

from adapters.backends.context import OperationContext
from adapters.backends.docker.compose import ComposeSpec, ServiceSpec
from adapters.backends.docker.engine import SteadyWatch, Vanished, _engine_errors
from adapters.backends.docker.naming import FINGERPRINT_LABEL, SERVICE_LABEL, labels_of
from adapters.backends.docker.parts import DockerParts
from adapters.backends.errors import BackendFailure


class SwarmMode(DockerParts):
    """The `docker-swarm` manifest type: DockerBackend's services on a swarm."""

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
