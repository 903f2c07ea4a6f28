"""What becomes a container's environment: the manifest config (ElasTest setting descriptors
included), provision parameters, and the checks that the kernel would take them."""
from __future__ import annotations

import json
import re
from typing import Optional

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,255}")


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
