"""The floor: the same dummy broker as a bare ASGI app that keeps instances in a dict, with the
same basic auth and version-header checks as the ESM, served by the same uvicorn. What the
server and interpreter deliver when the application does nearly nothing; `python -m bench`
measures every target against it.

    BENCH_USER=u BENCH_PASSWORD=p python -m uvicorn bench.floor:app --port 8000
"""
from __future__ import annotations

import base64
import hmac
import json
import os

SERVICE_ID, PLAN_ID = "svc-bench", "plan-bench"
CATALOG = json.dumps({"services": [{"id": SERVICE_ID, "name": "bench", "description": "benchmark",
                                    "bindable": True, "instances_retrievable": True,
                                    "plans": [{"id": PLAN_ID, "name": "default",
                                               "description": "the plan"}]}]}).encode()
EXPECTED = ("Basic " + base64.b64encode(
    f"{os.environ.get('BENCH_USER', 'bench')}:{os.environ.get('BENCH_PASSWORD', 'bench')}".encode()
).decode()).encode()
PREFIX = "/v2/service_instances/"
instances: dict[str, dict] = {}


async def _send(send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _body(receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    headers = dict(scope["headers"])
    if not hmac.compare_digest(headers.get(b"authorization", b""), EXPECTED):
        return await _send(send, 401, b'{"error":"Unauthorized","description":"credentials"}')
    if not headers.get(b"x-broker-api-version", b"").startswith(b"2."):
        return await _send(send, 412, b'{"error":"PreconditionFailed","description":"version"}')
    path, method = scope["path"], scope["method"]
    if path == "/v2/catalog" and method == "GET":
        return await _send(send, 200, CATALOG)
    if not path.startswith(PREFIX):
        return await _send(send, 404, b'{"error":"NotFound","description":"no route"}')
    rest = path[len(PREFIX):]
    if rest.endswith("/last_operation") and method == "GET":
        found = rest[:-len("/last_operation")] in instances
        return await _send(send, 200 if found else 404,
                           b'{"state":"succeeded"}' if found else b'{"error":"NotFound","description":"x"}')
    if method == "PUT":
        body = json.loads(await _body(receive))
        if body.get("service_id") != SERVICE_ID or body.get("plan_id") != PLAN_ID:
            return await _send(send, 400, b'{"error":"BadRequest","description":"plan"}')
        created = rest not in instances
        instances.setdefault(rest, body)
        return await _send(send, 201 if created else 200, b"{}")
    if method == "GET":
        found = instances.get(rest)
        if found is None:
            return await _send(send, 404, b'{"error":"NotFound","description":"x"}')
        return await _send(send, 200, json.dumps({"service_id": found["service_id"],
                                                  "plan_id": found["plan_id"],
                                                  "parameters": found.get("parameters", {})}).encode())
    return await _send(send, 405, b'{"error":"MethodNotAllowed","description":"x"}')
