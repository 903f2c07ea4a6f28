"""The ONE place where an outcome of the broker's domain (esm.outcomes) becomes an HTTP status, a
body and headers. Refusals are typed errors (esm.errors) that carry their own status; the app's
error handlers write those.

    Created           201  the instance's dashboard_url / the binding's credentials / the
                           registered service type or manifest
    AlreadyThere      200  the same body as Created
    Replaced          200  the same body as Created (a registration over one of the same id)
    Accepted          202  {"operation": ...} (and a provision's dashboard_url)
    StillInProgress   202  as Accepted, naming the operation that already runs
    Updated           200  {}
    Unchanged         200  {}
    Deleted           200  {}
    Fetched           200  the instance or the binding as OSB's fetch answers it
    OperationReport   200  last_operation's body (Retry-After while it runs)
    Listed            200  what was read, as it is (the catalog, /v2/et listings and reports),
                           with its own headers (X-Total-Count, Link)

A view answers view_answer(outcome): the (body, status, headers) ViewCall sends.
"""
from __future__ import annotations

from typing import Any, Union

from esm.models import Binding, Manifest, Operation, ServiceInstance, ServiceType
from esm.outcomes import (
    Accepted,
    AlreadyThere,
    Created,
    Deleted,
    Fetched,
    Listed,
    OperationReport,
    Outcome,
    Replaced,
    StillInProgress,
    Unchanged,
    Updated,
)
from esm.states import OperationKind, OperationState

STATUS = {Created: 201, AlreadyThere: 200, Replaced: 200, Accepted: 202, StillInProgress: 202,
          Updated: 200, Unchanged: 200, Deleted: 200, Fetched: 200, OperationReport: 200,
          Listed: 200}
RETRY_AFTER_SECONDS = "1"  # how soon a platform polling an operation in progress asks again


def response(outcome: Outcome) -> tuple[int, dict, dict]:
    """(status, body, headers) of the outcome."""
    return STATUS[type(outcome)], body_of(outcome), headers_of(outcome)


def view_answer(outcome: Outcome) -> tuple:
    """What a view returns for the outcome: (body, status, headers)."""
    status, body, headers = response(outcome)
    return body, status, headers


def body_of(outcome: Outcome) -> Any:
    if isinstance(outcome, Listed):
        return outcome.body
    if isinstance(outcome, (Created, AlreadyThere, Replaced)):
        return made_body(outcome.subject)
    if isinstance(outcome, (Accepted, StillInProgress)):
        body = made_body(outcome.subject) if isinstance(outcome.subject, ServiceInstance) else {}
        return {**body, "operation": outcome.operation} if outcome.operation else body
    if isinstance(outcome, Fetched):
        return fetched_body(outcome.subject)
    if isinstance(outcome, OperationReport):
        return last_operation_body(outcome.operation)
    return {}  # Updated, Unchanged, Deleted


def headers_of(outcome: Outcome) -> dict:
    if isinstance(outcome, Listed):
        return outcome.headers
    if isinstance(outcome, OperationReport) and outcome.operation.state == OperationState.IN_PROGRESS:
        return {"Retry-After": RETRY_AFTER_SECONDS}
    return {}


def made_body(subject: Union[ServiceInstance, Binding, ServiceType, Manifest]) -> dict:
    """A provision's or a bind's answer (what the platform hands on), or a registration's."""
    if isinstance(subject, Binding):
        return binding_body(subject)
    if isinstance(subject, ServiceType):
        return subject.entry  # as the provider sent it
    if isinstance(subject, Manifest):
        return subject.to_api()
    return {"dashboard_url": subject.dashboard_url} if subject.dashboard_url else {}


def binding_body(binding: Binding, with_parameters: bool = False) -> dict:
    body: dict[str, Any] = {"credentials": binding.credentials}
    if binding.endpoints:
        body["endpoints"] = binding.endpoints
    if with_parameters:
        body["parameters"] = binding.parameters
    return body


def fetched_body(subject: Union[ServiceInstance, Binding]) -> dict:
    if isinstance(subject, Binding):
        return binding_body(subject, with_parameters=True)
    return instance_body(subject)


def instance_body(instance: ServiceInstance) -> dict:
    body: dict[str, Any] = {"service_id": instance.service_id, "plan_id": instance.plan_id,
            "parameters": instance.parameters}
    if instance.dashboard_url:
        body["dashboard_url"] = instance.dashboard_url
    if instance.maintenance_version:
        body["maintenance_info"] = {"version": instance.maintenance_version}
    if instance.metadata:
        body["metadata"] = instance.metadata
    return body


def last_operation_body(op: Operation) -> dict:
    """The OSB last_operation body, with the usability flags OSB 2.16 defines for failures."""
    body: dict[str, Any] = {"state": op.state, "description": op.description or op.state}
    if op.state == OperationState.FAILED and op.kind == OperationKind.UPDATE:
        body.update(instance_usable=op.instance_usable is not False, update_repeatable=True)
    elif op.state == OperationState.FAILED and op.kind == OperationKind.DEPROVISION:
        body["instance_usable"] = False
    return body

