"""Compose manifests: parse, check and normalize the YAML a service provider registers for the
`docker-compose` and `docker-swarm` manifest types, before anything touches an engine.

Refused unless the operator allows it (`DockerPolicy`): privileged containers, host network,
pid or ipc namespaces, added capabilities, devices, bind mounts of `/` or of the Docker socket,
and bind mounts outside the operator's allowed host paths.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Optional

from adapters.resources import ManifestInvalid, load_yaml_mapping

TOP_LEVEL_KEYS = {"version", "services", "volumes", "name"}
SERVICE_KEYS = {"image", "command", "entrypoint", "environment", "ports", "volumes", "labels",
                "healthcheck", "depends_on", "deploy", "working_dir", "user", "hostname",
                "restart", "privileged", "network_mode", "pid", "ipc", "cap_add", "devices"}
HEALTHCHECK_KEYS = {"test", "interval", "timeout", "retries", "start_period", "disable"}
DEPLOY_KEYS = {"replicas"}
DOCKER_SOCKETS = ("/var/run/docker.sock", "/run/docker.sock")
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)(h|m|s|ms|us))+$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s|us)")
_UNITS_NS = {"h": 3600e9, "m": 60e9, "s": 1e9, "ms": 1e6, "us": 1e3}


@dataclass(frozen=True)
class DockerPolicy:
    """What the operator allows beyond the safe default."""
    allow_privileged: bool = False
    allowed_bind_paths: tuple[str, ...] = ()


@dataclass
class PortSpec:
    target: int
    protocol: str = "tcp"
    published: Optional[int] = None  # None: the engine picks a free host port


@dataclass
class VolumeSpec:
    target: str
    source: Optional[str] = None  # None: anonymous; a name: named volume; a path: bind mount
    bind: bool = False
    read_only: bool = False


@dataclass
class ServiceSpec:
    name: str
    image: str
    command: Optional[list] = None
    entrypoint: Optional[list] = None
    environment: dict = field(default_factory=dict)
    ports: list = field(default_factory=list)
    volumes: list = field(default_factory=list)
    labels: dict = field(default_factory=dict)
    healthcheck: Optional[dict] = None  # Docker API form (Test, Interval, ...), or None
    depends_on: list = field(default_factory=list)
    healthy_dependencies: list = field(default_factory=list)  # condition: service_healthy
    replicas: int = 1
    working_dir: Optional[str] = None
    user: Optional[str] = None
    hostname: Optional[str] = None
    restart: Optional[str] = None
    privileged: bool = False
    cap_add: list = field(default_factory=list)
    devices: list = field(default_factory=list)
    network_mode: Optional[str] = None
    pid: Optional[str] = None
    ipc: Optional[str] = None

    def fingerprint(self, environment: dict) -> str:
        """What decides whether a running container still matches the wanted one."""
        wanted = {**self.__dict__, "environment": environment}
        return json.dumps(wanted, sort_keys=True, default=str)


@dataclass
class ComposeSpec:
    services: dict  # name -> ServiceSpec, in start order (dependencies first)
    volumes: list  # named volumes declared or used


def _fail(message: str):
    raise ManifestInvalid(f"compose manifest: {message}")


def _strings(value, where: str) -> Optional[list]:
    if value is None:
        return None
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    _fail(f"{where} must be a string or a list of strings")


def _mapping(value, where: str) -> dict:
    """A compose mapping given as a mapping or as a list of KEY=VALUE strings."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in value.items()}
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return dict(v.split("=", 1) if "=" in v else (v, "") for v in value)
    _fail(f"{where} must be a mapping or a list of KEY=VALUE strings")


def duration_ns(value, where: str) -> int:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value * 1e9)
    if isinstance(value, str) and _DURATION.match(value):
        return int(sum(float(n) * _UNITS_NS[u] for n, u in _DURATION_PART.findall(value)))
    _fail(f"{where} must be a duration such as 10s or 1m30s, got {value!r}")


def _port(value, where: str) -> PortSpec:
    if isinstance(value, int) and not isinstance(value, bool):
        return PortSpec(value)
    if isinstance(value, dict):
        unknown = set(value) - {"target", "published", "protocol", "mode"}
        if unknown or "target" not in value:
            _fail(f"{where}: a long-form port needs target and may have published, protocol")
        return PortSpec(int(value["target"]), str(value.get("protocol", "tcp")),
                        int(value["published"]) if value.get("published") else None)
    if isinstance(value, str):
        text, _, protocol = value.partition("/")
        parts = text.split(":")
        try:
            if len(parts) == 1:
                return PortSpec(int(parts[0]), protocol or "tcp")
            if len(parts) in (2, 3):  # [ip:]published:target; the ip is not supported
                if len(parts) == 3:
                    _fail(f"{where}: binding a port to a host address ({value!r}) is not supported")
                return PortSpec(int(parts[1]), protocol or "tcp", int(parts[0]))
        except ValueError:
            pass
    _fail(f"{where}: cannot read port {value!r} (use 80, \"8080:80\" or \"53/udp\")")


def _volume(value, where: str) -> VolumeSpec:
    if isinstance(value, dict):
        kind = value.get("type", "volume")
        if kind not in ("volume", "bind") or "target" not in value:
            _fail(f"{where}: a long-form volume needs type volume or bind, and target")
        return VolumeSpec(str(value["target"]), value.get("source"), kind == "bind",
                          bool(value.get("read_only", False)))
    if not isinstance(value, str) or not value:
        _fail(f"{where}: cannot read volume {value!r}")
    parts = value.split(":")
    if len(parts) == 1:
        return VolumeSpec(parts[0])
    if len(parts) in (2, 3):
        source, target = parts[0], parts[1]
        mode = parts[2] if len(parts) == 3 else "rw"
        if mode not in ("ro", "rw"):
            _fail(f"{where}: volume mode must be ro or rw, got {mode!r}")
        is_path = source.startswith(("/", ".", "~"))
        return VolumeSpec(target, source, is_path, mode == "ro")
    _fail(f"{where}: cannot read volume {value!r}")


def _healthcheck(value, where: str) -> Optional[dict]:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - HEALTHCHECK_KEYS:
        _fail(f"{where} must be a mapping with {', '.join(sorted(HEALTHCHECK_KEYS))}")
    if value.get("disable"):
        return {"Test": ["NONE"]}
    test = value.get("test")
    if isinstance(test, str):
        test = ["CMD-SHELL", test]
    if not (isinstance(test, list) and test and all(isinstance(t, str) for t in test)):
        _fail(f"{where}.test must be a string or a list of strings")
    check = {"Test": test}
    for key, api in (("interval", "Interval"), ("timeout", "Timeout"), ("start_period", "StartPeriod")):
        if key in value:
            check[api] = duration_ns(value[key], f"{where}.{key}")
    if "retries" in value:
        check["Retries"] = int(value["retries"])
    return check


def _depends_on(value, where: str) -> tuple[list, list]:
    if value is None:
        return [], []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value), []
    if isinstance(value, dict):
        healthy = [k for k, v in value.items()
                   if isinstance(v, dict) and v.get("condition") == "service_healthy"]
        return list(value), healthy
    _fail(f"{where} must be a list of service names or a mapping")


def _check_safety(svc: ServiceSpec, where: str, policy: DockerPolicy) -> None:
    if policy.allow_privileged:
        return
    problems = []
    if svc.privileged:
        problems.append("privileged: true")
    for key in ("network_mode", "pid", "ipc"):
        if getattr(svc, key) == "host":
            problems.append(f"{key}: host")
    if svc.cap_add:
        problems.append(f"cap_add {svc.cap_add}")
    if svc.devices:
        problems.append(f"devices {svc.devices}")
    for vol in svc.volumes:
        if not vol.bind:
            continue
        source = vol.source.rstrip("/") or "/"
        if source == "/" or source in DOCKER_SOCKETS:
            problems.append(f"a bind mount of {vol.source}")
        elif not source.startswith("/"):
            problems.append(f"a relative bind mount ({vol.source}); use an absolute path")
        elif not any(source == p.rstrip("/") or source.startswith(p.rstrip("/") + "/")
                     for p in policy.allowed_bind_paths):
            problems.append(f"a bind mount of {vol.source} outside the allowed host paths "
                            "(ESM_DOCKER_ALLOWED_BIND_PATHS)")
    if problems:
        _fail(f"{where} asks for {'; '.join(problems)}: refused (an operator may allow it with "
              "ESM_DOCKER_ALLOW_PRIVILEGED)")


def _start_order(services: dict) -> list:
    order, state = [], {}

    def visit(name, chain):
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            _fail(f"depends_on has a cycle: {' -> '.join(chain + [name])}")
        state[name] = "visiting"
        for dep in services[name].depends_on:
            visit(dep, chain + [name])
        state[name] = "done"
        order.append(name)

    for name in services:
        visit(name, [])
    return order


def parse_compose(content: str, policy: DockerPolicy, swarm: bool) -> ComposeSpec:
    """The normalized manifest; ManifestInvalid naming the first problem."""
    data = load_yaml_mapping(content)
    unknown = sorted(str(k) for k in data if k not in TOP_LEVEL_KEYS and not str(k).startswith("x-"))
    if unknown:
        _fail(f"unsupported top-level keys: {', '.join(unknown)}")
    raw_services = data.get("services")
    if not isinstance(raw_services, dict) or not raw_services:
        _fail("a non-empty 'services' mapping is required")
    declared_volumes = data.get("volumes") or {}
    if not isinstance(declared_volumes, dict):
        _fail("top-level volumes must be a mapping")
    services = {}
    for name, raw in raw_services.items():
        where = f"service {name!r}"
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
            _fail(f"{where}: service names use letters, digits, '_', '.', '-'")
        if not isinstance(raw, dict):
            _fail(f"{where} must be a mapping")
        unknown = sorted(str(k) for k in raw if k not in SERVICE_KEYS and not str(k).startswith("x-"))
        if unknown:
            _fail(f"{where}: unsupported keys {', '.join(unknown)}; supported: "
                  f"{', '.join(sorted(SERVICE_KEYS))}")
        if not isinstance(raw.get("image"), str) or not raw["image"]:
            _fail(f"{where} needs an image")
        deploy = raw.get("deploy") or {}
        if not isinstance(deploy, dict) or set(deploy) - DEPLOY_KEYS:
            _fail(f"{where}.deploy supports only: {', '.join(sorted(DEPLOY_KEYS))}")
        replicas = deploy.get("replicas", 1)
        if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
            _fail(f"{where}.deploy.replicas must be a whole number")
        if replicas != 1 and not swarm:
            _fail(f"{where}.deploy.replicas is only supported by docker-swarm manifests")
        depends_on, healthy = _depends_on(raw.get("depends_on"), f"{where}.depends_on")
        ports = raw.get("ports") or []
        volumes = raw.get("volumes") or []
        if not isinstance(ports, list) or not isinstance(volumes, list):
            _fail(f"{where}: ports and volumes must be lists")
        for key in ("cap_add", "devices"):
            if not isinstance(raw.get(key) or [], list):
                _fail(f"{where}.{key} must be a list")
        svc = ServiceSpec(
            name=name, image=raw["image"],
            command=_strings(raw.get("command"), f"{where}.command"),
            entrypoint=_strings(raw.get("entrypoint"), f"{where}.entrypoint"),
            environment=_mapping(raw.get("environment"), f"{where}.environment"),
            ports=[_port(p, f"{where}.ports") for p in ports],
            volumes=[_volume(v, f"{where}.volumes") for v in volumes],
            labels=_mapping(raw.get("labels"), f"{where}.labels"),
            healthcheck=_healthcheck(raw.get("healthcheck"), f"{where}.healthcheck"),
            depends_on=depends_on, healthy_dependencies=healthy, replicas=replicas,
            working_dir=raw.get("working_dir"), user=None if raw.get("user") is None else str(raw["user"]),
            hostname=raw.get("hostname"), restart=raw.get("restart"),
            privileged=bool(raw.get("privileged", False)), cap_add=list(raw.get("cap_add") or []),
            devices=list(raw.get("devices") or []), network_mode=raw.get("network_mode"),
            pid=raw.get("pid"), ipc=raw.get("ipc"))
        _check_safety(svc, where, policy)
        for vol in svc.volumes:
            if vol.source and not vol.bind and vol.source not in declared_volumes:
                _fail(f"{where} uses volume {vol.source!r}, which the top-level volumes do not declare")
        services[name] = svc
    for svc in services.values():
        missing = [d for d in svc.depends_on if d not in services]
        if missing:
            _fail(f"service {svc.name!r} depends on unknown services: {', '.join(missing)}")
    order = _start_order(services)
    return ComposeSpec({name: services[name] for name in order}, sorted(declared_volumes))
