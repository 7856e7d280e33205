"""Stage resolution: a raw stage object plus run variables become typed values (§4, §5.2).

The real service maps the JSON of a stage onto a Go struct, field by field, with its own
rules per target type; this module reproduces those rules over a small schema
description (``Field``/``Struct``) so errors read exactly like the real ones, with the Go
field names nested: ``resolving field 'Amount': resolving field 'Amount': unable to parse
'abc' as big int``.

Interpolation: every ``${name}`` in a *string* value becomes the variable's value, and a
missing variable becomes ``""`` (never an error). An empty result then falls back to the
field's default. Map keys and non-string JSON values are never interpolated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from mockserver.core.timefmt import parse_rfc3339
from mockserver.orchestration.engine.gotypes import go_int64, go_type_name, parse_duration

_PLACEHOLDER = re.compile(r"\$\{[^}]+\}")
_BIG_INT = re.compile(r"^[+-]?\d+$")


class Kind(Enum):
    """Target types of the Go structs, named as in Go."""

    STRING = "string"
    OPT_STRING = "*string"
    BIG_INT = "*big.Int"
    DURATION = "*Duration"
    DATE = "*time.Time"
    BOOL = "bool"
    STRING_MAP = "map[string]string"
    STRUCT = "struct"
    EMBEDDED = "embedded struct"


@dataclass(frozen=True, slots=True)
class Field:
    """One Go struct field: its Go name (used in errors), JSON key, kind and tags."""

    go_name: str
    key: str
    kind: Kind
    default: str = ""
    pointer: bool = False  # for STRUCT: ``*T`` (absent allowed) rather than ``T`` (object required)
    omitempty: bool = False
    struct: Struct | None = None


@dataclass(frozen=True, slots=True)
class Struct:
    """A Go struct type: its name and fields, in declaration (and JSON output) order."""

    name: str
    fields: tuple[Field, ...] = field(default_factory=tuple)


class ResolveError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def interpolate(text: str, variables: dict[str, str]) -> str:
    """Replace every ``${name}`` with its variable, or ``""`` when the variable is missing."""
    return _PLACEHOLDER.sub(lambda m: variables.get(m.group(0)[2:-1], ""), text)


def resolve(struct: Struct, raw: dict[str, Any] | None, variables: dict[str, str]) -> dict[str, Any]:
    """Map a raw stage object onto ``struct``; raises ResolveError with the real message."""
    return _resolve_struct(struct, raw or {}, variables)


def _resolve_struct(struct: Struct, raw: dict[str, Any], variables: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in struct.fields:
        if spec.kind is Kind.EMBEDDED:
            assert spec.struct is not None
            # Embedded structs share the parent's JSON object; their errors are not wrapped.
            out.update(_resolve_struct(spec.struct, raw, variables))
            continue
        try:
            out[spec.key] = _resolve_field(spec, raw.get(spec.key), variables)
        except ResolveError as exc:
            raise ResolveError(f"resolving field '{spec.go_name}': {exc.message}") from None
    return out


def _resolve_field(spec: Field, raw: Any, variables: dict[str, str]) -> Any:
    kind = spec.kind
    if kind is Kind.STRING:
        return _string(raw, spec.default, variables)
    if kind is Kind.OPT_STRING:
        return None if raw is None else _string(raw, spec.default, variables)
    if kind is Kind.BIG_INT:
        return _big_int(raw, variables)
    if kind is Kind.DURATION:
        return _duration(raw, spec.default, variables)
    if kind is Kind.DATE:
        return _date(raw, variables)
    if kind is Kind.BOOL:
        return _bool(raw, spec.default, variables)
    if kind is Kind.STRING_MAP:
        return _string_map(raw, variables)
    assert spec.struct is not None
    if raw is None and spec.pointer:
        return None
    if not isinstance(raw, dict):
        raise ResolveError(f"expected map but was {go_type_name(raw)}")
    return _resolve_struct(spec.struct, raw, variables)


def _string(raw: Any, default: str, variables: dict[str, str]) -> str:
    if raw is None:
        return default
    if not isinstance(raw, str):
        raise ResolveError(f"expected string but was {go_type_name(raw)}")
    return interpolate(raw, variables) or default


def _big_int(raw: Any, variables: dict[str, str]) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        text = interpolate(raw, variables)
        if text == "":
            return None
        if not _BIG_INT.match(text):
            raise ResolveError(f"unable to parse '{text}' as big int")
        return int(text)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # Every JSON number reaches the Go code as a float64, truncated to an int64.
        return go_int64(raw)
    raise ResolveError(f"expected big int or interpolated string but was {go_type_name(raw)}")


def _duration(raw: Any, default: str, variables: dict[str, str]) -> int | None:
    """Nanoseconds. A present but empty string yields 0, not "unset": the Go code allocates
    the pointer before looking at the value, so ``"duration": "${missing}"`` waits 0s."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ResolveError(f"expected uint or interpolated string but was {go_type_name(raw)}")
    text = interpolate(raw, variables) or default
    if text == "":
        return 0
    try:
        return parse_duration(text)
    except ValueError:
        raise ResolveError("unable to resolve field 'Duration' to duration value") from None


def _date(raw: Any, variables: dict[str, str]) -> Any:
    """An empty string leaves the date unset (BEHAVIOR §4), so ``"timestamp": "${t}"`` is optional."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ResolveError(f"expected string but was {go_type_name(raw)}")
    text = interpolate(raw, variables)
    if text == "":
        return None
    try:
        return parse_rfc3339(text)
    except ValueError:
        raise ResolveError("expected date as rfc3339 format") from None


def _bool(raw: Any, default: str, variables: dict[str, str]) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw is None or isinstance(raw, str):
        text = (default if raw is None else interpolate(raw, variables)).lower()
        if text not in ("true", "false"):
            raise ResolveError("unable to resolve field 'bool' to bool value")
        return text == "true"
    raise ResolveError(f"expected uint or interpolated string but was {go_type_name(raw)}")


def _string_map(raw: Any, variables: dict[str, str]) -> dict[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ResolveError(f"expecting map, got type: {go_type_name(raw)}")
    out: dict[str, str] = {}
    for key, value in raw.items():
        # Values have no default and their errors carry no key name, as in the real service.
        out[str(key)] = _string(value, "", variables)
    return out
