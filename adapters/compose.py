"""Compose manifests: parse, type-check and normalize the YAML a service provider registers for
the `docker-compose` and `docker-swarm` manifest types, before anything touches an engine.

Every value is checked for type and range here (a wrong one is a ManifestInvalid naming the
field, which the registry answers with 400); what a manifest is *allowed* to ask for is the
Docker policy's decision (adapters/docker_policy.py). Every key accepted is applied by the
backend: keys a manifest type cannot apply are refused, never ignored.
"""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Optional

from adapters.docker_policy import DockerPolicy, normalize_host_path, parse_bytes, parse_cpus
from adapters.resources import ManifestInvalid, load_yaml_mapping

TOP_LEVEL_KEYS = {"version", "services", "volumes", "name"}
SERVICE_KEYS = {"image", "command", "entrypoint", "environment", "ports", "volumes", "labels",
                "healthcheck", "depends_on", "deploy", "working_dir", "user", "hostname",
                "restart", "privileged", "network_mode", "pid", "ipc", "userns_mode", "uts",
                "cgroup", "cgroup_parent", "cap_add", "devices", "mem_limit", "memswap_limit",
                "cpus", "pids_limit"}
# what a swarm service cannot apply (the engine's service spec has no field for it)
NOT_FOR_SWARM = {"restart", "privileged", "network_mode", "pid", "ipc", "userns_mode", "uts",
                 "cgroup", "cgroup_parent", "devices", "memswap_limit"}
MODE_KEYS = ("network_mode", "pid", "ipc", "userns_mode", "uts", "cgroup", "cgroup_parent")
HEALTHCHECK_KEYS = {"test", "interval", "timeout", "retries", "start_period", "disable"}
DEPLOY_KEYS = {"replicas", "resources"}
LIMIT_KEYS = {"cpus", "memory", "pids"}
RESTART_POLICIES = ("no", "always", "on-failure", "unless-stopped")
RESERVED_LABEL_PREFIX = "io.elastest.esm."
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
IMAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-/:@]*")
ABSOLUTE_PATH = re.compile(r"/[^\0:]*")
HOSTNAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
MAX_SERVICE_NAME = {"docker-compose": 63, "docker-swarm": 28}  # swarm names stop at 63 in all
MAX_DURATION_NS = 86400 * 10 ** 9
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)(h|m|s|ms|us))+$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s|us)")
_UNITS_NS = {"h": 3600e9, "m": 60e9, "s": 1e9, "ms": 1e6, "us": 1e3}


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
    userns_mode: Optional[str] = None
    uts: Optional[str] = None
    cgroup: Optional[str] = None
    cgroup_parent: Optional[str] = None
    limits: dict = field(default_factory=dict)  # what the engine gets: DockerPolicy.effective_limits

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


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _scalar(value) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _text(value, where: str, pattern: Optional[re.Pattern] = None, max_length: int = 4096) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > max_length or "\0" in value:
        _fail(f"{where} must be a non-empty string (at most {max_length} characters)")
    if pattern is not None and not pattern.fullmatch(value):
        _fail(f"{where}: {value!r} is not a valid value here")
    return value


def _int_in(value, where: str, low: int, high: int) -> int:
    if not _is_int(value) or not low <= value <= high:
        _fail(f"{where} must be a whole number from {low} to {high}, got {value!r}")
    return value


def _strings(value, where: str) -> Optional[list]:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError as exc:
            _fail(f"{where}: cannot split {value!r} into words ({exc})")
    if isinstance(value, list) and all(_scalar(v) for v in value):
        return [str(v) for v in value]
    _fail(f"{where} must be a string or a list of strings")


def _env_value(value, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if _scalar(value):
        if "\0" in str(value):
            _fail(f"{where} may not hold a NUL character")
        return str(value)
    _fail(f"{where} values must be strings, numbers or booleans")


def _mapping(value, where: str) -> dict:
    """A compose mapping given as a mapping or as a list of KEY=VALUE strings."""
    if value is None:
        return {}
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        pairs = [tuple(v.split("=", 1)) if "=" in v else (v, None) for v in value]
    else:
        _fail(f"{where} must be a mapping or a list of KEY=VALUE strings")
    result = {}
    for key, item in pairs:
        if not isinstance(key, str) or not key or "=" in key or "\0" in key:
            _fail(f"{where}: key {key!r} must be a non-empty string without '='")
        result[key] = _env_value(item, f"{where}.{key}")
    return result


def duration_ns(value, where: str) -> int:
    if _is_int(value) or isinstance(value, float):
        ns = value * 1e9
    elif isinstance(value, str) and len(value) <= 64 and _DURATION.match(value):
        ns = sum(float(n) * _UNITS_NS[u] for n, u in _DURATION_PART.findall(value))
    else:
        _fail(f"{where} must be a duration such as 10s or 1m30s, got {value!r}")
    if not 1e6 <= ns <= MAX_DURATION_NS:  # the engine wants at least 1 ms
        _fail(f"{where} must be between 1ms and 24h, got {value!r}")
    return int(ns)


def _port_number(value, where: str) -> int:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return _int_in(value, where, 1, 65535)


def _protocol(value, where: str) -> str:
    if value not in ("tcp", "udp"):
        _fail(f"{where}: protocol must be tcp or udp, got {value!r}")
    return value


def _port(value, where: str) -> PortSpec:
    if _is_int(value):
        return PortSpec(_port_number(value, where))
    if isinstance(value, dict):
        unknown = set(value) - {"target", "published", "protocol", "mode"}
        if unknown or "target" not in value:
            _fail(f"{where}: a long-form port needs target and may have published, protocol")
        if value.get("mode", "ingress") != "ingress":
            _fail(f"{where}: only mode ingress is supported, got {value.get('mode')!r}")
        published = value.get("published")
        return PortSpec(_port_number(value["target"], f"{where}.target"),
                        _protocol(value.get("protocol", "tcp"), where),
                        None if published is None else _port_number(published, f"{where}.published"))
    if isinstance(value, str):
        text, _, protocol = value.partition("/")
        parts = text.split(":")
        if len(parts) == 3:
            _fail(f"{where}: binding a port to a host address ({value!r}) is not supported")
        if len(parts) in (1, 2) and all(p.isdigit() for p in parts):
            protocol = _protocol(protocol or "tcp", where)
            if len(parts) == 1:
                return PortSpec(_port_number(parts[0], where), protocol)
            return PortSpec(_port_number(parts[1], where), protocol, _port_number(parts[0], where))
    _fail(f"{where}: cannot read port {value!r} (use 80, \"8080:80\" or \"53/udp\")")


def _container_path(value, where: str) -> str:
    path = _text(value, where)
    if not path.startswith("/") or path.rstrip("/") == "" or ":" in path:
        _fail(f"{where} must be an absolute path in the container other than /, got {value!r}")
    return path


def _volume(value, where: str, policy: DockerPolicy) -> VolumeSpec:
    if isinstance(value, dict):
        unknown = set(value) - {"type", "source", "target", "read_only"}
        kind = value.get("type", "volume")
        if unknown or kind not in ("volume", "bind") or "target" not in value:
            _fail(f"{where}: a long-form volume has type (volume or bind), source, target and "
                  "read_only")
        read_only = value.get("read_only", False)
        if not isinstance(read_only, bool):
            _fail(f"{where}.read_only must be true or false")
        source = value.get("source")
        if kind == "bind" and source is None:
            _fail(f"{where}: a bind mount needs a source path")
        spec = VolumeSpec(_container_path(value["target"], f"{where}.target"),
                          _text(source, f"{where}.source"), kind == "bind", read_only)
    elif isinstance(value, str) and value:
        parts = value.split(":")
        if len(parts) == 1:
            return VolumeSpec(_container_path(parts[0], where))
        if len(parts) > 3 or not parts[0]:
            _fail(f"{where}: cannot read volume {value!r} (use name:/path, /host:/path:ro or /path)")
        mode = parts[2] if len(parts) == 3 else "rw"
        if mode not in ("ro", "rw"):
            _fail(f"{where}: volume mode must be ro or rw, got {mode!r}")
        source = parts[0]
        spec = VolumeSpec(_container_path(parts[1], where), source,
                          source.startswith(("/", ".", "~")), mode == "ro")
    else:
        _fail(f"{where}: cannot read volume {value!r}")
    if spec.bind:
        try:
            spec.source = normalize_host_path(spec.source)
        except ValueError as exc:
            _fail(f"{where} asks for {exc}: refused")
        problem = policy.bind_problem(spec.source, spec.read_only)
        if problem:
            _fail(f"{where} asks for {problem}: refused")
    elif spec.source is not None and not NAME.fullmatch(spec.source):
        _fail(f"{where}: volume name {spec.source!r} uses letters, digits, '_', '.', '-'")
    return spec


def _healthcheck(value, where: str) -> Optional[dict]:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - HEALTHCHECK_KEYS:
        _fail(f"{where} must be a mapping with {', '.join(sorted(HEALTHCHECK_KEYS))}")
    disable = value.get("disable", False)
    if not isinstance(disable, bool):
        _fail(f"{where}.disable must be true or false")
    if disable:
        return {"Test": ["NONE"]}
    test = value.get("test")
    if isinstance(test, str) and test:
        test = ["CMD-SHELL", test]
    if not (isinstance(test, list) and test and all(isinstance(t, str) for t in test)):
        _fail(f"{where}.test must be a string or a list of strings")
    check = {"Test": test}
    for key, api in (("interval", "Interval"), ("timeout", "Timeout"), ("start_period", "StartPeriod")):
        if key in value:
            check[api] = duration_ns(value[key], f"{where}.{key}")
    if "retries" in value:
        check["Retries"] = _int_in(value["retries"], f"{where}.retries", 0, 1000)
    return check


def _depends_on(value, where: str) -> tuple[list, list]:
    if value is None:
        return [], []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value), []
    if not isinstance(value, dict):
        _fail(f"{where} must be a list of service names or a mapping")
    healthy = []
    for name, condition in value.items():
        if not isinstance(name, str):
            _fail(f"{where}: service names must be strings, got {name!r}")
        if condition is None:
            continue
        if not isinstance(condition, dict) or set(condition) - {"condition"}:
            _fail(f"{where}.{name} must be a mapping with a condition")
        wanted = condition.get("condition", "service_started")
        if wanted not in ("service_started", "service_healthy"):
            _fail(f"{where}.{name}.condition must be service_started or service_healthy, "
                  f"got {wanted!r}")
        if wanted == "service_healthy":
            healthy.append(name)
    return list(value), healthy


def _limits(raw: dict, where: str, policy: DockerPolicy) -> dict:
    """The service's resource limits (mem_limit, memswap_limit, cpus, pids_limit, or
    deploy.resources.limits), checked against the operator's caps, with defaults filled in."""
    deploy_limits = _deploy_limits(raw, where)
    try:
        memory = deploy_limits.get("memory", raw.get("mem_limit"))
        memory = None if memory is None else parse_bytes(memory, f"{where}.mem_limit")
        memswap = raw.get("memswap_limit")
        memswap = None if memswap is None else parse_bytes(memswap, f"{where}.memswap_limit")
        cpus = deploy_limits.get("cpus", raw.get("cpus"))
        cpus = None if cpus is None else parse_cpus(cpus, f"{where}.cpus")
    except ValueError as exc:
        _fail(str(exc))
    pids = deploy_limits.get("pids", raw.get("pids_limit"))
    if pids is not None:
        pids = _int_in(pids, f"{where}.pids_limit", 1, 2 ** 31)
    problem = policy.limits_problem(memory, memswap, cpus, pids)
    if problem:
        _fail(f"{where} asks for {problem}: refused")
    return policy.effective_limits(memory, memswap, cpus, pids)


def _deploy_limits(service: dict, where: str) -> dict:
    resources = (service.get("deploy") or {}).get("resources")
    if resources is None:
        return {}
    if not isinstance(resources, dict) or set(resources) - {"limits"}:
        _fail(f"{where}.deploy.resources supports only limits")
    limits = resources.get("limits") or {}
    if not isinstance(limits, dict) or set(limits) - LIMIT_KEYS:
        _fail(f"{where}.deploy.resources.limits supports only: {', '.join(sorted(LIMIT_KEYS))}")
    for key, alias in (("memory", "mem_limit"), ("cpus", "cpus"), ("pids", "pids_limit")):
        if key in limits and alias in service:
            _fail(f"{where}: set either {alias} or deploy.resources.limits.{key}, not both")
    return limits


def _modes(raw: dict, where: str, policy: DockerPolicy, names: set) -> dict:
    modes = {}
    for key in MODE_KEYS:
        value = _text(raw.get(key), f"{where}.{key}", max_length=255)
        problem = policy.mode_problem(key, value)
        if problem:
            _fail(f"{where} asks for {problem}: refused (only values that keep the container in "
                  "its own namespaces; an operator may allow more with ESM_DOCKER_ALLOW_PRIVILEGED)")
        if value and value.startswith("service:") and value[len("service:"):] not in names:
            _fail(f"{where}.{key} names service {value[len('service:'):]!r}, which the manifest "
                  "does not define")
        modes[key] = value
    return modes


def _service(name, raw, policy: DockerPolicy, manifest_type: str, names: set,
             declared_volumes: dict) -> ServiceSpec:
    where = f"service {name!r}"
    swarm = manifest_type == "docker-swarm"
    if not isinstance(name, str) or not NAME.fullmatch(name) or len(name) > MAX_SERVICE_NAME[manifest_type]:
        _fail(f"{where}: service names use letters, digits, '_', '.', '-' (at most "
              f"{MAX_SERVICE_NAME[manifest_type]} characters in {manifest_type} manifests)")
    if not isinstance(raw, dict):
        _fail(f"{where} must be a mapping")
    unknown = sorted(str(k) for k in raw if k not in SERVICE_KEYS and not str(k).startswith("x-"))
    if unknown:
        _fail(f"{where}: unsupported keys {', '.join(unknown)}; supported: "
              f"{', '.join(sorted(SERVICE_KEYS))}")
    if swarm and NOT_FOR_SWARM & set(raw):
        _fail(f"{where} asks for {', '.join(sorted(NOT_FOR_SWARM & set(raw)))}, which a swarm "
              "service cannot apply: refused (use a docker-compose manifest)")
    if "image" not in raw:
        _fail(f"{where} needs an image")
    deploy = raw.get("deploy") or {}
    if not isinstance(deploy, dict) or set(deploy) - DEPLOY_KEYS:
        _fail(f"{where}.deploy supports only: {', '.join(sorted(DEPLOY_KEYS))}")
    replicas = _int_in(deploy.get("replicas", 1), f"{where}.deploy.replicas", 0, policy.max_replicas)
    if replicas != 1 and not swarm:
        _fail(f"{where}.deploy.replicas is only supported by docker-swarm manifests")
    depends_on, healthy = _depends_on(raw.get("depends_on"), f"{where}.depends_on")
    lists = {}
    for key in ("ports", "volumes", "cap_add", "devices"):
        lists[key] = raw.get(key) or []
        if not isinstance(lists[key], list):
            _fail(f"{where}.{key} must be a list")
    for key in ("cap_add", "devices"):
        if not all(isinstance(v, str) and v for v in lists[key]):
            _fail(f"{where}.{key} must be a list of strings")
    privileged = raw.get("privileged", False)
    if not isinstance(privileged, bool):
        _fail(f"{where}.privileged must be true or false")
    problems = policy.privilege_problems(privileged, lists["cap_add"], lists["devices"])
    if problems:
        _fail(f"{where} asks for {'; '.join(problems)}: refused (an operator may allow it with "
              "ESM_DOCKER_ALLOW_PRIVILEGED)")
    restart = raw.get("restart")
    if restart is not None and restart not in RESTART_POLICIES:
        _fail(f"{where}.restart must be one of {', '.join(RESTART_POLICIES)}, got {restart!r}")
    user = raw.get("user")
    labels = _mapping(raw.get("labels"), f"{where}.labels")
    reserved = sorted(k for k in labels if k.startswith(RESERVED_LABEL_PREFIX))
    if reserved:
        _fail(f"{where}.labels: {reserved[0]!r} is reserved for the broker's own labels")
    svc = ServiceSpec(
        name=name, image=_text(raw["image"], f"{where}.image", IMAGE, 255),
        command=_strings(raw.get("command"), f"{where}.command"),
        entrypoint=_strings(raw.get("entrypoint"), f"{where}.entrypoint"),
        environment=_mapping(raw.get("environment"), f"{where}.environment"),
        ports=[_port(p, f"{where}.ports") for p in lists["ports"]],
        volumes=[_volume(v, f"{where}.volumes", policy) for v in lists["volumes"]],
        labels=labels,
        healthcheck=_healthcheck(raw.get("healthcheck"), f"{where}.healthcheck"),
        depends_on=depends_on, healthy_dependencies=healthy, replicas=replicas,
        working_dir=_text(raw.get("working_dir"), f"{where}.working_dir", ABSOLUTE_PATH),
        user=None if user is None else _text(str(user) if _is_int(user) else user, f"{where}.user",
                                             re.compile(r"[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?"), 64),
        hostname=_text(raw.get("hostname"), f"{where}.hostname", HOSTNAME, 63),
        restart=restart, privileged=privileged, cap_add=list(lists["cap_add"]),
        devices=list(lists["devices"]), limits=_limits(raw, where, policy),
        **_modes(raw, where, policy, names))
    for value in (svc.network_mode, svc.pid, svc.ipc):  # that container must exist first
        if value and value.startswith("service:") and value[8:] not in svc.depends_on:
            svc.depends_on.append(value[8:])
    if svc.network_mode not in (None, "bridge") and svc.ports:
        _fail(f"{where}: ports cannot be published with network_mode {svc.network_mode}")
    for vol in svc.volumes:
        if vol.source and not vol.bind and vol.source not in declared_volumes:
            _fail(f"{where} uses volume {vol.source!r}, which the top-level volumes do not declare")
    return svc


def _start_order(services: dict) -> list:
    """Dependencies first; iterative, so a long chain cannot exhaust the stack."""
    order, state = [], {}
    for root in services:
        if state.get(root) == "done":
            continue
        stack, chain = [(root, iter(services[root].depends_on))], [root]
        state[root] = "visiting"
        while stack:
            name, deps = stack[-1]
            dep = next(deps, None)
            if dep is None:
                stack.pop()
                chain.pop()
                state[name] = "done"
                order.append(name)
            elif state.get(dep) == "visiting":
                _fail(f"depends_on has a cycle: {' -> '.join(chain + [dep])}")
            elif state.get(dep) != "done":
                state[dep] = "visiting"
                chain.append(dep)
                stack.append((dep, iter(services[dep].depends_on)))
    return order


def parse_compose(content: str, policy: DockerPolicy, manifest_type: str = "docker-compose") -> ComposeSpec:
    """The normalized manifest; ManifestInvalid naming the first problem."""
    data = load_yaml_mapping(content)
    unknown = sorted(str(k) for k in data if k not in TOP_LEVEL_KEYS and not str(k).startswith("x-"))
    if unknown:
        _fail(f"unsupported top-level keys: {', '.join(unknown)}")
    for key in ("version", "name"):
        if key in data and not _scalar(data[key]):
            _fail(f"top-level {key} must be a string")
    raw_services = data.get("services")
    if not isinstance(raw_services, dict) or not raw_services:
        _fail("a non-empty 'services' mapping is required")
    if len(raw_services) > policy.max_services:
        _fail(f"{len(raw_services)} services: at most {policy.max_services} (ESM_DOCKER_MAX_SERVICES)")
    declared_volumes = data.get("volumes") or {}
    if not isinstance(declared_volumes, dict):
        _fail("top-level volumes must be a mapping")
    for name, options in declared_volumes.items():
        if not isinstance(name, str) or not NAME.fullmatch(name):
            _fail(f"volume name {name!r} uses letters, digits, '_', '.', '-'")
        if options not in (None, {}):  # driver options could bind any host path
            _fail(f"volume {name!r}: options are not supported (declare it as {name}: {{}})")
    names = {n for n in raw_services if isinstance(n, str)}
    services = {name: _service(name, raw, policy, manifest_type, names, declared_volumes)
                for name, raw in raw_services.items()}
    for svc in services.values():
        missing = [d for d in svc.depends_on if d not in services]
        if missing:
            _fail(f"service {svc.name!r} depends on unknown services: {', '.join(missing)}")
    ports = sum(len(svc.ports) for svc in services.values())
    if ports > policy.max_ports:
        _fail(f"{ports} published ports: at most {policy.max_ports} (ESM_DOCKER_MAX_PORTS)")
    order = _start_order(services)
    return ComposeSpec({name: services[name] for name in order}, sorted(declared_volumes))
