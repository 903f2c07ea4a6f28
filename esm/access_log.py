"""The access log: one record per request on the `esm.access` logger, with its structured
fields (method, route, status, duration_ms, request_identity, user) as record attributes.

A request's line is the costliest thing the ESM does per request that is not its work: built
through Logger.info it walks the call stack to name the calling function and line (findCaller),
which no ESM formatter prints. So the record is made and handed to the handlers directly, and
nothing at all is built while the logger is not enabled for INFO (ESM_LOG_LEVEL=WARNING)."""
from __future__ import annotations

import logging
from typing import Optional

access_log = logging.getLogger("esm.access")


def _user_of(identity: Optional[dict]) -> Optional[str]:
    """The end user named by an originating identity (CF user_id, K8s username)."""
    if not identity:
        return None
    value = identity.get("value") or {}
    return value.get("user_id") or value.get("username")


def log_request(method: str, path: str, route: str, status: int, seconds: float,
                context: dict) -> None:
    if not access_log.isEnabledFor(logging.INFO):
        return
    record = access_log.makeRecord(
        access_log.name, logging.INFO, __file__, 0, "%s %s %s", (method, path, status), None,
        extra={"method": method, "route": route, "status": status,
               "duration_ms": round(seconds * 1000, 2),
               "request_identity": context.get("request_identity"),
               "user": _user_of(context.get("originating_identity"))})
    access_log.handle(record)  # the logger's filters, then its handlers, as Logger.info does
