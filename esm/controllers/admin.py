"""/v2/et operator actions: force-delete, retry, orphans. They call backends, so they always
run in a thread."""
import anyio.to_thread

from esm.controllers.common import caller, services


async def _in_thread(fn, *args):
    return await anyio.to_thread.run_sync(lambda: fn(*args))


async def force_delete_instance(instance_id):
    return await _in_thread(services().admin.force_delete, instance_id), 200


async def retry_operation(instance_id, operation_id):
    op = await _in_thread(services().broker.retry, instance_id, operation_id, caller())
    return {"operation": op}, 202


async def list_orphans():
    return await _in_thread(services().admin.orphans), 200


async def clean_orphans():
    return await _in_thread(services().admin.clean_orphans), 200
