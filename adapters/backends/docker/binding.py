"""Bind credentials and the operator's view of an instance, read from the engine: where each
service is reached (its address on its network, its published ports) and the manifest's
endpoints located there. A part of DockerBackend (adapters/backends/docker/backend.py)."""
from __future__ import annotations

from typing import Optional

from adapters.backends.base import BindResult
from adapters.backends.docker.compose import ComposeSpec, ServiceSpec
from adapters.backends.docker.endpoints import Reached, _as_list, transport, url_parts
from adapters.backends.docker.engine import _engine_errors
from adapters.backends.docker.naming import SWARM
from adapters.backends.docker.parts import DockerParts
from adapters.backends.errors import BackendFailure
from esm.models import Manifest


class Binding(DockerParts):
    """DockerBackend's bind, unbind and instance_details."""

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
