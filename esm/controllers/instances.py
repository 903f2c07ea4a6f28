"""/v2/service_instances/{instance_id}: provision, update, deprovision, fetch, last_operation."""
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
from esm.controllers.responses import response
from esm.states import OperationKind


async def provision(instance_id, body, accepts_incomplete=None, accept_incomplete=None):
    accepts_incomplete = incomplete(accepts_incomplete, accept_incomplete)
    outcome = await run(components().broker.provision, instance_id, body, accepts_incomplete, caller(),
                        costly=validates_parameters(body, "service_instance", "create"),
                        blocking=backend_blocks(body.get("plan_id"), OperationKind.PROVISION,
                                                accepts_incomplete))
    status, answer, _ = response(outcome)
    return versions.answer("provision", answer, api_minor()), status


async def update(instance_id, body, accepts_incomplete=None, accept_incomplete=None):
    accepts_incomplete = incomplete(accepts_incomplete, accept_incomplete)
    outcome = await run(components().broker.update, instance_id, body, accepts_incomplete, caller(),
                        costly=validates_parameters(body, "service_instance", "update"),
                        blocking=backend_blocks(body.get("plan_id"), OperationKind.UPDATE,
                                                accepts_incomplete))
    status, answer, _ = response(outcome)
    return versions.answer("update", answer, api_minor()), status


async def deprovision(instance_id, service_id, plan_id, accepts_incomplete=None,
                      accept_incomplete=None):
    accepts_incomplete = incomplete(accepts_incomplete, accept_incomplete)
    outcome = await run(components().broker.deprovision, instance_id, accepts_incomplete, caller(),
                        blocking=backend_blocks(plan_id, OperationKind.DEPROVISION,
                                                accepts_incomplete))
    status, answer, _ = response(outcome)
    return answer, status


async def fetch_instance(instance_id, service_id=None, plan_id=None):
    status, answer, _ = response(await read(components().broker.fetch_instance, instance_id))
    return versions.answer("fetch_instance", answer, api_minor()), status


def last_operation_response(outcome):
    status, answer, headers = response(outcome)
    return versions.answer("last_operation", answer, api_minor()), status, headers


async def instance_last_operation(instance_id, service_id=None, plan_id=None, operation=None):
    return last_operation_response(
        await read(components().broker.instance_last_operation, instance_id, operation))
