"""Plan parameter schemas: the JSON Schemas service providers attach to plans, checked when a
plan is registered and applied to provision, update and bind parameters.

A schema comes from a service provider and the parameters from a platform user; neither may
make validation hang the broker. So:

- `pattern` and `patternProperties` run on RE2, a linear-time engine (no catastrophic
  backtracking, whatever the pattern); a pattern RE2 cannot run (lookaround, backreferences) is
  refused at registration;
- `$ref` must be a JSON pointer into the schema itself, must resolve, and may not loop back to
  the same place without descending into the instance (`{"$ref": "#"}` never terminates);
- the number of subschemas that apply to one value (through allOf/anyOf/oneOf/not/if/$ref...)
  is bounded, so a small schema cannot ask for exponentially many checks.
"""
from __future__ import annotations

import functools
import json
import re
import threading
import warnings
from typing import Any, Optional
from urllib.parse import unquote

import jsonschema._keywords
import jsonschema._legacy_keywords
import jsonschema._utils
import re2
from jsonschema import exceptions as js_exceptions
from jsonschema import validators as js_validators

MAX_APPLICATORS = 1000  # subschemas that may apply to one value of the parameters
MAX_PATTERN_LENGTH = 1000
# keywords whose subschemas apply to the same value as the schema that holds them
_SAME_VALUE_LISTS = ("allOf", "anyOf", "oneOf")
_SAME_VALUE_ONE = ("not", "if", "then", "else")
_SAME_VALUE_MAPS = ("dependentSchemas", "dependencies")
_UNSUPPORTED_REFS = ("$dynamicRef", "$recursiveRef")
_DATA_KEYWORDS = ("enum", "const", "default", "examples")  # values, not subschemas


class SchemaRefused(ValueError):
    """The schema is valid JSON Schema but the broker will not run it; the message says why."""


class _LinearTimeRegex:
    """Stands in for the `re` module inside jsonschema's keyword implementations (they call
    `re.search` only): the same searches, on RE2. Every pattern of a plan schema compiles on
    RE2 (check_runnable refused the others at registration); a pattern that does not is the
    broker's own (api.yaml, checked against its responses in tests) and runs on `re`."""

    def __init__(self):
        self._options = re2.Options()
        self._options.log_errors = False  # a refused pattern is reported to the caller, not stderr

    def compile(self, pattern: str):
        """The RE2 form of the pattern; SchemaRefused when RE2 cannot run it."""
        try:
            return re2.compile(pattern, self._options)
        except re2.error as exc:
            reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(
                exc.args[0], bytes) else str(exc)
            raise SchemaRefused(f"pattern {pattern!r} cannot run on the broker's linear-time regex "
                                f"engine (RE2: no lookaround or backreferences): {reason}") from None

    # one checker per app lives as long as the app: the cache keeping it alive is no leak
    @functools.lru_cache(maxsize=512)  # noqa: B019 - patterns are at most MAX_PATTERN_LENGTH characters
    def _compiled(self, pattern: str):
        try:
            return self.compile(pattern)
        except SchemaRefused:
            return re.compile(pattern)

    def search(self, pattern: str, string: str):
        return self._compiled(pattern).search(string)


LINEAR_REGEX = _LinearTimeRegex()
for _module in (jsonschema._keywords, jsonschema._legacy_keywords, jsonschema._utils):
    _module.re = LINEAR_REGEX  # jsonschema 4.26 (pinned) looks `re.search` up at call time


def _pointer(ref: str, where: str) -> tuple:
    if ref == "#":
        return ()
    if not ref.startswith("#/"):
        raise SchemaRefused(f"{where}: $ref {ref!r} must be '#' or a JSON pointer such as "
                            "'#/$defs/name'")
    return tuple(unquote(part).replace("~1", "/").replace("~0", "~") for part in ref[2:].split("/"))


def _resolve(schema, path: tuple, ref: str, where: str):
    node = schema
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise SchemaRefused(f"{where}: $ref {ref!r} does not resolve inside the schema")
    return node


def _same_value_children(path: tuple, node: dict, schema, where: str) -> list[tuple]:
    children = []
    ref = node.get("$ref")
    if isinstance(ref, str):
        target = _pointer(ref, where)
        _resolve(schema, target, ref, where)
        children.append(target)
    for key in _SAME_VALUE_LISTS:
        if isinstance(node.get(key), list):
            children.extend(path + (key, str(i)) for i in range(len(node[key])))
    children.extend(path + (key,) for key in _SAME_VALUE_ONE if isinstance(node.get(key), dict))
    for key in _SAME_VALUE_MAPS:
        if isinstance(node.get(key), dict):
            children.extend(path + (key, name) for name, sub in node[key].items() if isinstance(sub, dict))
    return children


def _walk(schema):
    """(path, mapping) for every mapping in the schema document, without recursion."""
    stack: list[tuple[tuple[str, ...], Any]] = [((), schema)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            yield path, node
            stack.extend((path + (str(k),), v) for k, v in node.items() if k not in _DATA_KEYWORDS)
        elif isinstance(node, list):
            stack.extend((path + (str(i),), v) for i, v in enumerate(node))


def check_runnable(schema, where: str) -> None:
    """SchemaRefused unless validation with `schema` terminates quickly for any parameters."""
    graph = {}
    for path, node in _walk(schema):
        for key in _UNSUPPORTED_REFS:
            if key in node:
                raise SchemaRefused(f"{where}: {key} is not supported; use $ref")
        pattern = node.get("pattern")
        patterns = [pattern] if isinstance(pattern, str) else []
        if isinstance(node.get("patternProperties"), dict):
            patterns.extend(node["patternProperties"])
        for text in patterns:
            if len(text) > MAX_PATTERN_LENGTH:
                raise SchemaRefused(f"{where}: patterns may be at most {MAX_PATTERN_LENGTH} characters")
            try:
                LINEAR_REGEX.compile(text)
            except SchemaRefused as exc:
                raise SchemaRefused(f"{where}: {exc}") from None
        graph[path] = _same_value_children(path, node, schema, where)
    _check_applicators(graph, where)


def _check_applicators(graph: dict, where: str) -> None:
    """Refuse a loop among same-value subschemas, and more than MAX_APPLICATORS of them
    applying to one value (counted as paths through the graph, which is what validation walks)."""
    applying: dict = {}  # path -> how many schemas apply when it does (itself included)
    for start in graph:
        if start in applying:
            continue
        stack, on_stack = [(start, iter(graph.get(start, ())))], {start}
        while stack:
            path, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_stack.discard(path)
                applying[path] = 1 + sum(applying.get(c, 1) for c in graph.get(path, ()))
                if applying[path] > MAX_APPLICATORS:
                    raise SchemaRefused(f"{where}: more than {MAX_APPLICATORS} subschemas would "
                                        "apply to one value (allOf/anyOf/oneOf/$ref fan out); "
                                        "simplify the schema")
            elif child in on_stack:
                shown = "#/" + "/".join(child) if child else "#"
                raise SchemaRefused(f"{where}: $ref {shown} loops back to itself without "
                                    "descending into the value; validation would never end")
            elif child not in applying and child in graph:
                on_stack.add(child)
                stack.append((child, iter(graph[child])))


MAX_STEPS = 50_000  # subschema applications one validation may make (~0.5 s at the most)


class TooCostly(ValueError):
    """Validating these parameters against this schema would take too long."""


_steps = threading.local()


@functools.lru_cache(maxsize=64)
def _budgeted(cls):
    """`cls` counting every subschema it applies: a schema can fan out as it descends
    (`properties.a.allOf: [$ref d1, $ref d1, $ref d1]` at each level: 3^depth), which no check of
    the schema alone bounds, so the validation itself is."""
    def descend(self, *args, **kwargs):
        _steps.left -= 1
        if _steps.left < 0:
            raise TooCostly(f"validating these parameters would apply more than {MAX_STEPS} "
                            "subschemas; the plan's schema fans out too much for them")
        yield from cls.descend(self, *args, **kwargs)
    with warnings.catch_warnings():  # jsonschema discourages subclassing its validators
        warnings.simplefilter("ignore", DeprecationWarning)
        return type(f"Budgeted{cls.__name__}", (cls,), {"descend": descend})


@functools.lru_cache(maxsize=256)
def _validator(schema_json: str):
    schema = json.loads(schema_json)
    return _budgeted(js_validators.validator_for(schema))(schema)


def first_error(schema: dict, parameters) -> Optional[js_exceptions.ValidationError]:
    """The most relevant way the parameters break the schema, or None; TooCostly when finding
    out would take more than MAX_STEPS subschema applications."""
    validator = _validator(json.dumps(schema, sort_keys=True, separators=(",", ":")))
    _steps.left = MAX_STEPS
    return js_exceptions.best_match(validator.iter_errors(parameters))
