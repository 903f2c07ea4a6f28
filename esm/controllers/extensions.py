"""/v2/et: service types, manifests and instances, for service providers and operators."""
from urllib.parse import urlencode

from esm.controllers.common import components, in_thread, read, run
from esm.controllers.responses import view_answer
from esm.outcomes import Listed

TOTAL_COUNT = "X-Total-Count"  # how many items a list has in all (the answer may be one page)


async def register_service_type(body):
    return view_answer(await run(components().catalog.register_service_type, body, costly=True))


async def delete_service_type(service_id):
    return view_answer(await run(components().catalog.delete_service_type, service_id))


async def put_manifest(manifest_id, body):
    return view_answer(await run(components().catalog.put_manifest, manifest_id, body, costly=True))


async def get_manifest(manifest_id):
    return view_answer(Listed((await read(components().catalog.get_manifest, manifest_id)).to_api()))


async def list_manifests():
    manifests = await in_thread(components().catalog.list_manifests)  # may be many MB to decode
    return view_answer(Listed([m.to_api() for m in manifests], {TOTAL_COUNT: str(len(manifests))}))


async def delete_manifest(manifest_id):
    return view_answer(await run(components().catalog.delete_manifest, manifest_id))


async def list_instances(limit=None, after=None, include_deleted=False):
    """A JSON array, as the original ESM answered; the count and the next page in headers."""
    instances, total, following = await read(components().listing.page, limit, after, include_deleted)
    headers = {TOTAL_COUNT: str(total)}
    if following is not None:
        query = urlencode({"limit": limit, "after": following,
                           **({"include_deleted": "true"} if include_deleted else {})})
        headers["Link"] = f'</v2/et/service_instances?{query}>; rel="next"'
    return view_answer(Listed(instances, headers))


async def get_instance(instance_id):
    return view_answer(Listed(await in_thread(components().listing.one, instance_id)))  # it may ask the engine


async def list_operations(instance_id):
    return view_answer(Listed({"operations": await read(components().listing.operations, instance_id)}))
