"""The Connexion AsyncApp, calling the view functions directly from the ASGI scope.

Connexion 3.3's AsyncOperation builds, for every request, a decorator chain (a StarletteDecorator,
the parameter and response decorators, `inspect.signature` of the view function, a URI parser and
a ConnexionRequest), then prepares the arguments generically (defaults deep-copied and merged,
every name sanitized by three regular expressions, the response content type inferred from the
spec): together a third of the time of a provision. By the time a request reaches the view,
Connexion's middlewares have already validated its path, query and body against api.yaml, so
what is left is simple and fixed per operation. `ViewCall` works it out once, at start-up:
which path and query parameters the function takes and how to cast them, and whether it takes
the body (the JSON value the protocol layer already parsed). Views return (body, status[, headers]), sent
as JSON with the same encoder Connexion uses.

An operation whose parameters are outside what ViewCall knows (arrays, objects, nullable values,
form bodies, arguments that are no parameter) stops the app at start-up with its name and the
reason, rather than being called wrongly.
Written against the versions in esm/_connexion/__init__.py (PINNED).
"""
from __future__ import annotations

import copy
import inspect
import json
from typing import Any, Callable
from urllib.parse import parse_qsl

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.jsonifier import JSONEncoder, Jsonifier
from connexion.middleware import ConnexionMiddleware
from connexion.middleware.request_validation import RequestValidationMiddleware
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.security import SecurityMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.utils import boolean

from esm._connexion.routing import TableRoutingMiddleware
from esm._connexion.validation import CachedRequestValidationMiddleware
from esm.protocol import PARSED_JSON_BODY

JSON = "application/json"
_JSON_BYTES = JSON.encode()
_CASTS: dict[str, Callable[[str], Any]] = {"string": str, "integer": int, "number": float,
                                           "boolean": boolean}


class UnsupportedOperation(Exception):
    """api.yaml describes an operation ViewCall cannot call faithfully."""


def _cast_for(operation_id: str, parameter: dict) -> Callable[[str], Any]:
    schema = parameter.get("schema", {})
    cast = _CASTS.get(schema.get("type", "string"))
    plain = (cast is not None and parameter["name"].isidentifier() and not schema.get("nullable")
             and "style" not in parameter and "explode" not in parameter)
    if not plain or cast is None:  # (plain says cast is not None; the checker needs it said here)
        raise UnsupportedOperation(f"{operation_id}: parameter {parameter['name']!r} is not a "
                                   "plain string, integer, number or boolean")
    return cast


def _dumps_of(jsonifier) -> Callable[[Any], str]:
    """jsonifier.dumps; for Connexion's default Jsonifier, the same encoding by one encoder made
    once (json.dumps with `cls` builds an encoder per call; same options, same output)."""
    if type(jsonifier) is Jsonifier and jsonifier.json is json and \
            jsonifier.dumps_args == {"cls": JSONEncoder}:
        encode = JSONEncoder().encode
        return lambda data: encode(data) + "\n"
    return jsonifier.dumps


class ViewCall(AsyncOperation):
    """One operation of api.yaml: its view function, called with the arguments it declares."""
    _dumps = None  # _dumps_of(jsonifier), made at start

    def __init__(self, fn: Callable, jsonifier, operation_id: str, pythonic_params: bool,
                 spec_operation) -> None:
        super().__init__(fn, jsonifier=jsonifier, operation_id=operation_id,
                         pythonic_params=pythonic_params)
        self._dumps = _dumps_of(jsonifier)
        if not inspect.iscoroutinefunction(fn):
            raise UnsupportedOperation(f"{operation_id}: the view function is not async")
        takes = set(inspect.signature(fn).parameters)
        self._path: list[tuple[str, Callable]] = []
        self._query: dict[str, Callable] = {}
        self._query_defaults: dict[str, Any] = {}
        for parameter in spec_operation.parameters:
            name, where = parameter["name"], parameter["in"]
            if name not in takes or where not in ("path", "query"):
                continue
            cast = _cast_for(operation_id, parameter)
            if where == "path":
                self._path.append((name, cast))
            else:
                self._query[name] = cast
                if "default" in parameter.get("schema", {}):
                    self._query_defaults[name] = parameter["schema"]["default"]
        self._body_name = None
        if spec_operation.is_request_body_defined:
            if set(spec_operation.consumes) - {JSON}:
                raise UnsupportedOperation(f"{operation_id}: a request body other than JSON")
            name = spec_operation.body_name(JSON)
            if name in takes:
                self._body_name = name
                self._body_default = spec_operation.body_schema(JSON).get("default", {})
        unknown = takes - {n for n, _ in self._path} - set(self._query) - {self._body_name}
        if unknown:
            raise UnsupportedOperation(f"{operation_id}: view arguments {sorted(unknown)} are "
                                       "not parameters of the operation")

    @classmethod
    def from_operation(cls, operation, *, pythonic_params: bool, jsonifier) -> "ViewCall":
        if pythonic_params:
            raise UnsupportedOperation("pythonic_params")
        return cls(operation.function, jsonifier, operation.operation_id, pythonic_params, operation)

    def arguments(self, scope) -> dict:
        """The view's keyword arguments; the request was validated against the spec already."""
        path_params = scope.get("path_params", {})
        kwargs = {name: cast(path_params[name]) for name, cast in self._path}
        if self._query:
            kwargs.update(self._query_defaults)
            # the last of repeated parameters wins, as in Connexion, which validated that one
            # only: the earlier ones are never cast (a bad one would raise here)
            given = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
            kwargs.update({name: cast(given[name]) for name, cast in self._query.items()
                           if name in given})
        if self._body_name is not None:
            parsed = scope.get(PARSED_JSON_BODY)
            body = parsed[1] if parsed is not None else None
            kwargs[self._body_name] = copy.deepcopy(self._body_default) if body is None else body
        return kwargs

    def response(self, answer: tuple) -> tuple[int, list, bytes]:
        """The view's (body, status[, headers]) as the status, raw headers and body of a JSON
        response, with the headers Starlette's Response would send (its object and its header
        building were a tenth of a catalog request)."""
        data, status, *extra = answer
        # Connexion's own encoder (json, with its spacing and final newline: the README's curl
        # walkthrough shows bodies as they come); orjson is used for what is stored
        body = (self._dumps or self.jsonifier.dumps)(data).encode("utf-8")
        headers = [(k.lower().encode("latin-1"), v.encode("latin-1"))
                   for k, v in (extra[0] if extra and extra[0] else {}).items()]
        given = {k for k, _ in headers}
        if b"content-length" not in given and not (status < 200 or status in (204, 304)):
            headers.append((b"content-length", str(len(body)).encode("latin-1")))
        if b"content-type" not in given:
            headers.append((b"content-type", _JSON_BYTES))
        return status, headers, body

    async def __call__(self, scope, receive, send) -> None:
        status, headers, body = self.response(await self._fn(**self.arguments(scope)))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _ViewCallApi(AsyncApi):
    def make_operation(self, operation) -> ViewCall:
        return ViewCall.from_operation(operation, pythonic_params=self.pythonic_params,
                                       jsonifier=self.jsonifier)


class _SwaggerUIOnly(SwaggerUIMiddleware):
    """Connexion's Swagger UI, consulted only for its own paths. Its router (a mount and the UI
    routes, tried again with and without a trailing slash before falling through) cost every
    API request 40 us on its way to the API. (The spec documents it also routes are served
    before it, by esm.protocol.ProtocolLayer.)"""
    UI_PATH = "/v2/ui"

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self.UI_PATH):
            await self.app(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def _asks_for_security(spec: dict) -> bool:
    return bool(spec.get("security")) or any(
        isinstance(op, dict) and op.get("security")
        for item in spec.get("paths", {}).values() for op in item.values())


class ESMAsyncApp(AsyncApp):
    def __init__(self, *args, **kwargs):
        # a list of its own: add_middleware inserts into it
        replace = {SwaggerUIMiddleware: _SwaggerUIOnly, RoutingMiddleware: TableRoutingMiddleware,
                   RequestValidationMiddleware: CachedRequestValidationMiddleware}
        kwargs.setdefault("middlewares", [replace.get(m, m) for m in ConnexionMiddleware.default_middlewares])
        super().__init__(*args, **kwargs)
        # the inner app makes one API object per add_api, from this class
        self._middleware_app.api_cls = _ViewCallApi
        self._needs = {SecurityMiddleware: False, ResponseValidationMiddleware: False}

    def add_api(self, specification, **kwargs):
        """Connexion's security and response validation layers are kept only when an API
        uses them: each costs every request a layer and an operation lookup. (The ESM's
        credentials are checked by esm.protocol.ProtocolLayer, for every route alike;
        responses are validated when create_app is asked to, as the tests do.)"""
        if not isinstance(specification, dict) or _asks_for_security(specification):
            self._needs[SecurityMiddleware] = True
        if kwargs.get("validate_responses"):
            self._needs[ResponseValidationMiddleware] = True
        api = super().add_api(specification, **kwargs)
        self.middleware.middlewares[:] = [m for m in self.middleware.middlewares
                                          if self._needs.get(m, True)]
        return api
