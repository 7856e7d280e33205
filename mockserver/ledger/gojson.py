"""JSON bytes exactly as Go's ``encoding/json`` writes them, for the hashes the ledger computes.

The log hash and the idempotency hash are SHA-256 digests of Go-encoded JSON
(formancehq/ledger v2.4.6 ``internal/log.go``, migration ``37-clean-database``), so a mock that
shows them must reproduce the bytes: compact, ``<``, ``>``, ``&``, U+2028 and U+2029 escaped,
other non-ASCII characters kept, big integers as digits. Struct fields keep their declared
order (callers build dicts in that order); Go sorts map keys, which ``sorted_map`` does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

_HTML = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_ESCAPED = re.compile("[<>&\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def sorted_map(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """A Go map as ``encoding/json`` orders it: keys by their UTF-8 bytes."""
    if not values:
        return {}
    return {key: values[key] for key in sorted(values, key=lambda k: k.encode("utf-8", "surrogatepass"))}


def dumps(value: Any) -> bytes:
    """``json.Marshal(value)``: compact Go JSON (no trailing newline)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    text = _ESCAPED.sub(lambda m: _HTML[m.group()], text)
    if _SURROGATE.search(text):  # Go writes invalid UTF-8 as the replacement character
        text = _SURROGATE.sub("\ufffd", text)
    return text.encode("utf-8")


# orjson's compact output is ``dumps``'s for these values, but for the characters Go escapes.
_GO_ESCAPES = tuple((char.encode(), escaped.encode()) for char, escaped in _HTML.items())
# orjson serialises these natively where ``json.dumps`` refuses them: refused here too, so ``dumps`` decides.
_STRICT = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS


def dumps_records(value: Any) -> bytes:
    """``dumps`` of a value with no float in it (the ledger's records as the presenter and the logs
    build them: strings, integers, booleans, null, objects and arrays), 20x faster. orjson writes
    these exactly as ``dumps`` does but for ``<``, ``>``, ``&``, U+2028 and U+2029, escaped after
    (they only ever stand inside strings); whatever orjson refuses (an integer beyond 64 bits, a
    lone surrogate, a key that is not a string, another type) goes to ``dumps``. Floats are the
    caller's to keep out: orjson writes their exponents its own way (``1e-7``, not ``1e-07``)."""
    try:
        out = orjson.dumps(value, option=_STRICT)
    except TypeError:
        return dumps(value)
    for char, escaped in _GO_ESCAPES:
        if char in out:
            out = out.replace(char, escaped)
    return out


def dumps_any(value: Any) -> bytes:
    """``dumps``, by way of ``dumps_records`` when ``value`` holds no float (a cursor's query: a
    filter may hold a number a client wrote with a fraction)."""
    return dumps(value) if _has_float(value) else dumps_records(value)


def _has_float(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_float(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_float(item) for item in value)
    return isinstance(value, float)


def encoder_line(value: Any, *, records: bool = False) -> bytes:
    """What ``json.NewEncoder(w).Encode(value)`` writes: the JSON and a newline (``records``: the
    value holds no float, see ``dumps_records``)."""
    return (dumps_records(value) if records else dumps(value)) + b"\n"


def stream(text: str) -> Iterator[Any]:
    """The values of a JSON stream as ``json.NewDecoder(r).Decode`` reads them one by one:
    whitespace between them, nothing else. A value that does not parse raises ValueError
    once the values before it have been handed out."""
    decoder = json.JSONDecoder()
    at = 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return
        try:
            value, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{exc.msg} at offset {exc.pos}") from None
        yield value
