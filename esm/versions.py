"""What each OSB version (2.12-2.17) has in its bodies: a request's `X-Broker-API-Version`
decides which fields of its body are read (fields its version does not define are dropped
before validation: receivers ignore what they do not know) and which fields the answer carries
(strict clients validate responses against their version's schema). README, "Fields by OSB
version", is the same table for people."""
from __future__ import annotations

import re
from typing import Any, Optional

LATEST = 17

# request fields, by operation: (path in the body, the minor version that introduced it)
REQUEST_FIELDS = {
    "provision": ((("maintenance_info",), 15),),
    "update": ((("maintenance_info",), 15), (("previous_values", "maintenance_info"), 15)),
    "bind": ((("context",), 13), (("predecessor_binding_id",), 17)),
}
# fields whose empty object means "not sent" at every version (a 2.14 generated client always
# sends `"maintenance_info": {}`)
EMPTY_MEANS_ABSENT = {
    "provision": (("maintenance_info",),),
    "update": (("maintenance_info",), ("previous_values", "maintenance_info")),
}

# response fields, by answer: (key, minor version that introduced it)
CATALOG_SERVICE_FIELDS = (("instances_retrievable", 14), ("bindings_retrievable", 14),
                          ("allow_context_updates", 15))
CATALOG_PLAN_FIELDS = (("schemas", 13), ("plan_updateable", 15), ("maximum_polling_duration", 15),
                       ("maintenance_info", 15), ("binding_rotatable", 17))
RESPONSE_FIELDS = {
    "provision": (("metadata", 16),),
    "update": (("dashboard_url", 14), ("metadata", 16)),
    "fetch_instance": (("maintenance_info", 17), ("metadata", 17)),
    "bind": (("endpoints", 15), ("metadata", 16)),
    "fetch_binding": (("endpoints", 15), ("metadata", 16)),
    "last_operation": (("instance_usable", 16), ("update_repeatable", 16)),
}
METADATA_FIELDS = {"attributes": 17}  # inside an instance's metadata (labels came with 2.16)

_OSB_BODY_PATHS = (
    (re.compile(r"^/v2/service_instances/[^/]+$"), {"PUT": "provision", "PATCH": "update"}),
    (re.compile(r"^/v2/service_instances/[^/]+/service_bindings/[^/]+$"), {"PUT": "bind"}),
)


def minor_of(context: dict) -> int:
    """The minor OSB version of a request, from the context the protocol layer filled in
    (routes it does not check speak the latest)."""
    return (context.get("api_version") or (2, LATEST))[1]


def request_operation(method: str, path: str) -> Optional[str]:
    """provision, update or bind: the OSB requests whose bodies differ between versions."""
    for pattern, methods in _OSB_BODY_PATHS:
        if pattern.match(path):
            return methods.get(method)
    return None


def _drop(body: dict, path: tuple, only_if_empty: bool = False) -> None:
    *parents, last = path
    node: Any = body
    for key in parents:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, dict) and last in node and (not only_if_empty or node[last] == {}):
        del node[last]


def read_request(operation: str, body, minor: int) -> None:
    """Drop, in place, what the request's version does not define, and empty objects that mean
    nothing was sent."""
    if not isinstance(body, dict):
        return  # not an object: the validator answers 400
    for path, since in REQUEST_FIELDS.get(operation, ()):
        if minor < since:
            _drop(body, path)
    for path in EMPTY_MEANS_ABSENT.get(operation, ()):
        _drop(body, path, only_if_empty=True)


def _without(body: dict, fields, minor: int) -> dict:
    dropped = [key for key, since in fields if minor < since and key in body]
    return {k: v for k, v in body.items() if k not in dropped} if dropped else body


def answer(operation: str, body: dict, minor: int) -> dict:
    """The answer with only the fields the request's version defines."""
    if minor >= LATEST:
        return body
    body = _without(body, RESPONSE_FIELDS.get(operation, ()), minor)
    metadata = body.get("metadata")
    if isinstance(metadata, dict) and operation in ("provision", "update", "fetch_instance"):
        body = {**body, "metadata": _without(metadata, METADATA_FIELDS.items(), minor)}
    return body


def catalog(body: dict, minor: int) -> dict:
    if minor >= LATEST:
        return body
    return {"services": [
        {**_without(service, CATALOG_SERVICE_FIELDS, minor),
         "plans": [_without(plan, CATALOG_PLAN_FIELDS, minor) for plan in service.get("plans", [])]}
        for service in body["services"]]}
