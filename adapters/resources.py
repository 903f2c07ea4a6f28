"""Backends realize service instances; the EPM knows which backend serves which manifest type.

A `Backend` is given the stored manifest and the instance (or binding) record and must be
idempotent: the operation worker may call the same method again after a crash. Backends tag
what they create with the instance id, so they need no memory of their own.

Subclass `Backend`, then `epm.register(MyBackend())`; its `manifest_types` become valid values
of a manifest's `manifest_type`.
"""
from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

import yaml

from adapters.parse_cache import ParseCache
from esm.models import Binding, Manifest, ServiceInstance

OPERATION_KINDS = ("provision", "update", "deprovision", "bind", "unbind")


class ManifestInvalid(ValueError):
    """The manifest content is not acceptable to the backend; the message says why."""


class BackendFailure(RuntimeError):
    """The backend could not do what was asked; the message is shown to the platform.

    `instance_usable` False says the instance is no longer as it was before a failed update (it
    could not be rolled back): the worker then answers OSB `instance_usable: false`."""

    def __init__(self, message: str = "", instance_usable: bool = True):
        super().__init__(message)
        self.instance_usable = instance_usable


class OperationCancelled(RuntimeError):
    """The operation was stopped (a delete arrived, or its deadline passed)."""


@dataclass
class OperationContext:
    """What a running backend call may ask: should it stop (for any reason), and is that
    because its deadline passed, or because it was given up (no longer this worker's, or the
    broker stops)?"""
    should_stop: Callable[[], bool] = lambda: False
    past_deadline: Callable[[], bool] = lambda: False
    given_up: Callable[[], bool] = lambda: False
    #: seconds until the deadline (None: none), for waits that must not outlast it
    seconds_left: Callable[[], Optional[float]] = lambda: None

    def bounded(self, seconds: float) -> float:
        """`seconds`, or less when the deadline comes sooner (at least 0)."""
        left = self.seconds_left()
        return seconds if left is None else max(0.0, min(seconds, left))

    def without_deadline(self) -> "OperationContext":
        """A context for putting things back once the deadline passed: it stops only when the
        operation is given up."""
        return OperationContext(should_stop=self.given_up, given_up=self.given_up)

    def sleep(self, seconds: float, step: float = 0.05) -> None:
        """Sleep, waking early (OperationCancelled) when the operation is stopped."""
        if seconds <= 0:
            return
        end = time.monotonic() + seconds
        while True:
            if self.should_stop():
                raise OperationCancelled("operation stopped")
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(step, left))


@dataclass
class BindResult:
    credentials: dict = field(default_factory=dict)
    endpoints: list = field(default_factory=list)  # OSB endpoint objects


@dataclass
class ProvisionResult:
    dashboard_url: Optional[str] = None


class Backend(ABC):
    """A driver that realizes instances of one or more manifest types."""

    manifest_types: tuple[str, ...] = ()
    #: Whether the backend makes objects of its own (orphan checks ask those that do).
    owns_resources: bool = False
    #: Whether the calls made inside a request (the operations `requires_async` says need not
    #: be async, and validation) may block; if any backend's may, requests run in threads.
    inline_calls_block: bool = True

    @abstractmethod
    def validate_manifest(self, manifest: Manifest) -> None:
        """Raise ManifestInvalid with a readable reason when the content is not acceptable."""

    def check_parameters(self, manifest: Manifest, parameters: dict) -> None:
        """Raise ManifestInvalid when the backend cannot use these instance parameters (the
        platform's request is then refused, before anything is stored)."""

    def requires_async(self, manifest: Manifest, kind: str) -> bool:
        """True when operation `kind` cannot complete inside the request."""
        return True

    def prefers_async(self, manifest: Manifest, kind: str) -> bool:
        """True when `kind` should run asynchronously whenever the platform accepts it."""
        return self.requires_async(manifest, kind)

    def call_blocks(self, kind: str) -> bool:
        """Whether a synchronous `kind` call, made inside the request, may block (on a network,
        a disk): the request then runs it in a thread."""
        return self.inline_calls_block

    @abstractmethod
    def provision(self, instance: ServiceInstance, manifest: Manifest,
                  ctx: OperationContext) -> ProvisionResult:
        ...

    @abstractmethod
    def update(self, instance: ServiceInstance, manifest: Manifest, ctx: OperationContext) -> None:
        """`instance` already carries the target plan/parameters."""

    @abstractmethod
    def deprovision(self, instance: ServiceInstance, manifest: Optional[Manifest],
                    ctx: OperationContext) -> None:
        """Remove everything of the instance; succeed when nothing is there."""

    @abstractmethod
    def bind(self, instance: ServiceInstance, binding: Binding, manifest: Manifest,
             ctx: OperationContext) -> BindResult:
        ...

    @abstractmethod
    def unbind(self, instance: ServiceInstance, binding: Binding, manifest: Optional[Manifest],
               ctx: OperationContext) -> None:
        ...

    def planned_dashboard_url(self, instance: ServiceInstance, manifest: Manifest) -> Optional[str]:
        """The dashboard URL, when it is known before provisioning (OSB wants it in the 202)."""
        return None

    def instance_details(self, instance: ServiceInstance, manifest: Manifest) -> dict:
        """What the operator's view of one instance shows from the backend itself (nothing by
        default): `addresses` (service -> its address, or None) and `endpoints` (the manifest's
        endpoints with the URL parts where they are reached). Never credentials or environment
        values. May raise: the view is then served without them."""
        return {}

    def owned_resources(self, instance_id: Optional[str] = None) -> list[dict]:
        """Objects this backend holds (for one instance, or all), as small dicts with `kind`,
        `id`, `name`, `instance_id` and `workload` (True for what runs the service: an instance
        with no workload object left has lost its objects)."""
        return []

    def ping(self) -> None:
        """Raise BackendFailure when the backend cannot be reached."""


class EPM:
    """The registry of backends by manifest type."""

    def __init__(self, backends: Iterable[Backend] = ()):
        self._by_type: dict[str, Backend] = {}
        for backend in backends:
            self.register(backend)

    def register(self, backend: Backend) -> None:
        for manifest_type in backend.manifest_types:
            self._by_type[manifest_type] = backend

    @property
    def manifest_types(self) -> list[str]:
        return sorted(self._by_type)

    def backend_for(self, manifest_type: str) -> Backend:
        """KeyError when no registered backend accepts the type."""
        return self._by_type[manifest_type]

    @property
    def inline_calls_block(self) -> bool:
        return any(b.inline_calls_block for b in self._by_type.values())

    @property
    def backends(self) -> list[Backend]:
        return list({id(b): b for b in self._by_type.values()}.values())


MAX_YAML_DEPTH = 32
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's is ~5x faster
_OPENS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _check_yaml_events(text: str) -> None:
    """Refuse aliases ('billion laughs' documents) and nesting deeper than MAX_YAML_DEPTH (the
    composer recurses: `[[[[...` would exhaust the stack), on the event stream, before
    anything builds the document."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "YAML aliases are not allowed",
                                              event.start_mark)
        if isinstance(event, _OPENS):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"YAML nested deeper than {MAX_YAML_DEPTH} levels is not allowed",
                    event.start_mark)
        elif isinstance(event, _CLOSES):
            depth -= 1


def load_yaml_mapping(text: str) -> dict:
    """Parse manifest content that must be a YAML mapping (no aliases). ManifestInvalid."""
    try:
        _check_yaml_events(text)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise ManifestInvalid(f"manifest_content is not valid YAML: {exc}") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ManifestInvalid(f"manifest_content holds a value that cannot be read: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ManifestInvalid("manifest_content must be a YAML mapping")
    return data


@dataclass(frozen=True)
class DummySpec:
    seconds: dict  # operation kind -> seconds
    fail_on: frozenset
    credentials: dict
    dashboard_url: Optional[str]


class DummyBackend(Backend):
    """Creates nothing, but behaves like a real backend: per-operation durations (0 = inside the
    request, > 0 = async-only), failures on demand, credentials on bind. For platform teams
    testing their integration.

    manifest_content (YAML), every key optional:
        provision_seconds: 2      # also update_, deprovision_, bind_, unbind_seconds
        fail_on: [update]         # operation kinds that fail
        credentials: {uri: "dummy://user:pass@host"}
        dashboard_url: http://dashboard.example/instance
    """

    manifest_types = ("dummy",)
    inline_calls_block = False  # a 0-second operation does nothing; longer ones are async
    KEYS = {f"{k}_seconds" for k in OPERATION_KINDS} | {"fail_on", "credentials", "dashboard_url"}

    def parse(self, manifest: Manifest) -> DummySpec:
        return _DUMMY_SPECS.get(manifest.manifest_content)

    @classmethod
    def _parse(cls, content: str) -> DummySpec:
        data = load_yaml_mapping(content)
        unknown = sorted(str(k) for k in data if k not in cls.KEYS)
        if unknown:
            raise ManifestInvalid(f"dummy manifest: unknown keys {', '.join(unknown)}; "
                                  f"allowed: {', '.join(sorted(cls.KEYS))}")
        seconds = {}
        for kind in OPERATION_KINDS:
            value = data.get(f"{kind}_seconds", 0)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 86400:
                raise ManifestInvalid(f"dummy manifest: {kind}_seconds must be a number of seconds "
                                      f"between 0 and 86400, got {value!r}")
            seconds[kind] = float(value)
        fail_on = data.get("fail_on", [])
        if not isinstance(fail_on, list) or any(k not in OPERATION_KINDS for k in fail_on):
            raise ManifestInvalid(f"dummy manifest: fail_on must be a list of operation kinds "
                                  f"({', '.join(OPERATION_KINDS)}), got {fail_on!r}")
        credentials = data.get("credentials", {})
        if not isinstance(credentials, dict):
            raise ManifestInvalid("dummy manifest: credentials must be a mapping")
        try:  # bind hands them back as JSON: no dates, sets, binary, NaN or infinities
            json.dumps(credentials, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ManifestInvalid(f"dummy manifest: credentials must be plain JSON values "
                                  f"(strings, finite numbers, booleans, lists, mappings): {exc}") from None
        dashboard_url = data.get("dashboard_url")
        if dashboard_url is not None and not (isinstance(dashboard_url, str) and dashboard_url):
            raise ManifestInvalid("dummy manifest: dashboard_url must be a non-empty string")
        return DummySpec(seconds, frozenset(fail_on), credentials, dashboard_url)

    def validate_manifest(self, manifest):
        self.parse(manifest)

    def requires_async(self, manifest, kind):
        return self.parse(manifest).seconds[kind] > 0

    def planned_dashboard_url(self, instance, manifest):
        return self.parse(manifest).dashboard_url

    def _run(self, manifest: Optional[Manifest], kind: str, ctx: OperationContext) -> DummySpec:
        if manifest is None:  # the manifest is gone: deletes still succeed
            return DummySpec({k: 0.0 for k in OPERATION_KINDS}, frozenset(), {}, None)
        spec = self.parse(manifest)
        ctx.sleep(spec.seconds[kind])
        if kind in spec.fail_on:
            raise BackendFailure(f"dummy backend: {kind} fails as the manifest's fail_on asks")
        return spec

    def provision(self, instance, manifest, ctx):
        return ProvisionResult(dashboard_url=self._run(manifest, "provision", ctx).dashboard_url)

    def update(self, instance, manifest, ctx):
        self._run(manifest, "update", ctx)

    def deprovision(self, instance, manifest, ctx):
        self._run(manifest, "deprovision", ctx)

    def bind(self, instance, binding, manifest, ctx):
        spec = self._run(manifest, "bind", ctx)
        return BindResult(credentials=dict(spec.credentials))

    def unbind(self, instance, binding, manifest, ctx):
        self._run(manifest, "unbind", ctx)


_DUMMY_SPECS = ParseCache(DummyBackend._parse)  # every request asks; YAML parsing is slow


def __getattr__(name: str):
    """`adapters.resources.DockerBackend` stays a public name, but this module does not import
    it (it needs the Docker SDK, and imports this one): it is looked up only when someone asks
    for it. The broker itself picks its backends in esm/wiring.py."""
    if name == "DockerBackend":
        from adapters.docker_backend import DockerBackend
        return DockerBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
