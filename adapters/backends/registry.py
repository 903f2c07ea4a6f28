"""BackendRegistry: which backend serves which manifest type (the seed called it EPM)."""
from __future__ import annotations

from typing import Iterable, Iterator

from adapters.backends.base import Backend


class BackendRegistry:
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

    def __iter__(self) -> Iterator[Backend]:
        """Each registered backend once (one may serve several manifest types)."""
        return iter(self.backends)


#: The seed's name for the registry (a public extension point: kept).
EPM = BackendRegistry
