"""GET /v2/catalog."""
from esm.controllers.common import run, services


async def get_catalog():
    return await run(services().registry.catalog), 200
