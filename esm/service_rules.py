"""Rules a registered service type must meet beyond the shape api.yaml already checks (types,
required fields, non-empty strings, SemVer): what platforms trust about a catalog."""
from __future__ import annotations

import json

from jsonschema import exceptions as js_exceptions
from jsonschema import validators as js_validators

from esm.errors import BadRequest
from esm.plan_schemas import SchemaRefused, check_runnable

MAX_SCHEMA_BYTES = 64 * 1024
SCHEMA_SLOTS = (("service_instance", "create"), ("service_instance", "update"),
                ("service_binding", "create"))


def _external_refs(schema) -> list[str]:
    """Every `$ref` that does not point inside the document (iterative: schemas can be deep)."""
    found, stack = [], [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref is not None and not (isinstance(ref, str) and ref.startswith("#")):
                found.append(str(ref))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def check_parameters_schema(where: str, schema) -> None:
    if not isinstance(schema, dict):
        raise BadRequest(f"{where} must be a JSON Schema object")
    if "$schema" not in schema:
        raise BadRequest(f"{where} needs a $schema key")
    size = len(json.dumps(schema, separators=(",", ":")).encode())
    if size > MAX_SCHEMA_BYTES:
        raise BadRequest(f"{where} is {size} bytes; schemas may be at most 64 kB")
    external = _external_refs(schema)
    if external:
        raise BadRequest(f"{where} has external $ref {external[0]!r}; only local refs (#...) allowed")
    try:
        js_validators.validator_for(schema).check_schema(schema)
    except js_exceptions.SchemaError as exc:
        raise BadRequest(f"{where} is not a valid JSON Schema: {exc.message}") from None
    try:
        check_runnable(schema, where)
    except SchemaRefused as exc:
        raise BadRequest(str(exc)) from None


def validate_service_entry(entry: dict) -> None:
    """Raise BadRequest naming the first rule the service object breaks."""
    plans = entry.get("plans") or []
    if not plans:
        raise BadRequest("a service type needs at least one plan")
    plan_ids, plan_names = set(), set()
    for plan in plans:
        if plan["id"] in plan_ids:
            raise BadRequest(f"plan id {plan['id']!r} appears twice; plan ids must be unique")
        if plan["name"] in plan_names:
            raise BadRequest(f"plan name {plan['name']!r} appears twice in service "
                             f"{entry['name']!r}; plan names must be unique within a service")
        plan_ids.add(plan["id"])
        plan_names.add(plan["name"])
        if plan["id"] == entry["id"]:
            raise BadRequest(f"plan id {plan['id']!r} equals its service id; ids must be unique")
        bindable = plan.get("bindable", entry.get("bindable", False))
        schemas = plan.get("schemas") or {}
        for target, action in SCHEMA_SLOTS:
            slot = (schemas.get(target) or {}).get(action) or {}
            if "parameters" not in slot:
                continue
            where = f"plan {plan['id']!r} schemas.{target}.{action}.parameters"
            if target == "service_binding" and not bindable:
                raise BadRequest(f"{where}: binding schemas are only allowed on bindable plans")
            check_parameters_schema(where, slot["parameters"])
