"""GET /v2/catalog."""
from esm import versions
from esm.controllers.common import api_minor, read, services


async def get_catalog():
    return versions.catalog(await read(services().registry.catalog), api_minor()), 200
