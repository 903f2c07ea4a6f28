"""The labels every engine object of the broker carries, and the names it gives them."""
from __future__ import annotations

import hashlib

LABEL = "io.elastest.esm.instance_id"
BROKER_LABEL = "io.elastest.esm.broker_id"
SERVICE_LABEL = "io.elastest.esm.service"
FINGERPRINT_LABEL = "io.elastest.esm.fingerprint"
# The name of a container an update set aside: <prefix>.previous-<service>. Not
# `<prefix>-<service>-previous`: a compose service may be named `web-previous` itself, while every
# current container's name has a '-' right after the prefix.
ASIDE_MARK = ".previous-"
SWARM = "docker-swarm"


def object_prefix(broker_id: str, instance_id: str) -> str:
    """Engine object names: short (swarm service names stop at 63), valid for any instance id,
    and naming the broker, so two brokers never reach for the same name."""
    return f"esm-{broker_id}-" + hashlib.sha1(instance_id.encode()).hexdigest()[:12]


def labels_of(obj) -> dict:
    """An engine object's labels: a container keeps them in its config, a swarm service in its
    spec, networks and volumes at the top."""
    attrs = obj.attrs
    return (attrs.get("Config") or attrs.get("Spec") or attrs).get("Labels") or {}
