"""The protocol layer: one ASGI layer doing, for every request, what the OSB protocol and the
operator ask before Connexion routes it (esm/app.py lists where it sits in the request path).

In order: the request is timed and, once answered, logged and counted (esm/access_log.py,
esm/metrics.py); X-Broker-API-Request-Identity is echoed on the answer, errors included (OSB
2.15); the plain routes are served from one table (the spec documents, the original ESM's /ui
redirect, /health, /health/live, /health/ready, /metrics); basic auth is checked on every path
that is not public (401); X-Broker-API-Version must be 2.12 or a later 2.x on the API (412);
X-Broker-API-Originating-Identity is parsed (400 when malformed); the body is read, bounded
(413), and parsed when JSON (400 when not UTF-8, not JSON or too deep), and the fields its OSB
version does not define are dropped; the broker's components are put in connexion.context.
A refused request is answered here with an error of esm/errors.py and never reaches the broker.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import re
import time
from typing import Callable, Optional
from urllib.parse import quote

import anyio.to_thread
import yaml
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from esm import versions
from esm.access_log import log_request
from esm.errors import BadRequest, BrokerError, InternalError, PayloadTooLarge, PreconditionFailed, Unauthorized
from esm.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE

log = logging.getLogger("esm")
REQUEST_IDENTITY = b"x-broker-api-request-identity"
API_VERSION = b"x-broker-api-version"
SEED_API_VERSION = b"x_broker_api_version"
ORIGINATING_IDENTITY = b"x-broker-api-originating-identity"
SEED_UI = "/ui"  # the original ESM's Swagger UI path
MIN_MINOR_VERSION = 12
MAX_JSON_DEPTH = 64
JSON_TYPES = ("application/json",)
# scope key: (body bytes, their JSON value) as the protocol layer parsed them, so that
# Connexion's body validator and the view call need not parse the same bytes again
# (esm/_connexion)
PARSED_JSON_BODY = "esm.parsed_json_body"
# scope key: True when the request carried the broker's credentials (set on public paths too)
AUTHENTICATED = "esm.authenticated"
ROUTING_CONTEXT = "connexion_routing"  # where Connexion's routing leaves the operation id

# Paths that need neither credentials nor an API version: the Swagger UI and the spec.
PUBLIC_PATHS = ("/v2/ui", "/v2/openapi.json", "/v2/swagger.json", "/v2/openapi.yaml", "/health",
                "/ui", "/swagger.json")  # the last two: the original ESM's URLs
# readiness is the summary: a replica whose store or used backend does not answer cannot serve
HEALTH_PROBES = {"/health": "summary", "/health/live": "live", "/health/ready": "summary"}
_GET = ("GET", "HEAD")
_VERSION = re.compile(rb"^\s*(\d+)\.(\d+)\s*$")


_PUBLIC_EXACT = frozenset(PUBLIC_PATHS)
_PUBLIC_PREFIXES = tuple(p + "/" for p in PUBLIC_PATHS)


def is_public(path: str) -> bool:
    """A public path, or one below it."""
    return path in _PUBLIC_EXACT or path.startswith(_PUBLIC_PREFIXES)


def header(scope: Scope, name: bytes) -> Optional[bytes]:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None


async def send_body(send: Send, status: int, content_type: bytes, body: bytes,
                    headers: tuple = ()) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


async def send_json(send: Send, status: int, body: dict) -> None:
    await send_body(send, status, b"application/json", json.dumps(body).encode())


async def send_error(send: Send, error: BrokerError) -> None:
    """The error's answer, as every other layer sends it (esm/errors.py)."""
    status, headers, body = error.encoded()
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class ProtocolLayer:
    """The protocol checks, the plain routes, the request log and metrics, in one ASGI layer.

    Options: components (esm.app.Components: its metrics and settings are used here, and it is what
    handlers find as connexion.context['esm']), spec (the documented spec, served as is),
    health (esm.health.Health), route_of ((method, path) -> route name, for requests answered
    before Connexion routes them)."""

    def __init__(self, app: ASGIApp, *, components, spec: dict, health, route_of: Callable):
        self.app = app
        self.components = components
        self.metrics = components.metrics
        settings = components.settings
        self.auth = settings.auth_enabled
        self.username = settings.username.encode() if self.auth else b""
        self.password = settings.password.encode() if self.auth else b""
        self.max_body_bytes = settings.max_body_bytes
        self.health = health
        self.route_of = route_of
        self.spec = spec
        as_json = (b"application/json", json.dumps(spec).encode())
        self.documents = {"/v2/openapi.json": as_json, "/v2/swagger.json": as_json,
                          "/swagger.json": as_json}
        # the plain routes (GET and HEAD): path -> handler(scope, send); the documents are
        # served before the credentials are checked, the others after
        self.documents_paths = frozenset((*self.documents, "/v2/openapi.yaml"))
        self.plain = {**{path: self._document for path in self.documents_paths},
                      **{path: self._health for path in HEALTH_PROBES},
                      "/metrics": self._metrics}

    def __call__(self, scope: Scope, receive: Receive, send: Send):
        # hands back the coroutine to await rather than awaiting it here: one coroutine less
        if scope["type"] != "http":
            return self.app(scope, receive, send)  # lifespan
        return self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        extensions = scope.setdefault("extensions", {})  # shared with Connexion's routing
        context = extensions.setdefault("connexion_context", {})
        answered = [500]
        started_answer = [False]
        identity = header(scope, REQUEST_IDENTITY)
        if identity is not None:
            context["request_identity"] = identity.decode("latin-1")

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered[0] = message["status"]
                started_answer[0] = True
                if identity is not None:
                    message = dict(message)
                    message["headers"] = [*message.get("headers", []), (REQUEST_IDENTITY, identity)]
            await send(message)

        try:
            await self._serve(scope, receive, answer, context)
        except Exception:
            # what escapes this layer (a plain route's failure) is answered here: the layer
            # outside it, Connexion's ServerErrorMiddleware, fails on its own handler under the
            # pinned versions and would send nothing
            log.exception("unexpected error in the protocol layer")
            if started_answer[0]:
                raise  # the answer is on its way: nothing else can be sent
            await send_error(answer, InternalError("the broker failed unexpectedly; see its log"))
        finally:
            seconds = time.perf_counter() - started
            path, method = scope["path"], scope["method"]
            routing = extensions.get(ROUTING_CONTEXT) or {}
            route = (routing.get("operation_id") or "").rsplit("controllers.", 1)[-1] or \
                (path if path in (*HEALTH_PROBES, "/metrics") else
                 self.route_of(method, path) or "unmatched")
            self.metrics.request(route, method, answered[0], seconds)
            log_request(method, path, route, answered[0], seconds, context)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, context: dict) -> None:
        path, method = scope["path"], scope["method"]
        if path.startswith(SEED_UI) and (path == SEED_UI or path[len(SEED_UI)] == "/"):
            await send({"type": "http.response.start", "status": 302,
                        "headers": [(b"location",
                                     b"/v2/ui/" + quote(path[len(SEED_UI) + 1:]).encode()),
                                    (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        plain = self.plain.get(path) if method in _GET else None
        if plain is not None and path in self.documents_paths:  # before auth: public
            await plain(scope, send)
            return
        public = is_public(path)
        if self.auth:
            authorized = self._authorized(header(scope, b"authorization"))
            scope[AUTHENTICATED] = authorized
            if not authorized and not public:
                await send_error(send, Unauthorized("missing or wrong broker credentials (HTTP "
                                                    "basic auth)", headers=Unauthorized.CHALLENGE))
                return
        if plain is not None:
            await plain(scope, send)
            return
        if not public:
            if path.startswith("/v2/"):  # /metrics and /health speak no OSB
                error = self._check_version(scope, context)
                if error is not None:
                    await send_error(send, error)
                    return
            value = header(scope, ORIGINATING_IDENTITY)
            if value:  # an empty header counts as none
                try:
                    context["originating_identity"] = parse_originating_identity(
                        value.decode("latin-1"))
                except ValueError as exc:
                    await send_error(send, BadRequest(
                        f"malformed X-Broker-API-Originating-Identity: {exc}"))
                    return
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await send_error(send, self._too_large())
            return
        if method in ("GET", "HEAD", "OPTIONS") and declared in (None, b"0"):
            context["esm"] = self.components
            await self.app(scope, receive, send)
            return
        body = await self._read_body(receive)
        if body is None:
            return  # the client went away
        if isinstance(body, BrokerError):
            await send_error(send, body)
            return
        if body and header(scope, b"content-type") is None:
            # OSB 2.14: without a Content-Type a broker MAY still read the body (older checkers
            # and clients send none); read as JSON by every layer below
            scope["headers"] = [*scope["headers"], (b"content-type", b"application/json")]
        if body and declared is None:
            # a chunked body: the layers below look for its length, and would take it as none
            scope["headers"] = [*scope["headers"], (b"content-length", str(len(body)).encode())]
        content_type = header(scope, b"content-type")
        if content_type is not None and content_type != content_type.lower():
            # media types are case-insensitive, Connexion's lookup of the body's validator is
            # not: a body sent as 'Application/JSON' would reach the broker unvalidated
            scope["headers"] = [(k, v.lower()) if k == b"content-type" else (k, v)
                                for k, v in scope["headers"]]
        if body and _is_json(scope):
            value, problem = parse_json_body(body)
            if problem:
                await send_error(send, BadRequest(problem))
                return
            operation = versions.request_operation(method, path)
            if operation is not None:  # fields the request's OSB version does not define: dropped
                versions.read_request(operation, value, versions.minor_of(context))
            scope[PARSED_JSON_BODY] = (body, value)
        context["esm"] = self.components
        await self.app(scope, _replay(body, receive), send)

    # -- the checks -----------------------------------------------------------------------------

    def _authorized(self, value: Optional[bytes]) -> bool:
        if not value or not value[:6].lower() == b"basic ":
            return False
        try:
            user, _, password = base64.b64decode(value[6:].strip(), validate=True).partition(b":")
        except (binascii.Error, ValueError):
            return False
        # compare both in constant time, and always both, so timing tells nothing
        user_ok = hmac.compare_digest(user, self.username)
        password_ok = hmac.compare_digest(password, self.password)
        return user_ok and password_ok

    @staticmethod
    def _check_version(scope: Scope, context: dict) -> Optional[BrokerError]:
        """X-Broker-API-Version must be 2.x with x >= 12 on every API route (412 otherwise).
        `X_Broker_Api_Version`, as the original ESM's README sends it (its WSGI server read '_'
        as '-'), is taken as X-Broker-API-Version when that one is absent: the request goes on
        with the header in its usual spelling, so that the spec's validation finds it. Only
        this header: an underscore twin of any other (auth, identities) stays ignored."""
        value = header(scope, API_VERSION)
        if value is None:
            value = header(scope, SEED_API_VERSION)
            if value is not None:
                scope["headers"] = [*scope["headers"], (API_VERSION, value)]
        match = _VERSION.match(value) if value is not None else None
        if match and int(match.group(1)) == 2 and int(match.group(2)) >= MIN_MINOR_VERSION:
            context["api_version"] = (2, int(match.group(2)))
            return None
        said = "missing" if value is None else f"{value.decode('latin-1')!r}"
        return PreconditionFailed(
            f"X-Broker-API-Version is {said}; this broker supports OSB API 2.12 "
            "and later 2.x (2.12 to 2.17), e.g. 'X-Broker-API-Version: 2.17'")

    def _too_large(self) -> BrokerError:
        return PayloadTooLarge(f"the body is larger than {self.max_body_bytes} bytes "
                               "(ESM_MAX_BODY_BYTES)")

    async def _read_body(self, receive: Receive):
        """The body's bytes; PayloadTooLarge past max_body_bytes; None when the client left."""
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # client went away
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return self._too_large()
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    # -- the plain routes -----------------------------------------------------------------------

    async def _document(self, scope: Scope, send: Send) -> None:
        """The documented spec at /v2/openapi.json, /v2/swagger.json and /v2/openapi.yaml
        (Connexion's own YAML route would serve the spec it routes with, which names no
        security), and at the original ESM's /swagger.json."""
        path = scope["path"]
        if path == "/v2/openapi.yaml" and path not in self.documents:  # rarely asked; 40 ms
            self.documents[path] = (b"text/yaml; charset=utf-8",
                                    yaml.safe_dump(self.spec, sort_keys=False).encode())
        content_type, body = self.documents[path]
        await send_body(send, 200, content_type, body)

    async def _health(self, scope: Scope, send: Send) -> None:
        """Public: without the broker's credentials the probes say only ok or failing per
        check; addresses and errors are for the operator."""
        if HEALTH_PROBES[scope["path"]] == "live":  # the process serves requests: nothing else
            await send_json(send, 200, {"status": "ok"})
            return
        healthy, checks = await anyio.to_thread.run_sync(self.health.check)
        if self.auth and not scope.get(AUTHENTICATED):
            checks = {name: {"status": check["status"]} for name, check in checks.items()}
        await send_json(send, 200 if healthy else 503,
                        {"status": "ok" if healthy else "failing", "checks": checks})

    async def _metrics(self, scope: Scope, send: Send) -> None:
        """Behind the broker's credentials, when set (checked before)."""
        body = await anyio.to_thread.run_sync(self.metrics.render)
        await send_body(send, 200, METRICS_CONTENT_TYPE.encode(), body)


def _is_json(scope) -> bool:
    ctype = (header(scope, b"content-type") or b"").split(b";")[0].strip().lower()
    return ctype.decode("latin-1") in JSON_TYPES or ctype.endswith(b"+json")


def parse_originating_identity(value: str) -> dict:
    """'<platform> <base64 JSON object>' -> {'platform': ..., 'value': {...}}; ValueError."""
    platform, sep, encoded = value.partition(" ")
    if not sep or not platform or not encoded or " " in encoded:
        raise ValueError("expected '<platform> <base64-encoded JSON object>'")
    try:
        payload = strict_json_loads(base64.b64decode(encoded.strip(), validate=True).decode("utf-8"))
        if json_depth(payload) > MAX_JSON_DEPTH:
            raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
    except RecursionError:
        raise ValueError(f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels") from None
    except binascii.Error:
        raise ValueError("the value after the platform is not valid base64") from None
    except UnicodeDecodeError:
        raise ValueError("the base64 value does not decode to UTF-8 text") from None
    except ValueError:
        raise ValueError("the base64 value does not decode to a JSON object") from None
    if not isinstance(payload, dict):
        raise ValueError("the decoded value must be a JSON object")
    return {"platform": platform, "value": payload}


def json_depth(value) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def parse_json_body(body: bytes) -> tuple:
        """(value, None), or (None, what is wrong with the body)."""
        too_deep = f"the JSON body is nested too deeply (at most {MAX_JSON_DEPTH} levels)"
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, f"the body is not valid UTF-8 (byte {exc.start})"
        try:
            value = strict_json_loads(text)
        except RecursionError:
            return None, too_deep
        except ValueError as exc:
            return None, f"the body is not valid JSON: {exc}"
        if json_depth(value) > MAX_JSON_DEPTH:
            return None, too_deep
        if "\\ud" in text or "\\uD" in text:  # an escaped surrogate: is it half of a pair?
            try:
                json.dumps(value, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                return None, "the body holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is no character"
        return value, None


def _refuse_constant(name: str):
    """NaN, Infinity and -Infinity are not JSON; stored, they would be sent back as invalid JSON."""
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    """A JSON number too large for a float (1e999) would become Infinity: refused the same way."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text[:20]} is too large a number")
    return value


def strict_json_loads(text: str):
    """json.loads, refusing what JSON has no number for (NaN, Infinity, 1e999): ValueError."""
    return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)


def _replay(body: bytes, receive: Receive) -> Callable:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
