"""GET /v2/catalog."""
from esm.controllers.common import read, services


async def get_catalog():
    return await read(services().registry.catalog), 200
