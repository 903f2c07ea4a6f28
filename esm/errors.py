"""Typed broker failures: each carries its HTTP status, OSB error code and a description."""
from __future__ import annotations

from typing import Optional


class BrokerError(Exception):
    status = 500
    code = "InternalError"

    def __init__(self, description: str, code: Optional[str] = None, **extra):
        super().__init__(description)
        self.description = description
        if code is not None:
            self.code = code
        self.extra = extra  # e.g. instance_usable, update_repeatable (OSB 2.16)

    def body(self) -> dict:
        return {"error": self.code, "description": self.description, **self.extra}


class BadRequest(BrokerError):
    status, code = 400, "BadRequest"


class Unauthorized(BrokerError):
    status, code = 401, "Unauthorized"


class NotFound(BrokerError):
    status, code = 404, "NotFound"


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


class RequiresApp(Unprocessable):
    code = "RequiresApp"


class BackendError(BrokerError):
    """An operation that ran inside the request failed in the backend (the platform then runs
    orphan mitigation for provision and bind, as OSB asks for a 5xx)."""
    status, code = 502, "BackendError"


class ServiceUnavailable(BrokerError):
    status, code = 503, "ServiceUnavailable"
