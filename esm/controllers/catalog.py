"""GET /v2/catalog."""
from esm import versions
from esm.controllers.common import api_minor, components, read


async def get_catalog():
    return versions.catalog(await read(components().catalog.as_osb), api_minor()), 200
