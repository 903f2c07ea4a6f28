"""/v2/service_instances/{instance_id}: provision, update, deprovision, fetch, last_operation."""
from esm import versions
from esm.broker import last_operation_body
from esm.controllers.common import (api_minor, backend_blocks, caller, incomplete, read, run,
                                    services, validates_parameters)
from esm.models import IN_PROGRESS

RETRY_AFTER_SECONDS = "1"


async def provision(instance_id, body, accepts_incomplete=None, accept_incomplete=None):
    accepts_incomplete = incomplete(accepts_incomplete, accept_incomplete)
    status, answer = await run(services().broker.provision, instance_id, body,
                               accepts_incomplete, caller(),
                               costly=validates_parameters(body, "service_instance", "create"),
                               blocking=backend_blocks(body.get("plan_id"), "provision",
                                                       accepts_incomplete))
    return versions.answer("provision", answer, api_minor()), status


async def update(instance_id, body, accepts_incomplete=None, accept_incomplete=None):
    accepts_incomplete = incomplete(accepts_incomplete, accept_incomplete)
    status, answer = await run(services().broker.update, instance_id, body,
                               accepts_incomplete, caller(),
                               costly=validates_parameters(body, "service_instance", "update"),
                               blocking=backend_blocks(body.get("plan_id"), "update",
                                                       accepts_incomplete))
    return versions.answer("update", answer, api_minor()), status


async def deprovision(instance_id, service_id, plan_id, accepts_incomplete=None,
                      accept_incomplete=None):
    accepts_incomplete = incomplete(accepts_incomplete, accept_incomplete)
    status, answer = await run(services().broker.deprovision, instance_id, accepts_incomplete,
                               caller(), blocking=backend_blocks(plan_id, "deprovision",
                                                               accepts_incomplete))
    return answer, status


async def fetch_instance(instance_id, service_id=None, plan_id=None):
    body = await read(services().broker.fetch_instance, instance_id)
    return versions.answer("fetch_instance", body, api_minor()), 200


def last_operation_response(op):
    headers = {"Retry-After": RETRY_AFTER_SECONDS} if op.state == IN_PROGRESS else {}
    return versions.answer("last_operation", last_operation_body(op), api_minor()), 200, headers


async def instance_last_operation(instance_id, service_id=None, plan_id=None, operation=None):
    op = await read(services().broker.instance_last_operation, instance_id, operation)
    return last_operation_response(op)
