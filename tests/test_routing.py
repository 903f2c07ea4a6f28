"""The routing table (esm/_connexion/routing.py) finds, for every operation of api.yaml, the route
Connexion's Starlette router finds, and leaves everything else to that router."""
import re

import yaml

from esm._connexion.routing import TableRoutingMiddleware
from esm.app import SPEC_PATH, create_app
from esm.config import Settings

SPEC = yaml.safe_load(SPEC_PATH.read_text())
BASE = SPEC["servers"][0]["url"].rstrip("/")


def _router() -> TableRoutingMiddleware:
    app = create_app(Settings(store_url="memory"))
    _, stack = app.middleware._build_middleware_stack()
    return next(m for m in stack if isinstance(m, TableRoutingMiddleware))


ROUTER = _router()


def scope(method: str, path: str, root_path: str = "") -> dict:
    return {"type": "http", "method": method, "path": path, "root_path": root_path, "headers": []}


def test_every_operation_is_found_with_its_path_parameters():
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if method not in ("get", "put", "patch", "post", "delete"):
                continue
            names = re.findall(r"\{([^}]+)\}", path)
            concrete = BASE + re.sub(r"\{([^}]+)\}", lambda m: f"v-{m.group(1)}", path)
            found = ROUTER._lookup(scope(method.upper(), concrete))
            controller = op.get("x-openapi-router-controller") or item.get("x-openapi-router-controller")
            assert found == (BASE, f"{controller}.{op['operationId']}",
                             {n: f"v-{n}" for n in names}), (method, path)


def test_what_takes_more_than_a_lookup_is_left_to_starlette():
    for method, path, root in (("GET", "/v2/catalog/", ""), ("GET", "/v2/nowhere", ""),
                               ("HEAD", "/v2/catalog", ""), ("POST", "/v2/catalog", ""),
                               ("GET", "/v2/catalog", "/prefix"), ("GET", "/v2", ""),
                               ("GET", "/v2catalog", ""), ("GET", "/v2/service_instances//x", "")):
        assert ROUTER._lookup(scope(method, path, root)) is None, (method, path)
