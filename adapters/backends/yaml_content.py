"""Manifest content that must be a YAML mapping, read safely (no aliases, bounded nesting)."""
from __future__ import annotations

import yaml

from adapters.backends.errors import ManifestInvalid

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
            # types-PyYAML types an event's mark as either Mark class, the error only as the
            # pure-Python one; they are read alike (only for the message)
            raise yaml.composer.ComposerError(None, None, "YAML aliases are not allowed",
                                              event.start_mark)  # type: ignore[arg-type]
        if isinstance(event, _OPENS):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"YAML nested deeper than {MAX_YAML_DEPTH} levels is not allowed",
                    event.start_mark)  # type: ignore[arg-type]  # the stub's two Mark classes, as above
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

