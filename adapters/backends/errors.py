"""What a backend raises: a manifest it refuses, an operation it could not do, one stopped."""
from __future__ import annotations


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

