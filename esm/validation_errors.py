"""One readable sentence for a JSON Schema validation error: the field and the rule it breaks,
never the validator's dump, and never the value itself (it may be huge, or hostile): only its
length or its JSON type. Used for bodies, path, query and header parameters."""
from __future__ import annotations

from typing import Optional

from jsonschema import ValidationError
from jsonschema.exceptions import best_match, relevance

_JSON_TYPES = ((bool, "a boolean"), (int, "a number"), (float, "a number"), (str, "a string"),
               (list, "an array"), (dict, "an object"), (type(None), "null"))
_ARTICLE = {"object": "an object", "array": "an array", "integer": "an integer",
            "string": "a string", "number": "a number", "boolean": "a boolean", "null": "null"}
MAX_NAME = 64  # field names come from the request: shown cut short


def _short(name: str) -> str:
    return name if len(name) <= MAX_NAME else name[:MAX_NAME] + "..."


def json_type(value) -> str:
    return next(text for cls, text in _JSON_TYPES if isinstance(value, cls))


def field_name(path) -> str:
    """`plans[0].id` for the path ["plans", 0, "id"]."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{_short(str(part))}" if text else _short(str(part)))
    return text


def _types(value) -> str:
    names = value if isinstance(value, list) else [value]
    return " or ".join(_ARTICLE.get(n, n) for n in names)


def _size(instance) -> str:
    if isinstance(instance, str):
        return f"{len(instance)} character{'' if len(instance) == 1 else 's'}"
    if isinstance(instance, (list, dict)):
        return f"{len(instance)} {'items' if isinstance(instance, list) else 'fields'}"
    return json_type(instance)


def describe(error: ValidationError, subject: str) -> str:
    """`subject` names what was validated (`the body`, `query parameter plan_id`); a body error
    names the field inside it."""
    path = list(error.absolute_path)
    field = f"{subject} field {field_name(path)}" if path else subject
    rule, value, instance = error.validator, error.validator_value, error.instance
    if rule == "required":
        missing = [p for p in value if isinstance(instance, dict) and p not in instance][:1]
        return f"{subject} field {field_name(path + (missing or ['?']))} is required"
    if rule == "type":
        if "parameter" in subject:  # parameters arrive as text: their JSON type says nothing
            return f"{field} must be {_types(value)}"
        return f"{field} must be {_types(value)}, not {json_type(instance)}"
    if rule == "pattern":
        return f"{field} ({_size(instance)}) must match {value}"
    if rule in ("minLength", "minItems", "minProperties"):
        return f"{field} must have at least {value} {_unit(rule, value)} (it has {_count(instance)})"
    if rule in ("maxLength", "maxItems", "maxProperties"):
        return f"{field} may have at most {value} {_unit(rule, value)} (it has {_count(instance)})"
    if rule in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
                 "exclusiveMaximum": "less than"}[rule]
        return f"{field} must be {bound} {value}"
    if rule == "enum":
        return f"{field} must be one of: {', '.join(str(v) for v in value)}"
    if rule == "additionalProperties" and isinstance(instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(_short(str(k)) for k in instance if k not in allowed)[:3]
        return f"{field} has fields it does not allow: {', '.join(extra)}"
    if rule == "format":
        return f"{field} must be a valid {value}"
    if rule == "uniqueItems":
        return f"{field} must not repeat items"
    if rule in ("oneOf", "anyOf") and error.context:
        return _no_form_fits(error, field, subject)
    return f"{field} does not satisfy its schema's {rule!r} rule"


def _no_form_fits(error: ValidationError, field: str, subject: str) -> str:
    """A value that fits none of the forms a oneOf/anyOf allows (best_match did not pick a
    branch): the types they take when it has none of them, else the first branch's own rule
    (a `not` only tells the branches apart)."""
    here = [e for e in error.context if list(e.absolute_path) == list(error.absolute_path)]
    if here and all(e.validator == "type" for e in here):
        types = [t for e in here for t in (e.validator_value if isinstance(e.validator_value, list)
                                           else [e.validator_value])]
        return f"{field} must be {_types(types)}, not {json_type(error.instance)}"
    telling = [e for e in error.context if e.validator not in ("not", "type")]
    if telling:
        return describe(telling[0], subject)
    return f"{field} fits none of the forms its schema accepts"


def _unit(rule: str, count) -> str:
    unit = {"minLength": "character", "maxLength": "character", "minItems": "item",
            "maxItems": "item", "minProperties": "field", "maxProperties": "field"}[rule]
    return unit if count == 1 else unit + "s"


def _count(instance) -> int:
    return len(instance) if isinstance(instance, (str, list, dict)) else 0


def _in_the_other_form(error: ValidationError) -> bool:
    """Whether the error is in a oneOf/anyOf branch whose `not` failed: the value is of another
    form (told apart by a field that form forbids), so what it lacks for that form says little."""
    parent = error.parent
    if parent is None or parent.validator not in ("oneOf", "anyOf"):
        return False
    branch = error.relative_schema_path[0]
    return any(e.validator == "not" and e.relative_schema_path[0] == branch for e in parent.context)


def most_telling(errors) -> Optional[ValidationError]:
    """jsonschema's best_match, descending into oneOf/anyOf branches of the value's own form."""
    return best_match(errors, key=lambda e: (_in_the_other_form(e), *relevance(e)))
