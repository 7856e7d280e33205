"""The builtin functions of the subset, with expr-lang's compile-time checks and runtime behaviour."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockserver.orchestration.expr.errors import ExprRuntimeError
from mockserver.orchestration.expr.ops import as_str, to_int
from mockserver.orchestration.expr.values import MAX_INT, MIN_INT, go_sprint, go_type, wrap_int

__all__ = ["BUILTINS", "Builtin"]

# Static kinds, shared with the checker: "int", "float", "string", "bool", "nil", "array", "map", "any".
GO_NAMES = {
    "int": "int",
    "float": "float64",
    "string": "string",
    "bool": "bool",
    "array": "[]interface {}",
    "map": "map[string]interface {}",
}

# unicode.IsSpace, which strings.TrimSpace uses; Python's str.isspace also counts \x1c-\x1f.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
_GO_SPACE += "\u2028\u2029\u202f\u205f\u3000"
_ATOI = re.compile(r"[+-]?[0-9]+\Z")
_PARSE_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_INF_NAN = re.compile(r"[+-]?(?:inf|infinity|nan)\Z", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Builtin:
    name: str
    min_args: int
    max_args: int
    fn: Callable[..., Any]
    # Expected static kind of each parameter: a kind name, "number", "lenable", or "any".
    params: tuple[str, ...]
    # Static result kind; "same" means the kind of the first argument.
    result: str
    # expr validates some builtins with a custom function (its own messages), others by signature.
    validated: bool = False

    def check(self, kinds: list[str]) -> str:
        """Static check of a call; returns the result kind or raises ValueError with expr's message."""
        count = len(kinds)
        if self.validated and not self.min_args <= count <= self.max_args:
            raise ValueError(f"invalid number of arguments (expected {self.max_args}, got {count})")
        if count < self.min_args:
            raise ValueError(f"not enough arguments to call {self.name}")
        if count > self.max_args:
            raise ValueError(f"too many arguments to call {self.name}")
        for kind, want in zip(kinds, self.params, strict=False):
            if kind in ("any", "nil") or want == "any" or kind == want:
                continue
            if want == "number" and kind in ("int", "float"):
                continue
            if want == "lenable" and kind in ("string", "array", "map"):
                continue
            if want == "scalar" and kind in ("int", "float", "string"):
                continue
            if want == "int" and kind == "float":
                continue
            got, expected = GO_NAMES.get(kind, kind), GO_NAMES.get(want, want)
            if self.validated:
                raise ValueError(f"invalid argument for {self.name} (type {got})")
            raise ValueError(f"cannot use {got} as argument (type {expected}) to call {self.name}")
        if self.result == "same":
            return kinds[0] if kinds and kinds[0] in ("int", "float") else "any"
        return self.result


def _len(value: Any) -> int:
    if type(value) is str:
        return len(value) if value.isascii() else len(value.encode("utf-8", "surrogatepass"))
    if isinstance(value, list | dict):
        return len(value)
    raise ExprRuntimeError(f"invalid argument for len (type {go_type(value)})")


def _simple_case(text: str, convert: Callable[[str], str]) -> str:
    """Go maps case rune by rune ("ß" stays "ß"); Python may expand one character into two."""
    if text.isascii():
        return convert(text)
    out = []
    for ch in text:
        mapped = convert(ch)
        out.append(mapped if len(mapped) == 1 else ch)
    return "".join(out)


def _lower(value: Any) -> str:
    return _simple_case(as_str(value), str.lower)


def _upper(value: Any) -> str:
    return _simple_case(as_str(value), str.upper)


def _trim(value: Any, cutset: Any = None) -> str:
    text = as_str(value)
    return text.strip(_GO_SPACE if cutset is None else as_str(cutset))


def _int(value: Any) -> int:
    kind = type(value)
    if kind is int or kind is float:
        return to_int(value)
    if kind is str:
        if _ATOI.match(value):
            number = int(value)
            if MIN_INT <= number <= MAX_INT:
                return number
        raise ExprRuntimeError(f"invalid operation: int({value})")
    raise ExprRuntimeError(f"invalid operation: int({go_type(value)})")


def _float(value: Any) -> float:
    kind = type(value)
    if kind is int or kind is float:
        return float(value)
    if kind is str:
        if _INF_NAN.match(value):
            return float(value)
        if len(value) < 400 and _PARSE_FLOAT.match(value):
            number = float(value)
            if math.isfinite(number):
                return number
        raise ExprRuntimeError(f"invalid operation: float({value})")
    raise ExprRuntimeError(f"invalid operation: float({go_type(value)})")


def _abs(value: Any) -> Any:
    kind = type(value)
    if kind is int:
        return wrap_int(-value) if value < 0 else value
    if kind is float:
        return -value if value < 0 else value
    raise ExprRuntimeError(f"invalid argument for abs (type {go_type(value)})")


def _explode(text: str, limit: int) -> list[str]:
    chars = list(text)
    if 0 < limit < len(chars):
        return [*chars[: limit - 1], "".join(chars[limit - 1 :])]
    return chars


def _split(value: Any, sep: Any, limit: Any = None) -> list[str]:
    text, separator = as_str(value), as_str(sep)
    count = -1 if limit is None else to_int(limit)
    if count == 0:
        return []
    if separator == "":
        return _explode(text, count)
    return text.split(separator, count - 1 if count > 0 else -1)


def _join(items: Any, glue: Any = "") -> str:
    separator = as_str(glue)
    if not isinstance(items, list):
        raise ExprRuntimeError(f"invalid argument for join (type {go_type(items)})")
    return separator.join(as_str(item) for item in items)


def _has_prefix(value: Any, prefix: Any) -> bool:
    return as_str(value).startswith(as_str(prefix))


def _has_suffix(value: Any, suffix: Any) -> bool:
    return as_str(value).endswith(as_str(suffix))


BUILTINS: dict[str, Builtin] = {
    b.name: b
    for b in (
        Builtin("len", 1, 1, _len, ("lenable",), "int", validated=True),
        Builtin("lower", 1, 1, _lower, ("string",), "string"),
        Builtin("upper", 1, 1, _upper, ("string",), "string"),
        Builtin("trim", 1, 2, _trim, ("string", "string"), "string"),
        Builtin("int", 1, 1, _int, ("scalar",), "int", validated=True),
        Builtin("float", 1, 1, _float, ("scalar",), "float", validated=True),
        Builtin("string", 1, 1, go_sprint, ("any",), "string"),
        Builtin("abs", 1, 1, _abs, ("number",), "same", validated=True),
        Builtin("split", 2, 3, _split, ("string", "string", "int"), "array"),
        Builtin("join", 1, 2, _join, ("array", "string"), "string"),
        Builtin("hasPrefix", 2, 2, _has_prefix, ("string", "string"), "bool"),
        Builtin("hasSuffix", 2, 2, _has_suffix, ("string", "string"), "bool"),
    )
}
