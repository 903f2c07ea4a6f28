"""JSON encoding where the ESM encodes on every request (stored records, the parameters' size):
orjson, several times faster than the standard library's C encoder, for the values it encodes
exactly as `json` would (compact, UTF-8); the standard library for the rest (integers beyond
64 bits, non-string keys, lone surrogates, datetimes and other objects a default= handles),
which orjson refuses with a TypeError. Decoding stays with `json`: orjson reads integers beyond
64 bits as floats, and the strict body parse (esm/protocol.py) words its errors its own way.
NaN and Infinity, which orjson writes as null, never reach here: request bodies refuse them."""
from __future__ import annotations

import json
from typing import Any, Callable

import orjson

# anything but plain JSON values goes to the fallback, as with json.dumps
_PLAIN_ONLY = (orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
               | orjson.OPT_PASSTHROUGH_SUBCLASS)
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any, fallback: Callable[[Any], str] = _COMPACT.encode) -> bytes:
    """value as UTF-8 JSON; `fallback` (value -> str) encodes what orjson does not."""
    try:
        return orjson.dumps(value, option=_PLAIN_ONLY)
    except TypeError:  # orjson.JSONEncodeError is one
        return fallback(value).encode("utf-8")


def dumps_text(value: Any) -> str:
    """value as compact JSON text (not ASCII-escaped), as stored."""
    try:
        return orjson.dumps(value, option=_PLAIN_ONLY).decode("utf-8")
    except TypeError:
        return _COMPACT.encode(value)
