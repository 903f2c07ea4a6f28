"""/v2/service_instances/{instance_id}/service_bindings/{binding_id}."""
from esm.controllers.common import caller, read, run, services, validates_parameters
from esm.controllers.instances import last_operation_response


async def bind(instance_id, binding_id, body, accepts_incomplete=False):
    status, answer = await run(services().broker.bind, instance_id, binding_id, body,
                               accepts_incomplete, caller(),
                               costly=validates_parameters(body, "service_binding", "create"))
    return answer, status


async def unbind(instance_id, binding_id, service_id, plan_id, accepts_incomplete=False):
    status, answer = await run(services().broker.unbind, instance_id, binding_id,
                               accepts_incomplete, caller())
    return answer, status


async def fetch_binding(instance_id, binding_id, service_id=None, plan_id=None):
    return await read(services().broker.fetch_binding, instance_id, binding_id), 200


async def binding_last_operation(instance_id, binding_id, service_id=None, plan_id=None, operation=None):
    op = await read(services().broker.binding_last_operation, instance_id, binding_id, operation)
    return last_operation_response(op)
