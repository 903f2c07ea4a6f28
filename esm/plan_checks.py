"""Checks of a request against its plan: parameters against the plan's schemas (and their size),
maintenance_info against the plan's version."""
from __future__ import annotations

from adapters import json_codec
from esm.errors import BadRequest, MaintenanceInfoConflict
from esm.models import Plan
from esm.plan_schemas import TooCostly, first_error


def validate_parameters(plan: Plan, target: str, action: str, parameters: dict) -> None:
    schema = plan.parameters_schema(target, action)
    if schema is None:
        return
    try:
        error = first_error(schema, parameters)
    except TooCostly as exc:
        raise BadRequest(str(exc)) from None
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise BadRequest(f"parameters do not match the plan's {target}.{action} schema at "
                         f"{where}: {error.message}")


def check_maintenance(plan: Plan, body: dict) -> None:
    if "maintenance_info" not in body:
        return
    asked = body["maintenance_info"].get("version")
    if asked != plan.maintenance_version:
        have = plan.maintenance_version or "none"
        raise MaintenanceInfoConflict(f"maintenance_info.version {asked!r} does not match the "
                                      f"plan's current version ({have}); fetch the catalog again")


def check_parameters_size(parameters, limit: int) -> None:
    size = len(json_codec.dumps(parameters))  # compact UTF-8, as stored
    if size > limit:
        raise BadRequest(f"parameters are {size} bytes as JSON; at most {limit} are accepted "
                         "(ESM_MAX_PARAMETERS_BYTES)")
