"""/v2/service_instances/{instance_id}/service_bindings/{binding_id}."""
from esm import versions
from esm.controllers.common import (
    api_minor,
    backend_blocks,
    caller,
    components,
    incomplete,
    read,
    run,
    validates_parameters,
)
from esm.controllers.instances import last_operation_response
from esm.controllers.responses import response
from esm.states import OperationKind

ASYNC_BINDINGS = 14  # the OSB minor version that made bind and unbind asynchronous


async def bind(instance_id, binding_id, body, accepts_incomplete=None, accept_incomplete=None):
    # before 2.14, binds are synchronous whatever the platform says
    accepts_incomplete = incomplete(accepts_incomplete, accept_incomplete) and api_minor() >= ASYNC_BINDINGS
    outcome = await run(components().broker.bind, instance_id, binding_id, body,
                        accepts_incomplete, caller(),
                        costly=validates_parameters(body, "service_binding", "create"),
                        blocking=backend_blocks(body.get("plan_id"), OperationKind.BIND,
                                                accepts_incomplete))
    status, answer, _ = response(outcome)
    return versions.answer("bind", answer, api_minor()), status


async def unbind(instance_id, binding_id, service_id, plan_id, accepts_incomplete=None,
                 accept_incomplete=None):
    accepts_incomplete = incomplete(accepts_incomplete, accept_incomplete) and api_minor() >= ASYNC_BINDINGS
    outcome = await run(components().broker.unbind, instance_id, binding_id, accepts_incomplete,
                        caller())
    status, answer, _ = response(outcome)
    return answer, status


async def fetch_binding(instance_id, binding_id, service_id=None, plan_id=None):
    status, answer, _ = response(await read(components().broker.fetch_binding, instance_id, binding_id))
    return versions.answer("fetch_binding", answer, api_minor()), status


async def binding_last_operation(instance_id, binding_id, service_id=None, plan_id=None, operation=None):
    return last_operation_response(
        await read(components().broker.binding_last_operation, instance_id, binding_id, operation))
