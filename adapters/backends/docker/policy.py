"""The Docker policy: the one place that decides what a compose manifest may make an engine do,
and what every container gets whatever the manifest says (README, "What a Docker manifest may
do", has the same rules as a table).

Three kinds of rule live here:

- namespaces and modes (`pid`, `ipc`, `network_mode`, `userns_mode`, `uts`, `cgroup`,
  `cgroup_parent`), privileges, capabilities and devices: only values that keep a container in
  its own namespaces, unless the operator sets ESM_DOCKER_ALLOW_PRIVILEGED;
- bind mounts: normalized first, then checked; read-only, inside an allowed folder, never the
  Docker socket or data root, and resolved on this host again just before the engine mounts
  them, so a symlink made after registration cannot lead outside;
- bounds and resources: services, replicas, memory, CPUs and processes, with operator defaults
  applied to every container and service;
- the rest of the Compose Specification's service keys: networks (an instance's own, or an
  external one only when the operator lists it), security options, sysctls, ulimits, logging,
  tmpfs and shm sizes, and the keys refused outright because they reach host files, devices or
  the engine (REFUSED_KEYS).
"""
from __future__ import annotations

import os
import posixpath
import re
import stat
from dataclasses import dataclass, field
from typing import Optional, Union

GIB = 1024 ** 3
MIB = 1024 ** 2
DOCKER_SOCKETS = ("/var/run/docker.sock", "/run/docker.sock")
DOCKER_DATA_ROOT = "/var/lib/docker"
MIN_MEMORY = 6 * MIB  # the engine refuses less

# key -> the values that keep a container in its own namespaces (absent is always fine)
OWN_NAMESPACE_VALUES = {
    "pid": (),
    "ipc": ("private", "shareable", "none"),
    "network_mode": ("none",),
    "userns_mode": (),
    "uts": (),
    "cgroup": ("private",),
    "cgroup_parent": (),
}
# with ESM_DOCKER_ALLOW_PRIVILEGED: what each key may name besides its own-namespace values
PRIVILEGED_VALUES = {
    "pid": ("host", "container:", "service:"),
    "ipc": ("host", "container:", "service:"),
    "network_mode": ("host", "bridge", "container:", "service:"),
    "userns_mode": ("host",),
    "uts": ("host",),
    "cgroup": ("host",),
    "cgroup_parent": None,  # any cgroup path
}

# service keys no manifest may have, whatever the operator allows: each would reach what a
# container cannot reach from its own namespaces, or what a broker does not have (host files)
REFUSED_KEYS = {
    "build": "a broker has no build context: build the image and name it in image",
    "env_file": "it reads a file on the host running compose, which a broker does not have; "
                "put the values in environment, config or provision parameters",
    "label_file": "it reads a file on the host running compose, which a broker does not have; "
                  "put the labels in labels",
    "secrets": "file-based secrets are host files a broker does not have, and swarm or external "
               "ones belong to the engine, not to a tenant; pass values as provision parameters",
    "configs": "file-based configs are host files a broker does not have, and swarm or external "
               "ones belong to the engine, not to a tenant; pass values as config or parameters",
    "extends": "it reads another compose file; register the merged file",
    "external_links": "it reaches containers outside the instance",
    "volumes_from": "it mounts another container's volumes",
    "use_api_socket": "it hands the container the engine's API socket",
    "gpus": "it hands the container host devices",
    "device_cgroup_rules": "it lets the container use host devices",
    "runtime": "another runtime may not isolate the container as the default one does",
    "annotations": "runtime annotations may change how the runtime sets the container up",
    "storage_opt": "storage driver options are the engine operator's",
    "blkio_config": "it names host block devices",
    "cpuset": "it pins the container to host CPUs the operator has not given it",
    "cpu_shares": "use cpus: the policy bounds that one",
    "cpu_period": "use cpus: the policy bounds that one",
    "cpu_quota": "use cpus: the policy bounds that one",
    "cpu_rt_runtime": "realtime scheduling can starve the host",
    "cpu_rt_period": "realtime scheduling can starve the host",
    "cpu_count": "a Windows-only key; use cpus",
    "cpu_percent": "a Windows-only key; use cpus",
    "mem_reservation": "use mem_limit: the policy bounds that one",
    "mem_swappiness": "swap behaviour is the engine operator's",
    "oom_kill_disable": "a container that may not be killed at its memory limit hangs the host's "
                        "memory instead",
    "oom_score_adj": "it changes which processes of the host the kernel kills first",
    "mac_address": "a fixed MAC address collides when two instances of a plan run side by side, "
                   "and may impersonate another container on a shared network",
    "isolation": "a Windows-only key",
    "credential_spec": "a Windows-only key that reads host files or the host's registry",
    "platform": "the broker runs the image the engine has or pulls for its own platform",
    "provider": "provider services run a host command on the machine running compose",
    "models": "AI models are run by a model runner on the compose host",
    "profiles": "the broker starts every service of a manifest: drop the services it should not "
                "run, or the profiles",
    "post_start": "lifecycle hooks are run by the compose tool, which the broker is not",
    "pre_stop": "lifecycle hooks are run by the compose tool, which the broker is not",
    "scale": "use deploy.replicas (docker-swarm manifests)",
    "pull_policy": "the broker uses the image on the engine and pulls it when it is missing",
}
# keys the compose tool reads for itself (what it shows, how it watches files): nothing runs
# differently without them
IGNORED_KEYS = {"attach", "develop"}
SAFE_SECURITY_OPTS = ("no-new-privileges:true", "no-new-privileges=true", "no-new-privileges")
LOG_DRIVERS = ("json-file", "local", "none")
# log driver options -> the largest value (sizes in bytes, counts) or the values allowed
LOG_OPTIONS = {"max-size": 100 * 1024 ** 2, "max-file": 10, "max-buffer-size": 4 * 1024 ** 2,
               "compress": ("true", "false"), "mode": ("blocking", "non-blocking")}
# ulimit -> the largest soft or hard value (None: the container's memory limit)
ULIMITS: dict[str, Union[int, str, None]] = {
    "nofile": 1048576, "nproc": "pids", "core": 0, "memlock": None, "stack": None,
    "msgqueue": None, "sigpending": 1048576}
MAX_NETWORKS = 8  # networks per manifest: each takes a subnet from the engine's address pools
NETWORK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")

_BYTES = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)b?\s*$", re.IGNORECASE)
_BYTE_UNITS = {"": 1, "k": 1024, "m": MIB, "g": GIB}


class PolicyViolation(ValueError):
    """The manifest asks for something the policy refuses; the message says what and why."""


def parse_bytes(value, where: str) -> int:
    """A compose byte value: 1073741824, '512m', '1g', '1.5GB'."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _BYTES.match(value) if isinstance(value, str) and len(value) <= 64 else None
    if not match:
        raise ValueError(f"{where} must be a size such as 512m or 1g, got {str(value)[:64]!r}")
    return int(float(match.group(1)) * _BYTE_UNITS[match.group(2).lower()])


def format_bytes(value: int) -> str:
    for unit, size in (("g", GIB), ("m", MIB)):
        if value % size == 0:
            return f"{value // size}{unit}"
    return str(value)


def parse_cpus(value, where: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{where} must be a number of CPUs such as 0.5 or 2, got {value!r}")
    try:
        cpus = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where} must be a number of CPUs such as 0.5 or 2, got {value!r}") from None
    if not 0.01 <= cpus <= 1024:
        raise ValueError(f"{where} must be between 0.01 and 1024 CPUs, got {value!r}")
    return cpus


def _log_option_problem(key: str, value: str, allowed) -> Optional[str]:
    if isinstance(allowed, tuple):
        return None if value in allowed else f"logging option {key}: one of {', '.join(allowed)}"
    try:
        number = parse_bytes(value, key) if key.endswith("size") else int(value)
    except ValueError:
        return f"logging option {key}: {value[:64]!r} is not a number or a size"
    if not 1 <= number <= allowed:
        return f"logging option {key} {value}: must be between 1 and {format_bytes(allowed)}"
    return None


def normalize_host_path(raw: str) -> str:
    """An absolute host path with `.` and repeated slashes removed. ValueError for anything whose
    meaning depends on who reads it: relative paths, `~`, `..` segments."""
    if not raw:
        raise ValueError("an empty host path")
    if raw.startswith("~"):
        raise ValueError(f"a home-relative host path ({raw}); use an absolute path")
    if not raw.startswith("/"):
        raise ValueError(f"a relative host path ({raw}): it would be read against the folder of "
                         "the compose file, and a broker has none; use an absolute path")
    if ".." in raw.split("/"):
        raise ValueError(f"a host path with '..' ({raw}); write the path without it")
    if "\0" in raw:
        raise ValueError("a host path with a NUL character")
    return posixpath.normpath(re.sub(r"/+", "/", raw))


def is_within(path: str, folder: str) -> bool:
    """Path-component containment (`/srv/database` is not within `/srv/data`)."""
    return folder == "/" or path == folder or path.startswith(folder + "/")


def _refuses_docker_internals(path: str, data_roots: tuple) -> Optional[str]:
    for inner in (*DOCKER_SOCKETS, *data_roots):
        if is_within(inner, path) or is_within(path, inner):
            return inner
    return None


def _writable_by_others(path: str) -> Optional[str]:
    """The first folder on the way to `path` (or `path` itself) that someone other than its
    owner, root or this process's user could change: group- or other-writable (and, for a
    folder, without the sticky bit that keeps others from renaming what is not theirs), or
    owned by another user."""
    me = os.geteuid()
    parts = path.strip("/").split("/") if path != "/" else []
    for depth in range(len(parts) + 1):
        current = "/" + "/".join(parts[:depth])
        info = os.stat(current)
        sticky = stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX
        if info.st_uid not in (0, me) or (info.st_mode & 0o022 and not sticky):
            return current
    return None


@dataclass(frozen=True)
class DockerPolicy:
    """What the operator allows beyond the safe default, and the bounds every manifest meets."""
    allow_privileged: bool = False
    allowed_bind_paths: tuple = ()
    #: binds are resolved on this host before mounting; a remote engine (DOCKER_HOST=tcp://...)
    #: cannot be checked that way, so binds are refused there
    local_engine: bool = True
    max_services: int = 50
    max_replicas: int = 10
    max_ports: int = 32  # published ports per manifest: each costs the host a proxy process
    default_memory: int = 1 * GIB
    max_memory: int = 4 * GIB
    max_cpus: float = 2.0
    pids_limit: int = 1024
    #: networks made outside the broker that manifests may join (`external: true`)
    external_networks: tuple = ()
    data_roots: tuple = field(default=(DOCKER_DATA_ROOT,))

    def __post_init__(self):
        object.__setattr__(self, "allowed_bind_paths",
                           tuple(normalize_host_path(p) for p in self.allowed_bind_paths))

    # -- namespaces, modes, privileges ---------------------------------------------------------

    def mode_problem(self, key: str, value: Optional[str]) -> Optional[str]:
        """Why `key: value` is refused, or None."""
        if value is None or value in OWN_NAMESPACE_VALUES[key]:
            return None
        privileged = PRIVILEGED_VALUES[key]
        if self.allow_privileged and (privileged is None or value in privileged or any(
                p.endswith(":") and value.startswith(p) and len(value) > len(p) for p in privileged)):
            return None
        return f"{key}: {value}"

    def privilege_problems(self, privileged: bool, cap_add: list, devices: list) -> list[str]:
        if self.allow_privileged:
            return []
        return (["privileged: true"] if privileged else []) + \
            ([f"cap_add {cap_add}"] if cap_add else []) + ([f"devices {devices}"] if devices else [])

    def security_opt_problem(self, value: str) -> Optional[str]:
        """Only what takes privileges away: seccomp or AppArmor `unconfined`, another label or
        profile, would weaken what the engine's defaults confine."""
        if self.allow_privileged or value in SAFE_SECURITY_OPTS:
            return None
        return f"security_opt {value} (only no-new-privileges:true)"

    def sysctl_problem(self, name: str) -> Optional[str]:
        """`net.*` sysctls act in the container's own network namespace; the rest reach the
        host's kernel (or need namespaces the container does not own)."""
        if self.allow_privileged or name.startswith("net."):
            return None
        return f"sysctl {name} (only net.*, which stay in the container's network namespace)"

    # -- networks ------------------------------------------------------------------------------

    def external_network_problem(self, name: str) -> Optional[str]:
        """Joining a network made outside the broker lets the instance talk to whatever is on
        it: only those the operator lists (ESM_DOCKER_ALLOW_PRIVILEGED does not lift this)."""
        if name in self.external_networks:
            return None
        return (f"the external network {name}, which the operator does not list in "
                "ESM_DOCKER_EXTERNAL_NETWORKS")

    # -- bind mounts ---------------------------------------------------------------------------

    def bind_problem(self, source: str, read_only: bool) -> Optional[str]:
        """Why a bind of host path `source` is refused at registration, or None. `source` is
        already normalized (normalize_host_path)."""
        if self.allow_privileged:
            return None
        if source == "/":
            return "a bind mount of /"
        inner = _refuses_docker_internals(source, self.data_roots)
        if inner:
            return f"a bind mount of {source} (it reaches the engine's {inner})"
        if not any(is_within(source, folder) for folder in self.allowed_bind_paths):
            return (f"a bind mount of {source} outside the allowed host paths "
                    "(ESM_DOCKER_ALLOWED_BIND_PATHS)")
        if not read_only:
            return f"a writable bind mount of {source} (binds must be read-only: add :ro)"
        if not self.local_engine:
            return (f"a bind mount of {source} on a remote engine (binds are checked on this "
                    "host, so only a local engine may have them)")
        return self._resolution_problem(source, self.data_roots)[1]

    def _resolution_problem(self, source: str, data_roots: tuple) -> tuple[str, Optional[str]]:
        resolved = os.path.realpath(source)
        allowed = [os.path.realpath(folder) for folder in self.allowed_bind_paths]
        if not any(is_within(resolved, folder) for folder in allowed):
            return resolved, (f"a bind mount of {source}, which resolves to {resolved}, outside "
                              "the allowed host paths (ESM_DOCKER_ALLOWED_BIND_PATHS)")
        inner = _refuses_docker_internals(resolved, data_roots)
        if inner:
            return resolved, f"a bind mount of {source}, which resolves into the engine's {inner}"
        return resolved, None

    def resolve_bind(self, source: str, engine_data_root: Optional[str] = None) -> str:
        """The host path to hand the engine, resolved now (a symlink may have appeared since
        registration); PolicyViolation when it leads outside the allowed folders."""
        if self.allow_privileged:
            return source
        if not os.path.exists(source):
            raise PolicyViolation(f"bind mount source {source} does not exist on the engine host")
        roots = self.data_roots + ((engine_data_root,) if engine_data_root else ())
        resolved, problem = self._resolution_problem(source, roots)
        if problem:
            raise PolicyViolation(f"refused {problem}")
        loose = _writable_by_others(resolved)
        if loose:
            raise PolicyViolation(f"refused a bind mount of {source}: {loose} may be changed by "
                                  "other users (group or others may write to it), who could swap "
                                  "a symlink in after this check; the engine follows symlinks at "
                                  "every mount, restarts included")
        return resolved

    # -- bounds and resources ------------------------------------------------------------------

    @property
    def default_memory_limit(self) -> int:
        """What a container whose manifest sets no memory limit gets (never above the cap)."""
        return min(self.default_memory, self.max_memory)

    def limits_problem(self, memory: Optional[int], memswap: Optional[int], cpus: Optional[float],
                       pids: Optional[int]) -> Optional[str]:
        """Why the resource limits a manifest sets exceed the operator's caps, or None."""
        if memory is not None and not MIN_MEMORY <= memory <= self.max_memory:
            return (f"memory {format_bytes(memory)}: must be between 6m and "
                    f"{format_bytes(self.max_memory)} (ESM_DOCKER_MAX_MEMORY)")
        if memswap is not None:
            floor = memory if memory is not None else self.default_memory_limit
            if not floor <= memswap <= self.max_memory:
                return (f"memswap_limit {format_bytes(memswap)}: must be at least the memory limit "
                        f"and at most {format_bytes(self.max_memory)} (ESM_DOCKER_MAX_MEMORY)")
        if cpus is not None and cpus > self.max_cpus:
            return f"cpus {cpus:g}: at most {self.max_cpus:g} (ESM_DOCKER_MAX_CPUS)"
        if pids is not None and not 1 <= pids <= self.pids_limit:
            return f"pids limit {pids}: must be between 1 and {self.pids_limit} (ESM_DOCKER_PIDS_LIMIT)"
        return None

    def ulimit_problem(self, name: str, value: int, memory: int) -> Optional[str]:
        """Why ulimit `name` (its soft or hard value) is refused, or None; `memory` is the
        container's memory limit, which bounds the byte-sized ones."""
        if name not in ULIMITS:
            return f"ulimit {name} (allowed: {', '.join(sorted(ULIMITS))})"
        bound = ULIMITS[name]  # the cap itself, or "pids" (the pids limit), or None (the memory)
        cap = bound if isinstance(bound, int) else self.pids_limit if bound == "pids" else memory
        if not 0 <= value <= cap:
            return f"ulimit {name} {value}: must be between 0 and {cap}"
        return None

    @staticmethod
    def size_problem(what: str, size: int, memory: int) -> Optional[str]:
        """tmpfs and /dev/shm live in memory charged to the container: never above its limit."""
        if not 0 < size <= memory:
            return (f"{what} {format_bytes(size)}: must be more than 0 and at most the "
                    f"container's memory limit ({format_bytes(memory)})")
        return None

    @staticmethod
    def logging_problem(driver: Optional[str], options: dict) -> Optional[str]:
        """Logs stay on the engine host, in files the engine rotates: a driver that sends them
        elsewhere (syslog, gelf, fluentd...) would reach the operator's log systems."""
        if driver not in LOG_DRIVERS:
            return f"logging driver {driver} (allowed: {', '.join(LOG_DRIVERS)})"
        for key, value in options.items():
            if key not in LOG_OPTIONS:
                return f"logging option {key} (allowed: {', '.join(sorted(LOG_OPTIONS))})"
            problem = _log_option_problem(key, str(value), LOG_OPTIONS[key])
            if problem:
                return problem
        return None

    def effective_limits(self, memory: Optional[int], memswap: Optional[int],
                         cpus: Optional[float], pids: Optional[int]) -> dict:
        """What a container or service really gets: the manifest's limits, else the defaults."""
        memory = memory if memory is not None else self.default_memory_limit
        return {"memory": memory, "memswap": memswap if memswap is not None else memory,
                "nano_cpus": int(round((cpus if cpus is not None else self.max_cpus) * 1e9)),
                "pids": pids if pids is not None else self.pids_limit}
