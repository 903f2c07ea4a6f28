"""GET /v2/catalog."""
from esm import versions
from esm.controllers.common import api_minor, components, read
from esm.controllers.responses import view_answer
from esm.outcomes import Listed


async def get_catalog():
    return view_answer(Listed(versions.catalog(await read(components().catalog.as_osb), api_minor())))
