"""The one catalogue of the broker's errors: every error body it sends is one of these classes,
whoever refuses the request (the broker and catalog, the protocol layer in esm/protocol.py
before a request is routed, the app's exception handlers in esm/app.py for what Connexion,
Starlette or the store raise). Each class carries its HTTP status and OSB error code; an
instance carries the description (what to do next) and the headers its status needs (Allow,
Retry-After, WWW-Authenticate).

`encoded()` is the wire form, the same from every raiser: status, headers, JSON body.
`for_status()` names the class of a status another library decided (a 404 or 405 of Starlette's
router, a ProblemException of Connexion's validators).
"""
from __future__ import annotations

import json
from typing import Any, Mapping, Optional

JSON_HEADERS = ((b"content-type", b"application/json"),)


def for_status(status: int, description: str, headers: Optional[Mapping[str, str]] = None,
               unknown_code: Optional[str] = None) -> "BrokerError":
    """The error of the catalogue for an HTTP status another layer chose. A 415 becomes the 400
    OSB 2.14 asks for; a status the catalogue has no class for keeps its status, with
    `unknown_code` (else BadRequest below 500 and InternalError from 500 on)."""
    by_status: dict[int, type[BrokerError]] = {400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound,
                 405: MethodNotAllowed, 406: NotAcceptable, 409: Conflict, 413: PayloadTooLarge,
                 415: UnsupportedMediaType, 422: Unprocessable, 500: InternalError}
    cls = by_status.get(status)
    if cls is not None:
        return cls(description, headers=headers)
    return HTTPError(status, description, unknown_code or ("BadRequest" if status < 500
                                                           else "InternalError"), headers=headers)


class BrokerError(Exception):
    status = 500
    code = "InternalError"

    def __init__(self, description: str, code: Optional[str] = None, *,
                 headers: Optional[Mapping[str, str]] = None, **extra: Any) -> None:
        super().__init__(description)
        self.description = description or code or self.code
        if code is not None:
            self.code = code
        self.headers = dict(headers or {})
        self.extra = extra  # e.g. instance_usable, update_repeatable (OSB 2.16)

    def body(self) -> dict:
        return {"error": self.code, "description": self.description, **self.extra}

    def encoded(self) -> tuple[int, list, bytes]:
        """(status, ASGI headers, body bytes) of the answer."""
        payload = json.dumps(self.body()).encode()
        return self.status, [*JSON_HEADERS, (b"content-length", str(len(payload)).encode()),
                             *((k.lower().encode("latin-1"), v.encode("latin-1"))
                               for k, v in self.headers.items())], payload


class BadRequest(BrokerError):
    status, code = 400, "BadRequest"


class UnsupportedMediaType(BadRequest):
    """A body refused for its content type: OSB 2.14 wants a 400, not HTTP's 415."""

    def __init__(self, description: str, **kwargs: Any) -> None:
        super().__init__(f"{description}; send the body as Content-Type: application/json", **kwargs)


class Unauthorized(BrokerError):
    status, code = 401, "Unauthorized"
    CHALLENGE = {"WWW-Authenticate": 'Basic realm="ESM"'}


class Forbidden(BrokerError):
    status, code = 403, "Forbidden"


class NotFound(BrokerError):
    status, code = 404, "NotFound"


class MethodNotAllowed(BrokerError):
    """Its Allow header lists every method of the resource (esm/app.py finds them in api.yaml)."""
    status, code = 405, "MethodNotAllowed"


class NotAcceptable(BrokerError):
    status, code = 406, "NotAcceptable"


class Conflict(BrokerError):
    status, code = 409, "Conflict"


class Gone(BrokerError):
    """OSB wants an empty object for 410 (delete of something that does not exist)."""
    status, code = 410, "Gone"

    def body(self) -> dict:
        return {}


class PreconditionFailed(BrokerError):
    status, code = 412, "PreconditionFailed"


class PayloadTooLarge(BrokerError):
    status, code = 413, "PayloadTooLarge"


class Unprocessable(BrokerError):
    status, code = 422, "UnprocessableEntity"


class AsyncRequired(Unprocessable):
    code = "AsyncRequired"


class ConcurrencyError(Unprocessable):
    code = "ConcurrencyError"


class MaintenanceInfoConflict(Unprocessable):
    code = "MaintenanceInfoConflict"


class InternalError(BrokerError):
    """Anything nobody caught: the log has the traceback, the platform only this."""
    status, code = 500, "InternalError"


class HTTPError(BrokerError):
    """A status another layer chose that the catalogue has no class for (for_status)."""

    def __init__(self, status: int, description: str, code: str, **kwargs: Any) -> None:
        super().__init__(description, code, **kwargs)
        self.status = status


class BackendError(BrokerError):
    """An operation that ran inside the request failed in the backend (the platform then runs
    orphan mitigation for provision and bind, as OSB asks for a 5xx)."""
    status, code = 502, "BackendError"


class ServiceUnavailable(BrokerError):
    status, code = 503, "ServiceUnavailable"
