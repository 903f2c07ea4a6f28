"""The seed's module for DockerBackend, which lives in adapters/backends/docker/ now
(one module per job: see that package's docstring). Every name it had is here still."""
from adapters.backends.docker.backend import DockerBackend
from adapters.backends.docker.containers import STOP_SECONDS, Changes
from adapters.backends.docker.endpoints import Reached, _as_list, transport, url_parts
from adapters.backends.docker.engine import (
    STEADY_SECONDS,
    SteadyWatch,
    Vanished,
    _engine_errors,
)
from adapters.backends.docker.environment import (
    DESCRIPTOR_KEYS,
    ENV_NAME,
    MAX_ENV_STRING,
    config_environment,
    env_problem,
    env_value,
    is_descriptor,
)
from adapters.backends.docker.naming import (
    ASIDE_MARK,
    BROKER_LABEL,
    FINGERPRINT_LABEL,
    LABEL,
    SERVICE_LABEL,
    SWARM,
    labels_of,
    object_prefix,
)

__all__ = ["DockerBackend", "STOP_SECONDS", "Changes", "Reached", "transport",
           "url_parts", "STEADY_SECONDS", "SteadyWatch", "Vanished", "DESCRIPTOR_KEYS",
           "ENV_NAME", "MAX_ENV_STRING", "config_environment", "env_problem",
           "env_value", "is_descriptor", "ASIDE_MARK", "BROKER_LABEL",
           "FINGERPRINT_LABEL", "LABEL", "SERVICE_LABEL", "SWARM", "labels_of",
           "object_prefix"]
_SHARED = (_as_list, _engine_errors)  # under the names they had here
