"""Connexion's validators build a fresh JSON Schema validator (for parameters after a deep copy
of the parameter) for every parameter and body of every request: over 40% of the time of a
fetch. Its validation middleware also builds, per request, two URI parsers, a parameter
validator, a media-type table and a body validator. The definitions never change while the app
runs, so each is built once (per operation, and per content type for bodies)."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl

import fastjsonschema
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.json_schema import Draft4RequestValidator
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.utils import boolean, is_null, is_nullable
from connexion.validators import VALIDATOR_MAP, JSONRequestBodyValidator
from connexion.validators.parameter import ParameterValidator, draft4_format_checker
from jsonschema import Draft4Validator, ValidationError

from esm.protocol import PARSED_JSON_BODY
from esm.validation_errors import describe, most_telling

_NOTES = {"type", "description", "example"}
_STRING_KEYS = _NOTES | {"minLength", "maxLength", "pattern"}


class _StringCheck:
    """The common parameter schema (a string with length bounds and a pattern), checked
    directly instead of through a generic JSON Schema validator."""

    def __init__(self, schema: dict):
        self.min = schema.get("minLength", 0)
        self.max = schema.get("maxLength")
        self.pattern = re.compile(schema["pattern"]) if "pattern" in schema else None

    def is_valid(self, value) -> bool:
        return (isinstance(value, str) and len(value) >= self.min
                and (self.max is None or len(value) <= self.max)
                and (self.pattern is None or self.pattern.search(value) is not None))


def _parameter_check(param: dict):
    """A compiled check of one parameter's schema (is_valid(value) -> bool)."""
    schema = param.get("schema", param)
    if schema.get("type") == "string" and set(schema) <= _STRING_KEYS:
        return _StringCheck(schema)
    return Draft4Validator(schema, format_checker=draft4_format_checker)


# how Connexion's URI parser casts a parameter before its schema is checked
_CASTS = {"integer": int, "number": float, "boolean": boolean}
_PLAIN_STYLE = {"path": "simple", "query": "form", "header": "simple"}


def _value_check(param: dict, check):
    """value (str) -> bool, as Connexion's parser and validator together decide it for a
    parameter of a scalar type; None for anything else (arrays, objects, styles)."""
    schema = param.get("schema", param)
    kind = schema.get("type", "string")
    if param.get("style", _PLAIN_STYLE.get(param["in"])) != _PLAIN_STYLE.get(param["in"]):
        return None
    if kind == "string":
        return check.is_valid
    cast = _CASTS.get(kind)
    if cast is None:
        return None

    def valid(value: str) -> bool:
        try:
            return check.is_valid(cast(value))
        except (TypeError, ValueError):
            return False  # the slow path words the error
    return valid


class _OnePass:
    """All the parameters of one operation checked in one pass over the scope, for the common
    case that every one is valid. It only ever says yes or "don't know": whatever it does not
    accept goes through Connexion's own validation, which decides and words the error."""

    def __init__(self, parameters: dict, checks: dict, strict: bool, security_query: set):
        self.usable = set(parameters) <= {"path", "query", "header"}
        self.path, self.query, self.headers = [], {}, []
        self.required_query = set()
        self.known_query = None
        for where, params in parameters.items():
            for param in params:
                check = _value_check(param, checks[id(param)]) if self.usable else None
                if check is None:
                    self.usable = False
                    continue
                if where == "path":
                    self.path.append((param["name"].replace("-", "_"), check))
                elif where == "query":
                    self.query[param["name"]] = check
                    if param.get("required"):
                        self.required_query.add(param["name"])
                else:
                    self.headers.append((param["name"].lower().encode("latin-1"), check,
                                         bool(param.get("required"))))
        if strict:
            self.known_query = set(self.query) | security_query

    def accepts(self, scope) -> bool:
        path_params = scope.get("path_params") or {}
        for name, check in self.path:
            value = path_params.get(name)
            if value is None or not check(value):
                return False
        if self.query or self.known_query is not None or self.required_query:
            raw = scope.get("query_string", b"")
            query = dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True)) if raw else {}
            if self.known_query is not None and not query.keys() <= self.known_query:
                return False
            if not self.required_query <= query.keys():
                return False
            for name, value in query.items():
                check = self.query.get(name)
                if check is not None and not check(value):
                    return False
        if self.headers:
            headers: dict[bytes, bytes] = {}
            for name, value in scope["headers"]:  # the first of repeated headers, as below
                headers.setdefault(name, value)
            for name, check, required in self.headers:
                value = headers.get(name)
                if value is None:
                    if required:
                        return False
                elif not check(value.decode("latin-1")):
                    return False
        return True


class CachedParameterValidator(ParameterValidator):
    """Built once per operation (CachedRequestValidationOperation), its checks with it. A
    request whose parameters are all valid is let through by one pass over its scope (_OnePass:
    Connexion's own pass builds a request object, parses the query and checks 14 parameters
    one by one, a quarter of a fetch); any other goes through Connexion's validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # by identity: validate_request hands back the very parameter dicts grouped here
        self._checks = {id(p): _parameter_check(p)
                        for params in self.parameters.values() for p in params}
        self._one_pass = _OnePass(self.parameters, self._checks, self.strict_validation,
                                  self.security_query_params)

    def validate(self, scope):
        if self._one_pass.usable and self._one_pass.accepts(scope):
            return
        super().validate(scope)

    def validate_query_parameter_list(self, request, security_params=None):
        # Connexion names unknown parameters in the order of a set, which the hash seed
        # changes from one process to the next: a 400's description must not
        return sorted(super().validate_query_parameter_list(request, security_params=security_params))

    def validate_request(self, request):
        # one pass over the raw headers instead of a scan per header parameter; the first of
        # repeated headers wins, as with Starlette's Headers.get
        self._headers: dict[str, str] = {}
        for name, value in request.scope["headers"]:
            self._headers.setdefault(name.decode("latin-1"), value.decode("latin-1"))
        super().validate_request(request)

    def validate_header_parameter(self, param, request):
        return self.validate_parameter("header", self._headers.get(param["name"].lower()), param)

    def validate_parameter(self, parameter_type, value, param, param_name=None):
        if is_nullable(param) and is_null(value):
            return None
        if value is not None:
            if self._checks[id(param)].is_valid(value):
                return None
            try:  # invalid: find which rule it breaks
                Draft4Validator(param.get("schema", param)).validate(value)
            except ValidationError as exception:
                return describe(exception, f"{parameter_type} parameter {param['name']}")
            return None
        if param.get("required"):
            return f"Missing {parameter_type} parameter '{param['name']}'"
        return None


def _fast_check(schema: dict):
    """The schema compiled to Python by fastjsonschema (draft 4, never filling in defaults), or
    None when it cannot compile it. It only ever accepts: what it refuses goes to jsonschema,
    which decides (Connexion's draft-4 dialect also knows `nullable` and `readOnly`) and words
    the error. So it must never accept what jsonschema refuses: it is at least as strict for
    every keyword api.yaml uses in request bodies (no formats, no readOnly there)."""
    try:
        return fastjsonschema.compile({**schema, "$schema": "http://json-schema.org/draft-04/schema#"},
                                      use_default=False, use_formats=False)
    except fastjsonschema.JsonSchemaDefinitionException:
        return None


class CachedJSONBodyValidator(JSONRequestBodyValidator):
    """Built once per operation and content type (CachedRequestValidationOperation): the
    schema is compiled with it, and bodies are checked by generated code before the generic
    validator."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._compiled = Draft4RequestValidator(self._schema,
                                                format_checker=Draft4Validator.FORMAT_CHECKER)
        self._fast_check = _fast_check(self._schema)

    @property
    def _validator(self):
        return self._compiled

    async def wrap_receive(self, receive, *, scope):
        """Connexion reads the body from `receive` into a stream, parses it and wraps `receive`
        again to replay what it read. When the protocol layer already read and parsed the body
        (and `receive` replays exactly those bytes), and Content-Length says there is one (else
        Connexion validates the schema's default instead), the parsed value is validated as
        Connexion would, and `receive` is handed on as it is: it replays the same bytes."""
        parsed = scope.get(PARSED_JSON_BODY)
        if parsed is not None and not self.MUTABLE_VALIDATION and \
                self._encoding.lower() in ("utf-8", "utf8"):
            length = next((value for name, value in scope["headers"] if name == b"content-length"),
                          b"")
            if length.isdigit() and int(length):
                body = parsed[1]
                if not (body is None and self._nullable):
                    self._validate(body)
                return receive, scope
        return await super().wrap_receive(receive, scope=scope)

    async def _parse(self, stream, scope):
        """The value the protocol layer parsed from the same bytes, when it did; else Connexion's parse."""
        body = b"".join([chunk async for chunk in stream])
        parsed = scope.get(PARSED_JSON_BODY)
        if parsed is not None and parsed[0] == body and self._encoding.lower() in ("utf-8", "utf8"):
            return parsed[1]

        async def again():
            yield body
        return await super()._parse(again(), scope)

    def _validate(self, body):
        if body is not None and self._fast_check is not None:
            try:
                self._fast_check(body)
                return None
            except fastjsonschema.JsonSchemaValueException:
                pass
        if body is None:
            return super()._validate(body)
        error = most_telling(self._validator.iter_errors(body))  # into oneOf/anyOf branches
        if error is not None:
            raise BadRequestProblem(detail=describe(error, "the body"))
        return None


VALIDATORS = {**VALIDATOR_MAP, "parameter": CachedParameterValidator,
              "body": MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": CachedJSONBodyValidator})}


class CachedRequestValidationOperation(RequestValidationOperation):
    """Connexion's request validation of one operation, with its validators built once."""
    MAX_CACHED_CONTENT_TYPES = 8  # the header is the client's: keep the cache bounded

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        op = self._operation
        self._parameter_validator = self._validator_map["parameter"](
            op.parameters, uri_parser=op._uri_parser_class(op.parameters, op.body_definition()),
            strict_validation=self.strict_validation, security_query_params=self.security_query_params)
        self._body_validators: dict[tuple[str, str], object] = {}
        self._by_header: dict[object, object] = {}  # raw Content-Type value (or None) -> validator

    def _body_validator(self, mime_type: str, encoding: str):
        """The body validator for this content type (None: nothing to validate), after checking
        that the operation accepts it."""
        key = (mime_type, encoding)
        if key in self._body_validators:
            return self._body_validators[key]
        self.validate_mime_type(mime_type)
        validator = None
        schema = self._operation.body_schema(mime_type)
        validator_cls = self._validator_map["body"].get(mime_type) if schema else None
        if validator_cls is not None:
            op = self._operation
            validator = validator_cls(
                schema=schema, required=op.request_body.get("required", False),
                nullable=is_nullable(op.body_definition(mime_type)), encoding=encoding,
                strict_validation=self.strict_validation,
                uri_parser=op.uri_parser_class(op.parameters, op.body_definition()))
        if len(self._body_validators) < self.MAX_CACHED_CONTENT_TYPES:
            self._body_validators[key] = validator
        return validator

    def _body_validator_for(self, headers):
        """_body_validator for the request's Content-Type header, by its raw value: Connexion
        decodes and lower-cases every header name and parses the value on every request."""
        raw = next((value for name, value in headers if name.lower() == b"content-type"), None)
        if raw in self._by_header:
            return self._by_header[raw]
        validator = self._body_validator(*self.extract_content_type(
            [] if raw is None else [(b"content-type", raw)]))
        if len(self._by_header) < self.MAX_CACHED_CONTENT_TYPES:
            self._by_header[raw] = validator
        return validator

    async def __call__(self, scope, receive, send):
        self._parameter_validator.validate(scope)  # synchronous: one request at a time
        validator = self._body_validator_for(scope["headers"])
        if validator is not None:
            receive, scope = await validator.wrap_receive(receive, scope=scope)
        await self.next_app(scope, receive, send)


class _CachedRequestValidationAPI(RequestValidationAPI):
    def make_operation(self, operation) -> CachedRequestValidationOperation:
        return CachedRequestValidationOperation(
            self.next_app, operation=operation, strict_validation=self.strict_validation,
            validator_map=self.validator_map)


class CachedRequestValidationMiddleware(RequestValidationMiddleware):
    api_cls = _CachedRequestValidationAPI
