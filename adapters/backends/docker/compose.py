"""Compose manifests: parse, type-check and normalize the YAML a service provider registers for
the `docker-compose` and `docker-swarm` manifest types, before anything touches an engine.

Every value is checked for type and range here (a wrong one is a ManifestInvalid naming the
field, which the catalog answers with 400); what a manifest is *allowed* to ask for is the
Docker policy's decision (adapters/backends/docker/policy.py). Every key accepted is applied by the
backend, but `expose` (it documents ports) and the compose tool's own IGNORED_KEYS; keys a
manifest type cannot apply are refused, never silently dropped.
"""
from __future__ import annotations

import ipaddress
import json
import re
import shlex
from dataclasses import dataclass, field
from typing import NoReturn, Optional

from adapters.backends.docker.policy import (
    IGNORED_KEYS,
    MAX_NETWORKS,
    NETWORK_NAME,
    REFUSED_KEYS,
    DockerPolicy,
    normalize_host_path,
    parse_bytes,
    parse_cpus,
)
from adapters.backends.errors import ManifestInvalid
from adapters.backends.yaml_content import load_yaml_mapping

# `version` is read and ignored: the keys say what a file means, whichever format it names
TOP_LEVEL_KEYS = {"version", "services", "volumes", "networks", "name"}
SERVICE_KEYS = {"image", "command", "entrypoint", "environment", "ports", "volumes", "labels",
                "healthcheck", "depends_on", "deploy", "working_dir", "user", "hostname",
                "restart", "privileged", "network_mode", "pid", "ipc", "userns_mode", "uts",
                "cgroup", "cgroup_parent", "cap_add", "devices", "mem_limit", "memswap_limit",
                "cpus", "pids_limit", "networks", "expose", "links", "container_name", "tmpfs",
                "extra_hosts", "ulimits", "shm_size", "init", "read_only", "cap_drop",
                "security_opt", "stop_grace_period", "stop_signal", "logging", "domainname",
                "sysctls", "dns", "dns_search", "dns_opt", "group_add", "tty", "stdin_open"}
# what a swarm service cannot apply (the engine's service spec has no field for it)
NOT_FOR_SWARM = {"restart", "privileged", "network_mode", "pid", "ipc", "userns_mode", "uts",
                 "cgroup", "cgroup_parent", "devices", "memswap_limit", "ulimits", "shm_size",
                 "domainname", "security_opt"}
NETWORK_KEYS = {"external", "name", "driver", "internal", "labels", "attachable"}
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
ALIAS = NETWORK_NAME  # a network alias, container_name or link alias: a name on the network
DNS_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")
CAPABILITY = re.compile(r"(CAP_)?[A-Z_]{2,32}")
SIGNAL = re.compile(r"(SIG)?[A-Z0-9+-]{2,12}|[0-9]{1,2}")
SYSCTL = re.compile(r"[a-z0-9_]+(\.[a-z0-9_*-]+)+")
EXPOSE = re.compile(r"(\d{1,5})(?:-(\d{1,5}))?(?:/(tcp|udp|sctp))?")
MAX_SERVICE_NAME = {"docker-compose": 63, "docker-swarm": 28}  # swarm names stop at 63 in all
MAX_DURATION_NS = 86400 * 10 ** 9
MAX_STOP_GRACE_S = 600
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
    # network (as the manifest names it) -> the names the service has on it: its own, its
    # container_name, what links and `aliases` give it (none on an external network)
    networks: dict = field(default_factory=lambda: {"default": []})
    links: list = field(default_factory=list)  # [service, alias]: aliases of that service
    container_name: Optional[str] = None  # an alias; the real name stays unique per instance
    expose: list = field(default_factory=list)  # "8040/tcp": documents ports, publishes none
    tmpfs: dict = field(default_factory=dict)  # container path -> {"size": bytes, "mode": int}
    extra_hosts: dict = field(default_factory=dict)  # host name -> IP address
    ulimits: list = field(default_factory=list)  # {"name", "soft", "hard"}
    shm_size: Optional[int] = None
    init: Optional[bool] = None
    read_only: bool = False
    cap_drop: list = field(default_factory=list)
    security_opt: list = field(default_factory=list)
    stop_grace_period: Optional[int] = None  # nanoseconds
    stop_signal: Optional[str] = None
    logging: Optional[dict] = None  # {"driver", "options"}
    domainname: Optional[str] = None
    sysctls: dict = field(default_factory=dict)
    dns: list = field(default_factory=list)
    dns_search: list = field(default_factory=list)
    dns_opt: list = field(default_factory=list)
    group_add: list = field(default_factory=list)
    tty: bool = False
    stdin_open: bool = False

    def fingerprint(self, environment: dict) -> str:
        """What decides whether a running container still matches the wanted one."""
        wanted = {**self.__dict__, "environment": environment}
        return json.dumps(wanted, sort_keys=True, default=str)


@dataclass
class NetworkSpec:
    """A top-level network: made per instance, or (external) one the operator made and listed."""
    name: str  # as the manifest names it
    external: bool = False
    engine_name: Optional[str] = None  # an external network's name on the engine
    internal: bool = False
    labels: dict = field(default_factory=dict)


@dataclass
class ComposeSpec:
    services: dict  # name -> ServiceSpec, in start order (dependencies first)
    volumes: list  # named volumes declared or used
    networks: dict = field(default_factory=lambda: {"default": NetworkSpec("default")})


def _fail(message: str) -> NoReturn:
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


def _required_text(value, where: str, pattern: Optional[re.Pattern] = None, max_length: int = 4096) -> str:
    """_text, for a value that must be there: None (a YAML null) is refused as well."""
    text = _text(value, where, pattern, max_length)
    if text is None:
        _fail(f"{where} must be a non-empty string (at most {max_length} characters)")
    return text


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
    path = _required_text(value, where)
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
        assert spec.source is not None  # a bind has its source path (checked above)
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
    check: dict = {"Test": test}
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


def _bool(value, where: str, default=False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        _fail(f"{where} must be true or false")
    return value


def _labels(value, where: str) -> dict:
    labels = _mapping(value, where)
    reserved = sorted(k for k in labels if k.startswith(RESERVED_LABEL_PREFIX))
    if reserved:
        _fail(f"{where}: {reserved[0]!r} is reserved for the broker's own labels")
    return labels


def _names(value, where: str, pattern: re.Pattern, max_items: int = 64,
           numbers: bool = False) -> list:
    """A list of short strings, each matching `pattern` (a single string is a list of one;
    with `numbers`, whole numbers count as their digits)."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or len(items) > max_items:
        _fail(f"{where} must be a list of at most {max_items} strings")
    items = [str(v) if numbers and _is_int(v) else v for v in items]
    for item in items:
        _required_text(item, where, pattern, 255)
    return items


def _expose(value, where: str) -> list:
    result = []
    for item in _names(value, where, EXPOSE, numbers=True):
        match = EXPOSE.fullmatch(item)
        assert match is not None  # _names checked each item against EXPOSE
        low, high, protocol = match.groups()
        if not 1 <= int(low) <= int(high or low) <= 65535:
            _fail(f"{where}: {item!r} is not a port or a range of ports 1-65535")
        result.append(f"{low}{'-' + high if high else ''}/{protocol or 'tcp'}")
    return result


def _tmpfs(value, where: str, policy: DockerPolicy, memory: int) -> dict:
    """`/run` or `/run:size=64m,mode=1777`; sizes never above the memory limit (tmpfs pages are
    charged to the container), which is also the size of one given none."""
    mounts = {}
    for item in _names(value, where, re.compile(r"/[^\0]*"), 16):
        path, _, text = item.partition(":")
        options = dict(o.partition("=")[::2] for o in text.split(",")) if text else {}
        if set(options) - {"size", "mode"}:
            _fail(f"{where}: {item!r} may set only size and mode")
        try:
            size = parse_bytes(options.get("size", memory), f"{where} size")
            mode = int(options["mode"], 8) if "mode" in options else None
        except ValueError as exc:
            _fail(f"{where}: {exc}")
        if mode is not None and not 0 <= mode <= 0o7777:
            _fail(f"{where}: mode {options['mode']} is not a file mode")
        problem = policy.size_problem(f"tmpfs {path}", size, memory)
        if problem:
            _fail(f"{where} asks for {problem}: refused")
        mounts[_container_path(path, where)] = {"size": size, "mode": mode}
    return mounts


def _extra_hosts(value, where: str) -> dict:
    """`host=ip`, `host:ip` or a mapping; addresses only (not `host-gateway`, which names the
    engine host itself)."""
    if isinstance(value, dict):
        pairs = list(value.items())
    else:
        pairs = [item.partition("=" if "=" in item else ":")[::2]
                 for item in _names(value, where, re.compile(r"[^\0\s]+"))]
    hosts = {}
    for host, address in pairs:
        _text(host, f"{where} host", DNS_NAME, 253)
        try:
            hosts[host] = str(ipaddress.ip_address(str(address).strip("[]")))
        except ValueError:
            _fail(f"{where}.{host}: {address!r} is not an IP address")
    return hosts


def _ulimits(value, where: str, policy: DockerPolicy, memory: int) -> list:
    if value is None:
        return []
    if not isinstance(value, dict):
        _fail(f"{where} must be a mapping of limits")
    limits = []
    for name, limit in value.items():
        if _is_int(limit):
            soft = hard = limit
        elif isinstance(limit, dict) and set(limit) == {"soft", "hard"}:
            soft, hard = limit["soft"], limit["hard"]
        else:
            _fail(f"{where}.{name} must be a number or a mapping with soft and hard")
        for number in (soft, hard):
            if not _is_int(number):
                _fail(f"{where}.{name}: soft and hard must be whole numbers")
            problem = policy.ulimit_problem(str(name), number, memory)
            if problem:
                _fail(f"{where} asks for {problem}: refused")
        if soft > hard:
            _fail(f"{where}.{name}: soft {soft} is above hard {hard}")
        limits.append({"name": name, "soft": soft, "hard": hard})
    return limits


def _logging(value, where: str, policy: DockerPolicy) -> Optional[dict]:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"driver", "options"}:
        _fail(f"{where} must be a mapping with driver and options")
    driver = _text(value.get("driver", "json-file"), f"{where}.driver", max_length=64)
    options = _mapping(value.get("options"), f"{where}.options")
    problem = policy.logging_problem(driver, options)
    if problem:
        _fail(f"{where} asks for {problem}: refused")
    return {"driver": driver, "options": options}


def _sysctls(value, where: str, policy: DockerPolicy) -> dict:
    sysctls = _mapping(value, where)
    for name in sysctls:
        _text(name, where, SYSCTL, 255)
        problem = policy.sysctl_problem(name)
        if problem:
            _fail(f"{where} asks for {problem}: refused")
    return sysctls


def _security_opt(value, where: str, policy: DockerPolicy) -> list:
    options = _names(value, where, re.compile(r"[^\0\s]+"), 16)
    for option in options:
        problem = policy.security_opt_problem(option)
        if problem:
            _fail(f"{where} asks for {problem}: refused (it would weaken the engine's confinement)")
    return options


def _grace_period(value, where: str) -> Optional[int]:
    """At most MAX_STOP_GRACE: an update waits that long for each container it replaces."""
    ns = None if value is None else duration_ns(value, where)
    if ns is not None and ns > MAX_STOP_GRACE_S * 10 ** 9:
        _fail(f"{where} must be at most {MAX_STOP_GRACE_S}s, got {value!r}")
    return ns


def _signal(value, where: str) -> Optional[str]:
    return None if value is None else _text(str(value) if _is_int(value) else value, where, SIGNAL, 16)


def _own_namespace_options(raw: dict, where: str, policy: DockerPolicy, memory: int) -> dict:
    """The service keys that change only what the container sees in its own namespaces."""
    w = lambda key: f"{where}.{key}"  # noqa: E731 - the field named in errors
    shm = raw.get("shm_size")
    if shm is not None:
        try:
            shm = parse_bytes(shm, w("shm_size"))
        except ValueError as exc:
            _fail(str(exc))
        problem = policy.size_problem("shm_size", shm, memory)
        if problem:
            _fail(f"{where} asks for {problem}: refused")
    grace = raw.get("stop_grace_period")
    return {
        "expose": _expose(raw.get("expose"), w("expose")),
        "tmpfs": _tmpfs(raw.get("tmpfs"), w("tmpfs"), policy, memory),
        "extra_hosts": _extra_hosts(raw.get("extra_hosts"), w("extra_hosts")),
        "ulimits": _ulimits(raw.get("ulimits"), w("ulimits"), policy, memory),
        "shm_size": shm,
        "init": None if raw.get("init") is None else _bool(raw["init"], w("init")),
        "read_only": _bool(raw.get("read_only"), w("read_only")),
        "cap_drop": _names(raw.get("cap_drop"), w("cap_drop"), re.compile(r"ALL|" + CAPABILITY.pattern)),
        "security_opt": _security_opt(raw.get("security_opt"), w("security_opt"), policy),
        "stop_grace_period": _grace_period(grace, w("stop_grace_period")),
        "stop_signal": _signal(raw.get("stop_signal"), w("stop_signal")),
        "logging": _logging(raw.get("logging"), w("logging"), policy),
        "domainname": _text(raw.get("domainname"), w("domainname"), DNS_NAME, 253),
        "sysctls": _sysctls(raw.get("sysctls"), w("sysctls"), policy),
        "dns": _addresses(raw.get("dns"), w("dns")),
        "dns_search": _names(raw.get("dns_search"), w("dns_search"), DNS_NAME, 6),
        "dns_opt": _names(raw.get("dns_opt"), w("dns_opt"), re.compile(r"[a-z0-9-]+(:\d{1,5})?"), 16),
        "group_add": _names(raw.get("group_add"), w("group_add"), NAME, 32, numbers=True),
        "tty": _bool(raw.get("tty"), w("tty")),
        "stdin_open": _bool(raw.get("stdin_open"), w("stdin_open")),
    }


def _addresses(value, where: str) -> list:
    addresses = _names(value, where, re.compile(r"[0-9A-Fa-f.:]+"), 3)
    for address in addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            _fail(f"{where}: {address!r} is not an IP address")
    return addresses


# networks

def _network(name, options, swarm: bool, policy: DockerPolicy) -> NetworkSpec:
    where = f"network {name!r}"
    if not isinstance(name, str) or not NETWORK_NAME.fullmatch(name):
        _fail(f"{where}: network names use letters, digits, '_', '.', '-' (at most 63)")
    options = {} if options is None else options
    if not isinstance(options, dict):
        _fail(f"{where} must be a mapping")
    unknown = sorted(str(k) for k in options if k not in NETWORK_KEYS and not str(k).startswith("x-"))
    if unknown:  # driver_opts, ipam: host interfaces and subnets are the engine operator's
        _fail(f"{where}: unsupported keys {', '.join(unknown)}; supported: "
              f"{', '.join(sorted(NETWORK_KEYS))}")
    external, engine_name = options.get("external", False), options.get("name")
    if isinstance(external, dict):  # file format 2.x: external: {name: ...}
        if set(external) - {"name"}:
            _fail(f"{where}.external must be true, false or a mapping with name")
        external, engine_name = True, external.get("name", engine_name)
    if _bool(external, f"{where}.external"):
        return _external_network(name, engine_name, options, policy)
    if engine_name is not None:
        _fail(f"{where}.name: only an external network is named; the broker names its own "
              "networks per instance, so that two instances never share one")
    driver = "overlay" if swarm else "bridge"
    if options.get("driver", driver) != driver:
        _fail(f"{where}.driver must be {driver} in a {'docker-swarm' if swarm else 'docker-compose'} "
              f"manifest, got {options.get('driver')!r}")
    _bool(options.get("attachable"), f"{where}.attachable")  # swarm networks always are
    return NetworkSpec(name, internal=_bool(options.get("internal"), f"{where}.internal"),
                       labels=_labels(options.get("labels"), f"{where}.labels"))


def _external_network(name: str, engine_name, options: dict, policy: DockerPolicy) -> NetworkSpec:
    where = f"network {name!r}"
    if set(options) - {"external", "name"}:
        _fail(f"{where}: an external network takes only external and name (the operator made it)")
    engine_name = _text(engine_name if engine_name is not None else name, f"{where}.name",
                        NETWORK_NAME, 63)
    problem = policy.external_network_problem(engine_name)
    if problem:
        _fail(f"{where} asks for {problem}: refused")
    return NetworkSpec(name, external=True, engine_name=engine_name)


def _networks(data: dict, swarm: bool, policy: DockerPolicy) -> dict:
    declared = {} if data.get("networks") is None else data["networks"]
    if not isinstance(declared, dict):
        _fail("top-level networks must be a mapping")
    if len(declared) > MAX_NETWORKS:
        _fail(f"{len(declared)} networks: at most {MAX_NETWORKS} (each takes a subnet of the engine)")
    networks = {"default": NetworkSpec("default")}
    networks.update({name: _network(name, options, swarm, policy) for name, options in declared.items()})
    return networks


def _service_networks(value, where: str, networks: dict) -> dict:
    """Network -> the aliases the manifest gives the service there; a service naming none joins
    the instance's default network."""
    if value is None:
        return {"default": []}
    if isinstance(value, list):
        value = {name: None for name in _names(value, where, NETWORK_NAME, MAX_NETWORKS)}
    if not isinstance(value, dict) or not value:
        _fail(f"{where} must be a non-empty list of network names or a mapping")
    joined = {}
    for name, options in value.items():
        if name not in networks:
            _fail(f"{where} names network {name!r}, which the top-level networks do not declare")
        options = options or {}
        if not isinstance(options, dict) or set(options) - {"aliases"}:
            _fail(f"{where}.{name} supports only aliases (fixed addresses such as ipv4_address "
                  "would collide when two instances of a plan run side by side)")
        aliases = _names(options.get("aliases"), f"{where}.{name}.aliases", ALIAS, 16)
        if aliases and networks[name].external:
            _fail(f"{where}.{name}.aliases: refused on the external network {name!r} (other "
                  "instances share it: a name there could take theirs)")
        joined[name] = aliases
    return joined


def _links(value, where: str, names: set) -> list:
    """`db` or `db:database`: the alias (by default the service name) resolves to that service."""
    links = []
    for item in _names(value, where, re.compile(r"[^\0\s]+")):
        target, _, alias = item.partition(":")
        if target not in names:
            _fail(f"{where} names service {target!r}, which the manifest does not define")
        links.append([target, _text(alias or target, where, ALIAS, 63)])
    return links


def _assign_aliases(services: dict, networks: dict) -> None:
    """Each service's names on each of the instance's own networks: its own, its container_name,
    its `aliases`, and what other services' links call it there; one name, one service."""
    for svc in services.values():
        for name, aliases in svc.networks.items():
            if not networks[name].external:
                aliases[:0] = [svc.name] + ([svc.container_name] if svc.container_name else [])
    for svc in services.values():
        for target, alias in svc.links:
            shared = [n for n in svc.networks if n in services[target].networks
                      and not networks[n].external]
            if not shared:
                _fail(f"service {svc.name!r} links {target!r}, but they share no network of the instance")
            for name in shared:
                services[target].networks[name].append(alias)
    for name in networks:
        owner: dict[str, str] = {}
        for svc in services.values():
            for alias in dict.fromkeys(svc.networks.get(name, [])):
                if owner.setdefault(alias, svc.name) != svc.name:
                    _fail(f"network {name!r}: the name {alias!r} is given to both services "
                          f"{owner[alias]!r} and {svc.name!r}")
    for svc in services.values():
        svc.networks = {n: list(dict.fromkeys(a)) for n, a in svc.networks.items()}


def _check_keys(raw: dict, where: str, swarm: bool) -> None:
    """Refused keys say why; unknown ones list what is supported; `x-` and IGNORED_KEYS pass."""
    refused = sorted(k for k in raw if k in REFUSED_KEYS)
    if refused:
        _fail(f"{where}: {refused[0]} is refused: {REFUSED_KEYS[refused[0]]}")
    unknown = sorted(str(k) for k in raw if k not in SERVICE_KEYS and k not in IGNORED_KEYS
                     and not str(k).startswith("x-"))
    if unknown:
        _fail(f"{where}: unsupported keys {', '.join(unknown)}; supported: "
              f"{', '.join(sorted(SERVICE_KEYS))}")
    if swarm and NOT_FOR_SWARM & set(raw):
        _fail(f"{where} asks for {', '.join(sorted(NOT_FOR_SWARM & set(raw)))}, which a swarm "
              "service cannot apply: refused (use a docker-compose manifest)")
    if "image" not in raw:
        _fail(f"{where} needs an image")


def _wiring(raw: dict, where: str, names: set, networks: dict, replicas: int) -> dict:
    """How the service is reached: its networks, links and container_name."""
    wiring = {"networks": _service_networks(raw.get("networks"), f"{where}.networks", networks),
              "links": _links(raw.get("links"), f"{where}.links", names),
              "container_name": _text(raw.get("container_name"), f"{where}.container_name", ALIAS, 63)}
    if raw.get("network_mode") is not None:
        given = [k for k in ("networks", "links", "container_name") if k in raw]
        if given:
            _fail(f"{where}: {given[0]} needs a network, and network_mode leaves the container none")
        wiring["networks"] = {}
    if wiring["container_name"] and replicas != 1:
        _fail(f"{where}: container_name names one container; deploy.replicas must be 1")
    return wiring


def _service(name, raw, policy: DockerPolicy, manifest_type: str, names: set,
             declared_volumes: dict, networks: dict) -> ServiceSpec:
    where = f"service {name!r}"
    swarm = manifest_type == "docker-swarm"
    if not isinstance(name, str) or not NAME.fullmatch(name) or len(name) > MAX_SERVICE_NAME[manifest_type]:
        _fail(f"{where}: service names use letters, digits, '_', '.', '-' (at most "
              f"{MAX_SERVICE_NAME[manifest_type]} characters in {manifest_type} manifests)")
    if not isinstance(raw, dict):
        _fail(f"{where} must be a mapping")
    _check_keys(raw, where, swarm)
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
    limits = _limits(raw, where, policy)
    svc = ServiceSpec(
        name=name, image=_required_text(raw["image"], f"{where}.image", IMAGE, 255),
        command=_strings(raw.get("command"), f"{where}.command"),
        entrypoint=_strings(raw.get("entrypoint"), f"{where}.entrypoint"),
        environment=_mapping(raw.get("environment"), f"{where}.environment"),
        ports=[_port(p, f"{where}.ports") for p in lists["ports"]],
        volumes=[_volume(v, f"{where}.volumes", policy) for v in lists["volumes"]],
        labels=_labels(raw.get("labels"), f"{where}.labels"),
        healthcheck=_healthcheck(raw.get("healthcheck"), f"{where}.healthcheck"),
        depends_on=depends_on, healthy_dependencies=healthy, replicas=replicas,
        working_dir=_text(raw.get("working_dir"), f"{where}.working_dir", ABSOLUTE_PATH),
        user=None if user is None else _text(str(user) if _is_int(user) else user, f"{where}.user",
                                             re.compile(r"[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?"), 64),
        hostname=_text(raw.get("hostname"), f"{where}.hostname", HOSTNAME, 63),
        restart=restart, privileged=privileged, cap_add=list(lists["cap_add"]),
        devices=list(lists["devices"]), limits=limits, **_modes(raw, where, policy, names),
        **_wiring(raw, where, names, networks, replicas),
        **_own_namespace_options(raw, where, policy, limits["memory"]))
    joined_external = [n for n in svc.networks if networks[n].external]
    if svc.hostname and joined_external:  # the engine makes the hostname a name on every network
        _fail(f"{where}.hostname: refused on a service joining the external network "
              f"{joined_external[0]!r} (other instances share it: the name could take theirs)")
    for value in (svc.network_mode, svc.pid, svc.ipc):  # that container must exist first
        if value and value.startswith("service:") and value[8:] not in svc.depends_on:
            svc.depends_on.append(value[8:])
    for target, _ in svc.links:  # as in compose: a link is a dependency too
        if target not in svc.depends_on and target != name:
            svc.depends_on.append(target)
    if svc.network_mode not in (None, "bridge") and svc.ports:
        _fail(f"{where}: ports cannot be published with network_mode {svc.network_mode}")
    for vol in svc.volumes:
        if vol.source and not vol.bind and vol.source not in declared_volumes:
            _fail(f"{where} uses volume {vol.source!r}, which the top-level volumes do not declare")
    return svc


def _start_order(services: dict) -> list:
    """Dependencies first; iterative, so a long chain cannot exhaust the stack."""
    order: list = []
    state: dict[str, str] = {}
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
    for key in ("secrets", "configs"):
        if key in data:
            _fail(f"top-level {key} is refused: {REFUSED_KEYS[key]}")
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
    networks = _networks(data, manifest_type == "docker-swarm", policy)
    services = {name: _service(name, raw, policy, manifest_type, names, declared_volumes, networks)
                for name, raw in raw_services.items()}
    _assign_aliases(services, networks)
    for svc in services.values():
        missing = [d for d in svc.depends_on if d not in services]
        if missing:
            _fail(f"service {svc.name!r} depends on unknown services: {', '.join(missing)}")
    ports = sum(len(svc.ports) for svc in services.values())
    if ports > policy.max_ports:
        _fail(f"{ports} published ports: at most {policy.max_ports} (ESM_DOCKER_MAX_PORTS)")
    order = _start_order(services)
    return ComposeSpec({name: services[name] for name in order}, sorted(declared_volumes), networks)
