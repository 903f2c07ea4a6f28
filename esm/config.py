"""Settings: the one place that reads the environment."""
from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Optional, TypeVar
from urllib.parse import urlsplit

from adapters.datastore import SYNC_MODES as SQLITE_SYNC_MODES
from adapters.docker_policy import GIB, MIN_MEMORY, NETWORK_NAME, normalize_host_path, parse_bytes, parse_cpus

LOOPBACK = "127.0.0.1"
DOCKER_HOST_SCHEMES = ("unix://", "tcp://", "http://", "https://", "ssh://")
T = TypeVar("T")
BROKER_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,15}")  # part of engine object names


class ConfigError(ValueError):
    """A setting is missing, malformed or unsafe; the message names the setting."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1,
         maximum: int = 2 ** 31) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name} must be from {minimum} to {maximum}, got {value}")
    return value


def is_loopback(address: str) -> bool:
    """localhost, ::1 and all of 127.0.0.0/8 reach this machine only."""
    if address.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


HOSTNAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                      r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*")


def _listen_address(raw: str) -> str:
    try:
        ipaddress.ip_address(raw.strip("[]"))
        return raw.strip("[]")
    except ValueError:
        if HOSTNAME.fullmatch(raw) and not re.fullmatch(r"[0-9.]+", raw):  # 127.0.0.256: no
            return raw
    raise ConfigError(f"ESM_IP must be an IP address or a host name, got {raw!r}")


def _store_url(url: str) -> str:
    """Checks the form of ESM_STORE (what the store itself checks comes at start)."""
    if url == "memory":
        return url
    if url.startswith("sqlite:///"):
        if "?" in url:
            raise ConfigError("ESM_STORE: a sqlite URL takes no options (no '?'), got one with")
        if not url[len("sqlite:///"):]:
            raise ConfigError("ESM_STORE sqlite URL needs a file path, e.g. sqlite:///esm-data/esm.db")
        return url
    if url.startswith(("mongodb://", "mongodb+srv://")):
        hosts = urlsplit(url).netloc.rpartition("@")[2]
        if not hosts or any(not h for h in hosts.split(",")):
            raise ConfigError("ESM_STORE mongodb URL needs a host, e.g. mongodb://mongo:27017/esm, "
                              "got one without")
        return url
    raise ConfigError(f"ESM_STORE must be memory, sqlite:///path/file.db or "
                      f"mongodb://host:port/database, got a {url.split(':', 1)[0]!r} URL")


def _read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY) and not str(path).startswith(("/proc", "/sys"))
    except OSError:
        return False


def _writable_folder(folder: Path, setting: str) -> None:
    """The SQLite file's folder exists and is writable, or can be made (its nearest existing
    parent is a writable folder)."""
    existing = folder.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"{setting}: {existing} is not a folder, so {folder} cannot hold the "
                          "SQLite store")
    if _read_only_file_system(existing):
        return  # a disk fault, not a wrong setting: the store starts and answers 503 until it heals
    if not os.access(existing, os.W_OK | os.X_OK) or str(existing).startswith(("/proc", "/sys")):
        raise ConfigError(f"{setting}: cannot write to {existing}, where the SQLite store "
                          f"{'would be made' if existing != folder.absolute() else 'lives'}; "
                          "choose a writable folder")


def _parsed(env: Mapping[str, str], name: str, default: T, parse: Callable[[str, str], T]) -> T:
    """The setting read by `parse(raw, name)` (a ValueError naming it), or the default."""
    raw = env.get(name)
    if not raw:
        return default
    try:
        return parse(raw, name)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _bytes(env: Mapping[str, str], name: str, default: int) -> int:
    value = _parsed(env, name, default, parse_bytes)
    if value < MIN_MEMORY:
        raise ConfigError(f"{name} must be at least 6m, got {env.get(name)!r}")
    return value


def _network_names(env: Mapping[str, str], name: str) -> tuple:
    """A comma-separated list of Docker network names."""
    names = tuple(n.strip() for n in (env.get(name) or "").split(",") if n.strip())
    for network in names:
        if not NETWORK_NAME.fullmatch(network):
            raise ConfigError(f"{name} must list Docker network names (letters, digits, '_', '.', "
                              f"'-'; at most 63), separated by commas, got {network!r}")
    return names


@dataclass(frozen=True)
class Settings:
    ip: str = LOOPBACK
    port: int = 8080
    username: Optional[str] = None
    password: Optional[str] = None
    data_dir: str = "esm-data"
    store_url: str = "sqlite:///esm-data/esm.db"
    sqlite_sync: str = "normal"
    max_body_bytes: int = 1024 * 1024
    operation_timeout: int = 3600
    sync_operation_timeout: int = 50
    operation_lease: int = 15
    worker_threads: int = 32
    log_level: str = "INFO"
    log_format: str = "text"
    docker_host: Optional[str] = None
    docker_host_address: str = "127.0.0.1"
    docker_allow_privileged: bool = False
    docker_allowed_bind_paths: tuple = ()
    docker_external_networks: tuple = ()
    broker_id: Optional[str] = None  # None: generated once and kept in the store
    max_manifest_bytes: int = 256 * 1024
    max_parameters_bytes: int = 64 * 1024
    docker_max_services: int = 50
    docker_max_replicas: int = 10
    docker_max_ports: int = 32
    docker_default_memory: int = GIB
    docker_max_memory: int = 4 * GIB
    docker_max_cpus: float = 2.0
    docker_pids_limit: int = 1024
    mongodb_write_concern: str = "majority"  # or a number of members, at least 1
    mongodb_journal: bool = True

    @property
    def auth_enabled(self) -> bool:
        return self.username is not None

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if env is None else env
        username = env.get("ESM_BROKER_USERNAME") or None
        password = env.get("ESM_BROKER_PASSWORD") or None
        if username is not None and ":" in username:
            raise ConfigError("ESM_BROKER_USERNAME may not contain ':' (HTTP basic auth cannot "
                              "carry it), got a name with one")
        if (username is None) != (password is None):
            raise ConfigError(
                "set both ESM_BROKER_USERNAME and ESM_BROKER_PASSWORD to turn on basic auth, "
                "or neither to listen on 127.0.0.1 without credentials")
        ip = _listen_address(env.get("ESM_IP") or LOOPBACK)
        if username is None and not is_loopback(ip):
            raise ConfigError(
                f"refusing to listen on {ip} without credentials: set ESM_BROKER_USERNAME and "
                "ESM_BROKER_PASSWORD, or leave ESM_IP unset to listen on 127.0.0.1 only")
        data_dir = env.get("ESM_DATA_DIR") or "esm-data"
        store_url = env.get("ESM_STORE")
        if not store_url and env.get("ESM_MONGO_HOST"):  # how older ESM deployments said it
            store_url = f"mongodb://{env['ESM_MONGO_HOST']}/esm"
        store_url = _store_url(store_url or f"sqlite:///{Path(data_dir) / 'esm.db'}")
        if store_url.startswith("sqlite:///"):
            setting = "ESM_STORE" if env.get("ESM_STORE") else "ESM_DATA_DIR"
            database = Path(store_url[len("sqlite:///"):])
            if database.is_dir():
                raise ConfigError(f"{setting}: {database} is a folder; the SQLite store needs a "
                                  "file path, e.g. sqlite:///esm-data/esm.db")
            _writable_folder(database.parent, setting)
        sqlite_sync = (env.get("ESM_SQLITE_SYNC") or "normal").lower()
        if sqlite_sync not in SQLITE_SYNC_MODES:
            raise ConfigError(f"ESM_SQLITE_SYNC must be {' or '.join(SQLITE_SYNC_MODES)}, "
                              f"got {sqlite_sync!r}")
        log_level = (env.get("ESM_LOG_LEVEL") or "INFO").upper()
        if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ConfigError(f"ESM_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}")
        log_format = (env.get("ESM_LOG_FORMAT") or "text").lower()
        if log_format not in ("text", "json"):
            raise ConfigError(f"ESM_LOG_FORMAT must be text or json, got {log_format!r}")
        docker_host = env.get("DOCKER_HOST") or None
        if docker_host and not docker_host.startswith(DOCKER_HOST_SCHEMES):
            raise ConfigError(f"DOCKER_HOST must start with one of {', '.join(DOCKER_HOST_SCHEMES)}, "
                              f"got {docker_host!r}")
        host_address = env.get("ESM_DOCKER_HOST_ADDRESS") or None
        if host_address is not None:  # it goes into every bind credential's URI
            try:
                _listen_address(host_address)
            except ConfigError:
                raise ConfigError("ESM_DOCKER_HOST_ADDRESS must be an IP address or a host name, "
                                  f"got {host_address!r}") from None
        default_address = urlsplit(docker_host).hostname if docker_host and docker_host.startswith(
            ("tcp://", "http://", "https://")) else "127.0.0.1"
        allow_privileged = (env.get("ESM_DOCKER_ALLOW_PRIVILEGED") or "false").lower()
        if allow_privileged not in ("true", "false"):
            raise ConfigError(f"ESM_DOCKER_ALLOW_PRIVILEGED must be true or false, got {allow_privileged!r}")
        bind_paths = tuple(p.strip() for p in (env.get("ESM_DOCKER_ALLOWED_BIND_PATHS") or "").split(",")
                           if p.strip())
        try:
            bind_paths = tuple(normalize_host_path(p) for p in bind_paths)
        except ValueError as exc:
            raise ConfigError(f"ESM_DOCKER_ALLOWED_BIND_PATHS: {exc}") from None
        if "/" in bind_paths:
            raise ConfigError("ESM_DOCKER_ALLOWED_BIND_PATHS must list absolute host paths other "
                              f"than /, separated by commas, got {bind_paths!r}")
        broker_id = env.get("ESM_BROKER_ID") or None
        if broker_id is not None and not BROKER_ID.fullmatch(broker_id):
            raise ConfigError("ESM_BROKER_ID must be 1 to 16 lowercase letters, digits or '-' "
                              f"(it is part of engine object names), got {broker_id!r}")
        default_memory = _bytes(env, "ESM_DOCKER_DEFAULT_MEMORY", GIB)
        max_memory = _bytes(env, "ESM_DOCKER_MAX_MEMORY", 4 * GIB)
        if default_memory > max_memory:
            raise ConfigError("ESM_DOCKER_DEFAULT_MEMORY may not exceed ESM_DOCKER_MAX_MEMORY")
        write_concern = (env.get("ESM_MONGODB_WRITE_CONCERN") or "majority").strip()
        if write_concern != "majority" and not (write_concern.isdigit() and int(write_concern) >= 1):
            raise ConfigError("ESM_MONGODB_WRITE_CONCERN must be majority or a number of members "
                              f"(at least 1: the broker acknowledges only stored writes), got "
                              f"{write_concern!r}")
        journal = (env.get("ESM_MONGODB_JOURNAL") or "true").lower()
        if journal not in ("true", "false"):
            raise ConfigError(f"ESM_MONGODB_JOURNAL must be true or false, got {journal!r}")
        return cls(
            ip=ip,
            port=_int(env, "ESM_PORT", 8080, maximum=65535),
            username=username,
            password=password,
            data_dir=data_dir,
            store_url=store_url,
            sqlite_sync=sqlite_sync,
            max_body_bytes=_int(env, "ESM_MAX_BODY_BYTES", 1024 * 1024, minimum=1024,
                                maximum=1024 ** 3),
            operation_timeout=_int(env, "ESM_OPERATION_TIMEOUT", 3600, maximum=366 * 86400),
            sync_operation_timeout=_int(env, "ESM_SYNC_OPERATION_TIMEOUT", 50, maximum=3600),
            operation_lease=_int(env, "ESM_OPERATION_LEASE", 15, minimum=2, maximum=3600),
            worker_threads=_int(env, "ESM_WORKER_THREADS", 32, maximum=1024),
            log_level=log_level,
            log_format=log_format,
            docker_host=docker_host,
            docker_host_address=host_address or default_address or "127.0.0.1",
            docker_allow_privileged=allow_privileged == "true",
            docker_allowed_bind_paths=bind_paths,
            docker_external_networks=_network_names(env, "ESM_DOCKER_EXTERNAL_NETWORKS"),
            broker_id=broker_id,
            max_manifest_bytes=_int(env, "ESM_MAX_MANIFEST_BYTES", 256 * 1024, maximum=64 * 1024 ** 2),
            max_parameters_bytes=_int(env, "ESM_MAX_PARAMETERS_BYTES", 64 * 1024,
                                      maximum=64 * 1024 ** 2),
            docker_max_services=_int(env, "ESM_DOCKER_MAX_SERVICES", 50, maximum=1000),
            docker_max_replicas=_int(env, "ESM_DOCKER_MAX_REPLICAS", 10, maximum=1000),
            docker_max_ports=_int(env, "ESM_DOCKER_MAX_PORTS", 32, maximum=1000),
            docker_default_memory=default_memory,
            docker_max_memory=max_memory,
            docker_max_cpus=_parsed(env, "ESM_DOCKER_MAX_CPUS", 2.0, parse_cpus),
            docker_pids_limit=_int(env, "ESM_DOCKER_PIDS_LIMIT", 1024, minimum=16, maximum=4194304),
            mongodb_write_concern=write_concern,
            mongodb_journal=journal == "true",
        )

    def __repr__(self) -> str:  # never print a password
        hidden = "***" if self.password else None
        store = re.sub(r"//([^:/@]*):[^@]*@", r"//\1:***@", self.store_url)
        return (f"Settings(ip={self.ip!r}, port={self.port}, username={self.username!r}, "
                f"password={hidden!r}, store_url={store!r})")
