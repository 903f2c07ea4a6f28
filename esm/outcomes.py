"""What the broker's domain answers: typed outcomes, named after what happened.

The broker (esm.broker) returns one of these for every request it accepts; a request it refuses
raises a typed error (esm.errors), which carries its own status. Which HTTP status and body an
outcome becomes is decided in one place, esm/controllers/responses.py.

`subject` is the record the request is about (a ServiceInstance or a Binding; for the /v2/et
registrations a ServiceType or a Manifest) as it ends up.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union

from esm.models import Binding, Manifest, Operation, ServiceInstance, ServiceType

Subject = Union[ServiceInstance, Binding, ServiceType, Manifest]


@dataclass(frozen=True)
class Created:
    """The instance or binding was made while the platform waited."""
    subject: Subject


@dataclass(frozen=True)
class AlreadyThere:
    """An identical request made it before: nothing was done."""
    subject: Subject


@dataclass(frozen=True)
class Accepted:
    """An operation was stored and runs in the background; the platform polls it."""
    operation: str
    subject: Optional[Subject] = None  # a provision's instance (its planned dashboard_url)


@dataclass(frozen=True)
class StillInProgress:
    """An identical request started an operation that still runs; the platform polls that one."""
    operation: str
    subject: Optional[Subject] = None  # a provision's instance (its planned dashboard_url)


@dataclass(frozen=True)
class Replaced:
    """A registration (service type, manifest) took the place of the one of the same id."""
    subject: Subject


@dataclass(frozen=True)
class Updated:
    """The instance was changed while the platform waited."""


@dataclass(frozen=True)
class Unchanged:
    """An update asked for what the instance already is: nothing was done."""


@dataclass(frozen=True)
class Deleted:
    """The instance, binding, service type or manifest was removed while the caller waited."""


@dataclass(frozen=True)
class Fetched:
    """The platform reads an instance or a binding."""
    subject: Union[ServiceInstance, Binding]


@dataclass(frozen=True)
class OperationReport:
    """The platform asks how an operation goes (last_operation)."""
    operation: Operation


@dataclass(frozen=True)
class Listed:
    """What was asked for, read as it is: the catalog, a listing, a manifest, an operator's
    report (`headers`: what the answer says about itself, e.g. a list's total)."""
    body: Any
    headers: dict = field(default_factory=dict)


Outcome = Union[Created, AlreadyThere, Accepted, StillInProgress, Replaced, Updated, Unchanged,
                Deleted, Fetched, OperationReport, Listed]

__all__ = ["Listed", "Created", "AlreadyThere", "Accepted", "StillInProgress", "Replaced", "Updated", "Unchanged",
           "Deleted", "Fetched", "OperationReport", "Outcome", "Subject"]
