"""/v2/et operator actions: force-delete, retry, orphans. They call backends, so they always
run in a thread."""
from esm.controllers.common import caller, components, in_thread
from esm.controllers.responses import response


async def force_delete_instance(instance_id):
    return await in_thread(components().admin.force_delete, instance_id), 200


async def retry_operation(instance_id, operation_id):
    status, answer, _ = response(await in_thread(components().broker.retry, instance_id,
                                                 operation_id, caller()))
    return answer, status


async def list_orphans():
    return await in_thread(components().admin.orphans), 200


async def clean_orphans():
    return await in_thread(components().admin.clean_orphans), 200
