"""create_app: the Connexion AsyncApp serving api.yaml, with the protocol layer and the error
handlers, wired to one store, one BackendRegistry and the broker built on them.

The request path, outermost first (the one list of it; create_app assembles it):

 1. uvicorn parses the request (httptools).
 2. Starlette's ServerErrorMiddleware (Connexion's first layer; nothing reaches it: the
    protocol layer answers what escapes it with the catalogue's 500).
 3. esm.protocol.ProtocolLayer, in this order: times, logs and counts the request; echoes the
    request identity; serves the spec documents and redirects the seed's /ui (before auth:
    they are public); checks basic auth; serves /health* and /metrics from its table (after
    auth: what they show depends on it); checks the API version and the originating identity;
    reads, bounds and parses the body; puts the broker's components in connexion.context.
    Refusals are answered here.
 4. Connexion's ExceptionMiddleware with this module's handlers: what the layers below raise
    (BrokerError, StoreUnavailable, Connexion's problems, Starlette's 404/405, anything else)
    answered as an error of esm/errors.py.
 5. Connexion's Swagger UI, asked only for /v2/ui (esm/_connexion/app.py).
 6. Routing: the operation found in a table (esm/_connexion/routing.py; Starlette's router for
    404, 405, redirects), then that operation's chain, linked once at start:
 7.   request validation against api.yaml (esm/_connexion/validation.py);
      (response validation, only when create_app is asked for it: the tests);
 8.   Connexion's context (connexion.context, connexion.request);
 9.   ViewCall (esm/_connexion/app.py): the controller called with its declared arguments, its
      (body, status[, headers]) sent as JSON.
10. The controller (esm/controllers/) hands the broker call to run() or read()
    (esm/controllers/common.py), which decide whether it runs on the event loop or in a thread
    (the threading rule is written there, once).
"""
from __future__ import annotations

import contextlib
import copy
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import connexion
import yaml
from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionResponse
from connexion.middleware import MiddlewarePosition
from starlette.exceptions import HTTPException

from adapters.datastore import Store, StoreUnavailable
from adapters.resources import BackendRegistry
from esm import errors, health
from esm._connexion import VALIDATORS, ESMAsyncApp
from esm.admin import Admin
from esm.broker import Broker
from esm.catalog import Catalog
from esm.config import Settings
from esm.errors import BrokerError, InternalError, ServiceUnavailable
from esm.identity import LazyBrokerId
from esm.instance_listing import InstanceListing
from esm.metrics import Metrics
from esm.operations import Worker
from esm.protocol import ProtocolLayer
from esm.wiring import default_backends, store_from_url

log = logging.getLogger("esm")

SPEC_PATH = Path(__file__).resolve().parent.parent / "api.yaml"


@dataclass
class Components:
    """Everything a handler needs, reachable as connexion.context['esm']."""
    settings: Settings
    store: Store
    backends: BackendRegistry
    catalog: Catalog
    worker: Worker
    broker: Broker
    metrics: Metrics
    admin: Admin
    listing: InstanceListing
    limiters: dict = field(default_factory=dict)  # esm/controllers/common.py: threads by kind of call

    @classmethod
    def build(cls, settings: Settings, store: Store, backends: BackendRegistry,
              broker_id: Callable[[], str]) -> "Components":
        catalog = Catalog(store, backends, settings.max_manifest_bytes)
        metrics = Metrics(store)
        worker = Worker(store, backends, catalog, settings, metrics)
        broker = Broker(store, backends, catalog, worker, settings.max_parameters_bytes)
        return cls(settings, store, backends, catalog, worker, broker,
                   metrics, Admin(store, backends, catalog, worker, broker_id), InstanceListing(store, backends))

    def start(self) -> None:
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop()
        self.store.close()


def load_spec() -> dict:
    with open(SPEC_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f)


def documented_spec(spec: dict, settings: Settings) -> dict:
    """The spec as served: it asks for basic auth only when the broker enforces it."""
    served = copy.deepcopy(spec)
    if not settings.auth_enabled:
        served.pop("security", None)
    return served


def _response(error: BrokerError) -> ConnexionResponse:
    status, headers, body = error.encoded()
    return ConnexionResponse(status_code=status, mimetype="application/json", body=body,
                             headers={k.decode("latin-1"): v.decode("latin-1") for k, v in headers
                                      if k not in (b"content-type", b"content-length")})


async def _broker_error(_request, exc: BrokerError) -> ConnexionResponse:
    return _response(exc)


async def _store_unavailable(_request, exc: StoreUnavailable) -> ConnexionResponse:
    log.warning("store unavailable: %s", exc)
    return _response(ServiceUnavailable("the broker's store is unreachable; retry later",
                                        headers={"Retry-After": "5"}))


async def _problem(_request, exc: ProblemException) -> ConnexionResponse:
    return _response(errors.for_status(exc.status, str(exc.detail or exc.title)))


HTTP_METHODS = ("get", "put", "patch", "post", "delete")


def _path_table(spec: dict) -> list:
    """(regex of a served path, its path item) for every path of the spec."""
    base = spec["servers"][0]["url"].rstrip("/")
    return [(re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(base + path)) + "$"), item)
            for path, item in spec["paths"].items()]


def allowed_methods(spec: dict):
    """path -> the `Allow` value for it, from the spec (Starlette's 405 names one route only)."""
    table = [(pattern, ", ".join(sorted(m.upper() for m in item if m in HTTP_METHODS)))
             for pattern, item in _path_table(spec)]

    def lookup(path: str) -> Optional[str]:
        return next((allow for pattern, allow in table if pattern.match(path)), None)
    return lookup


def route_names(spec: dict):
    """(method, path) -> the route name the request log and metrics use (`instances.provision`),
    for requests refused before Connexion routes them (401, 412); None when no route matches."""
    names = {}
    for pattern, item in _path_table(spec):
        for method in HTTP_METHODS:
            if method in item:
                controller = item[method].get("x-openapi-router-controller") or \
                    item.get("x-openapi-router-controller", "")
                names[(pattern, method.upper())] = \
                    f"{controller.rsplit('controllers.', 1)[-1]}.{item[method]['operationId']}"

    def lookup(method: str, path: str) -> Optional[str]:
        return next((name for (pattern, m), name in names.items() if m == method and pattern.match(path)),
                    None)
    return lookup


def _http_exception_handler(allow_for):
    async def handle(request, exc: HTTPException) -> ConnexionResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # a 405 must list every method the resource has
            headers["Allow"] = allow_for(request.scope["path"]) or headers.get("Allow", "")
        return _response(errors.for_status(exc.status_code, str(exc.detail), headers,
                                           unknown_code="HTTPError"))
    return handle


async def _unexpected(_request, exc: Exception) -> ConnexionResponse:
    log.error("unexpected error", exc_info=exc)
    return _response(InternalError("the broker failed unexpectedly; see its log"))


def create_app(settings: Optional[Settings] = None, store: Optional[Store] = None,
               backends: Optional[BackendRegistry] = None, validate_responses: bool = False) -> AsyncApp:
    settings = settings or Settings()
    store = store if store is not None else store_from_url(settings.store_url, settings)
    broker_id = LazyBrokerId(store, settings.broker_id)
    backends = backends or default_backends(settings, broker_id)
    components = Components.build(settings, store, backends, broker_id)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        components.start()
        try:
            yield
        finally:
            components.stop()

    spec = load_spec()
    routed_spec = copy.deepcopy(spec)
    routed_spec.pop("security", None)  # ProtocolLayer enforces it, for every route alike

    app = ESMAsyncApp(__name__, lifespan=lifespan)
    app.add_api(routed_spec, validate_responses=validate_responses, strict_validation=True,
                validator_map=VALIDATORS,
                swagger_ui_options=connexion.options.SwaggerUIOptions(
                    swagger_ui=True, swagger_ui_path="/ui", spec_path="/openapi.json"))
    app.components = components  # for tests and runesm

    app.add_middleware(ProtocolLayer, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       components=components, spec=documented_spec(spec, settings),
                       health=health.Health(store, backends), route_of=route_names(spec))

    app.add_error_handler(BrokerError, _broker_error)
    app.add_error_handler(StoreUnavailable, _store_unavailable)
    app.add_error_handler(ProblemException, _problem)
    app.add_error_handler(HTTPException, _http_exception_handler(allowed_methods(spec)))
    app.add_error_handler(Exception, _unexpected)
    return app

