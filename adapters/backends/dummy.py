"""DummyBackend: creates nothing, behaves like a real backend (durations, failures, credentials)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

from adapters.backends.base import OPERATION_KINDS, Backend, BindResult, ProvisionResult
from adapters.backends.context import OperationContext
from adapters.backends.errors import BackendFailure, ManifestInvalid
from adapters.backends.yaml_content import load_yaml_mapping
from adapters.parse_cache import ParseCache
from esm.models import Manifest


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
