"""Where an endpoint of a service is reached: its address on its network, its published ports."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Reached:
    """Where one compose service of an instance is reached: its address on its network (see
    `_network_of`), and its published ports ("8080/tcp" -> host port)."""
    address: Optional[str] = None
    published: dict = field(default_factory=dict)


def url_parts(host: str, port: int, protocol: str, path: str) -> dict:
    """Where an endpoint is reached; a path goes after the port, always behind a '/' (the
    spec allows only URI path characters in it), so it cannot name another host."""
    if path and not path.startswith("/"):
        path = "/" + path
    return {"host": host, "port": port, "protocol": protocol, "path": path,
            "uri": f"{protocol}://{host}:{port}{path}"}


def transport(protocol: str) -> str:
    """The engine's port protocol under an endpoint's (http, ws, ... travel over tcp)."""
    return "udp" if protocol == "udp" else "tcp"


def _as_list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]
