"""Plain ASGI middlewares, one per protocol concern, run before Connexion routes a request.

Order (outermost first): request identity echo, the spec documents, basic auth, API version,
originating identity, body guard. Each answers a failing request itself with an OSB error body,
so a rejected request never reaches the broker.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
import time
from typing import Callable, Iterable, Optional
from urllib.parse import quote

import anyio.to_thread
import yaml
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from esm import versions
from esm.access_log import log_request
from esm.errors import BadRequest, BrokerError, PayloadTooLarge, PreconditionFailed, Unauthorized
from esm.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE

REQUEST_IDENTITY = b"x-broker-api-request-identity"
API_VERSION = b"x-broker-api-version"
SEED_API_VERSION = b"x_broker_api_version"
SEED_UI = "/ui"  # the original ESM's Swagger UI path
MIN_MINOR_VERSION = 12
MAX_JSON_DEPTH = 64
JSON_TYPES = ("application/json",)
# scope key: (body bytes, their JSON value) as BodyGuard parsed them, so that Connexion's body
# validator and the view call need not parse the same bytes again (esm/validation.py,
# esm/connexion_app.py)
PARSED_JSON_BODY = "esm.parsed_json_body"
# scope key: True when the request carried the broker's credentials (set on public paths too)
AUTHENTICATED = "esm.authenticated"

# Paths that need neither credentials nor an API version: the Swagger UI and the spec.
PUBLIC_PATHS = ("/v2/ui", "/v2/openapi.json", "/v2/swagger.json", "/v2/openapi.yaml", "/health",
                "/ui", "/swagger.json")  # the last two: the original ESM's URLs


def is_public(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PUBLIC_PATHS)


def context_of(scope: Scope) -> dict:
    """The dict Connexion exposes to handlers as `connexion.context`."""
    return scope.setdefault("extensions", {}).setdefault("connexion_context", {})


def header(scope: Scope, name: bytes) -> Optional[bytes]:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None


async def send_json(send: Send, status: int, body: dict, headers: Iterable = ()) -> None:
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode()), *headers]})
    await send({"type": "http.response.body", "body": payload})


async def send_error(send: Send, error: BrokerError) -> None:
    """The error's answer, as every other layer sends it (esm/errors.py)."""
    status, headers, body = error.encoded()
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _HTTPMiddleware:
    """Runs `handle` for HTTP requests; everything else (lifespan) passes straight through."""

    def __init__(self, app: ASGIApp, **options):
        self.app = app
        self.options = options

    def __call__(self, scope: Scope, receive: Receive, send: Send):
        # hands back the coroutine to await rather than awaiting it here: one coroutine less
        # per layer and request
        if scope["type"] != "http":
            return self.app(scope, receive, send)
        return self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RequestIdentityMiddleware(_HTTPMiddleware):
    """Echo X-Broker-API-Request-Identity on every response, errors included (OSB 2.15)."""

    async def handle(self, scope, receive, send):
        identity = header(scope, REQUEST_IDENTITY)
        if identity is None:
            await self.app(scope, receive, send)
            return
        context_of(scope)["request_identity"] = identity.decode("latin-1")

        async def send_with_identity(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), (REQUEST_IDENTITY, identity)]
            await send(message)

        await self.app(scope, receive, send_with_identity)


class SpecDocumentMiddleware(_HTTPMiddleware):
    """Serve the documented spec at /v2/openapi.json, /v2/swagger.json and /v2/openapi.yaml
    (Connexion's own YAML route would serve the spec it routes with, which names no security),
    and at the original ESM's /swagger.json; its /ui/ redirects to the Swagger UI at /v2/ui/.
    Options: spec (dict)."""

    def __init__(self, app, *, spec: dict):
        super().__init__(app)
        self.spec = spec
        as_json = (b"application/json", json.dumps(spec).encode())
        self.documents = {"/v2/openapi.json": as_json, "/v2/swagger.json": as_json,
                          "/swagger.json": as_json}

    def _document(self, path: str) -> Optional[tuple]:
        if path == "/v2/openapi.yaml" and path not in self.documents:  # rarely asked; 40 ms to dump
            self.documents[path] = (b"text/yaml; charset=utf-8",
                                    yaml.safe_dump(self.spec, sort_keys=False).encode())
        return self.documents.get(path)

    async def handle(self, scope, receive, send):
        path = scope["path"]
        document = self._document(path) if scope["method"] in ("GET", "HEAD") else None
        if path == SEED_UI or path.startswith(SEED_UI + "/"):
            await send({"type": "http.response.start", "status": 302,
                        "headers": [(b"location", b"/v2/ui/" + quote(path[len(SEED_UI) + 1:]).encode()),
                                    (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
        elif document is not None:
            content_type, body = document
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", content_type),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
        else:
            await self.app(scope, receive, send)


class BasicAuthMiddleware(_HTTPMiddleware):
    """HTTP basic auth on every non-public path. Options: username, password (str)."""

    def __init__(self, app, *, username: str, password: str):
        super().__init__(app)
        self.username = username.encode()
        self.password = password.encode()

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

    async def handle(self, scope, receive, send):
        authorized = self._authorized(header(scope, b"authorization"))
        scope[AUTHENTICATED] = authorized
        if authorized or is_public(scope["path"]):
            await self.app(scope, receive, send)
        else:
            await send_error(send, Unauthorized("missing or wrong broker credentials (HTTP basic "
                                                "auth)", headers=Unauthorized.CHALLENGE))


_VERSION = re.compile(rb"^\s*(\d+)\.(\d+)\s*$")


class APIVersionMiddleware(_HTTPMiddleware):
    """X-Broker-API-Version must be 2.x with x >= 12 on every API route (412 otherwise)."""

    @staticmethod
    def _from_seed_spelling(scope: Scope) -> Optional[bytes]:
        """`X_Broker_Api_Version`, as the original ESM's README sends it (its WSGI server read
        '_' as '-'), taken as X-Broker-API-Version when that one is absent: the request goes on
        with the header in its usual spelling, so that the spec's validation finds it. Only
        this header: an underscore twin of any other (auth, identities) stays ignored."""
        value = header(scope, SEED_API_VERSION)
        if value is not None:
            scope["headers"] = [*scope["headers"], (API_VERSION, value)]
        return value

    async def handle(self, scope, receive, send):
        if is_public(scope["path"]) or not scope["path"].startswith("/v2/"):
            await self.app(scope, receive, send)  # /metrics and /health speak no OSB
            return
        value = header(scope, API_VERSION)
        if value is None:
            value = self._from_seed_spelling(scope)
        match = _VERSION.match(value) if value is not None else None
        if match and int(match.group(1)) == 2 and int(match.group(2)) >= MIN_MINOR_VERSION:
            context_of(scope)["api_version"] = (2, int(match.group(2)))
            await self.app(scope, receive, send)
            return
        said = "missing" if value is None else f"{value.decode('latin-1')!r}"
        await send_error(send, PreconditionFailed(
                         f"X-Broker-API-Version is {said}; this broker supports OSB API 2.12 "
                         "and later 2.x (2.12 to 2.17), e.g. 'X-Broker-API-Version: 2.17'"))


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


class OriginatingIdentityMiddleware(_HTTPMiddleware):
    """Parse X-Broker-API-Originating-Identity into connexion.context; malformed -> 400."""

    async def handle(self, scope, receive, send):
        value = header(scope, b"x-broker-api-originating-identity")
        if value and not is_public(scope["path"]):  # an empty header counts as none
            try:
                context_of(scope)["originating_identity"] = parse_originating_identity(
                    value.decode("latin-1"))
            except ValueError as exc:
                await send_error(send, BadRequest(
                    f"malformed X-Broker-API-Originating-Identity: {exc}"))
                return
        await self.app(scope, receive, send)


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


class BodyGuardMiddleware(_HTTPMiddleware):
    """Refuse, before anything parses them: bodies over max_body_bytes (413), and JSON bodies that
    are not UTF-8, not JSON, or nested deeper than MAX_JSON_DEPTH (400). Options: max_body_bytes."""

    async def handle(self, scope, receive, send):
        limit = self.options["max_body_bytes"]
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(send, limit)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS") and declared in (None, b"0"):
            await self.app(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body and header(scope, b"content-type") is None:
            # OSB 2.14: without a Content-Type a broker MAY still read the body (older checkers
            # and clients send none); read as JSON by every layer below
            scope["headers"] = [*scope["headers"], (b"content-type", b"application/json")]
        if body and self._is_json(scope):
            value, problem = self._parse_json(body)
            if problem:
                await send_error(send, BadRequest(problem))
                return
            operation = versions.request_operation(scope["method"], scope["path"])
            if operation is not None:  # fields the request's OSB version does not define: dropped
                versions.read_request(operation, value, versions.minor_of(context_of(scope)))
            scope[PARSED_JSON_BODY] = (body, value)
        await self.app(scope, _replay(body, receive), send)

    @staticmethod
    def _is_json(scope) -> bool:
        ctype = (header(scope, b"content-type") or b"").split(b";")[0].strip().lower()
        return ctype.decode("latin-1") in JSON_TYPES or ctype.endswith(b"+json")

    @staticmethod
    def _parse_json(body: bytes) -> tuple:
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

    @staticmethod
    async def _too_large(send, limit):
        await send_error(send, PayloadTooLarge(f"the body is larger than {limit} bytes "
                                               "(ESM_MAX_BODY_BYTES)"))


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


class RequestObserverMiddleware(_HTTPMiddleware):
    """One structured log line and one metrics sample per request. Options: metrics (Metrics),
    route_of ((method, path) -> route name, for requests refused before routing)."""

    async def handle(self, scope, receive, send):
        started = time.perf_counter()
        extensions = scope.setdefault("extensions", {})  # shared with Connexion's routing
        status = {"code": 500}

        async def observe(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            seconds = time.perf_counter() - started
            routing = extensions.get("connexion_routing") or {}
            route = (routing.get("operation_id") or "").rsplit("controllers.", 1)[-1] or \
                (scope["path"] if scope["path"] in (*HEALTH_PROBES, "/metrics") else
                 self.options["route_of"](scope["method"], scope["path"]) or "unmatched")
            self.options["metrics"].request(route, scope["method"], status["code"], seconds)
            log_request(scope["method"], scope["path"], route, status["code"], seconds,
                        extensions.get("connexion_context") or {})


# readiness is the summary: a replica whose store or used backend does not answer cannot serve
HEALTH_PROBES = {"/health": "summary", "/health/live": "live", "/health/ready": "summary"}


class OpsEndpointsMiddleware(_HTTPMiddleware):
    """GET /health, /health/live, /health/ready (public: without the broker's credentials they
    say only ok or failing per check; addresses and errors are for the operator) and GET
    /metrics (behind the broker credentials, when set). Options: health (esm.health.Health),
    metrics (Metrics), auth_enabled (bool)."""

    async def handle(self, scope, receive, send):
        path, method = scope["path"], scope["method"]
        probe = HEALTH_PROBES.get(path) if method in ("GET", "HEAD") else None
        if probe == "live":  # the process serves requests: nothing else is asked
            await send_json(send, 200, {"status": "ok"})
        elif probe is not None:
            healthy, checks = await anyio.to_thread.run_sync(self.options["health"].check)
            if self.options["auth_enabled"] and not scope.get(AUTHENTICATED):
                checks = {name: {"status": check["status"]} for name, check in checks.items()}
            await send_json(send, 200 if healthy else 503,
                            {"status": "ok" if healthy else "failing", "checks": checks})
        elif path == "/metrics" and method in ("GET", "HEAD"):
            body = await anyio.to_thread.run_sync(self.options["metrics"].render)
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", METRICS_CONTENT_TYPE.encode()),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
        else:
            await self.app(scope, receive, send)
