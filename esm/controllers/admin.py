"""/v2/et operator actions: force-delete, retry, orphans. They call backends, so they always
run in a thread."""
from esm.controllers.common import caller, components, in_thread
from esm.controllers.responses import view_answer
from esm.outcomes import Listed


async def force_delete_instance(instance_id):
    return view_answer(Listed(await in_thread(components().admin.force_delete, instance_id)))


async def retry_operation(instance_id, operation_id):
    return view_answer(await in_thread(components().broker.retry, instance_id, operation_id, caller()))


async def list_orphans():
    return view_answer(Listed(await in_thread(components().admin.orphans)))


async def clean_orphans():
    return view_answer(Listed(await in_thread(components().admin.clean_orphans)))
