"""Go-flavoured views of Python values: type names, ``fmt`` and ``encoding/json`` number formatting.

The value model mirrors what expr-lang sees when it runs on a JSON payload:

=============  ==========================  ====================================================
Go             Python                      note
=============  ==========================  ====================================================
nil            ``None``
bool           ``bool``
int            ``int``                     literals, ``len()``, ``int()``; kept in int64 range
float64        ``float``                   every JSON number of a payload
string         ``str``
[]interface{}  ``list``
map[string]…   ``dict``
=============  ==========================  ====================================================
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from mockserver.orchestration.expr.errors import ExprRuntimeError

__all__ = [
    "MAX_INT",
    "MIN_INT",
    "go_quote",
    "go_sprint",
    "go_type",
    "import_value",
    "json_float",
    "to_var_string",
    "wrap_int",
]

MAX_INT = 2**63 - 1
MIN_INT = -(2**63)


def wrap_int(value: int) -> int:
    """Go's int is 64 bits and wraps on overflow; Python's would grow without bound."""
    if MIN_INT <= value <= MAX_INT:
        return value
    return ((value - MIN_INT) % 2**64) + MIN_INT


def go_type(value: Any) -> str:
    """The ``%T`` of a value, as expr-lang's error messages show it."""
    if value is None:
        return "<nil>"
    kind = type(value)
    if kind is bool:
        return "bool"
    if kind is int:
        return "int"
    if kind is float:
        return "float64"
    if kind is str:
        return "string"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if callable(value):
        return "func(...interface {}) (interface {}, error)"
    return kind.__name__


def import_value(value: Any) -> Any:
    """Bring a host value into the expression world: every number becomes a float64, as JSON does.

    Returns the very same object when nothing needs converting, so payloads decoded with
    ``json.loads(..., parse_int=float)`` cost one walk and no copy.
    """
    kind = type(value)
    if kind is str or kind is float or kind is bool or value is None:
        return value
    if kind is int:
        try:
            return float(value)
        except OverflowError:
            raise ExprRuntimeError(f"number {value} is out of range for float64") from None
    if kind is dict:
        changed: dict[Any, Any] | None = None
        for key, item in value.items():
            new = import_value(item)
            if new is not item and changed is None:
                changed = dict(value)
            if changed is not None:
                changed[key] = new
        return value if changed is None else changed
    if kind is list or kind is tuple:
        items = [import_value(item) for item in value]
        if kind is list and all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return items
    if isinstance(value, Mapping):
        return import_value(dict(value))
    return value


def _digits(x: float) -> tuple[str, int]:
    """Shortest round-trip digits of abs(x) and the decimal point position: 0.DIGITS x 10**dp."""
    text = repr(abs(x))
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    dp = len(whole) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    dp -= len(digits) - len(stripped)
    stripped = stripped.rstrip("0")
    if not stripped:
        return "0", 1
    return stripped, dp


def _format_e(digits: str, dp: int) -> str:
    exp = dp - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def _format_f(digits: str, dp: int) -> str:
    if dp <= 0:
        return "0." + "0" * -dp + digits
    if dp >= len(digits):
        return digits + "0" * (dp - len(digits))
    return digits[:dp] + "." + digits[dp:]


def _special(x: float) -> str | None:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    return None


def go_float(x: float) -> str:
    """``fmt.Sprint(float64)``: shortest %g, exponent form from 1e+06 up and below 1e-04."""
    special = _special(x)
    if special is not None:
        return special
    sign = "-" if math.copysign(1.0, x) < 0 else ""
    digits, dp = _digits(x)
    if x == 0:
        return sign + "0"
    exp = dp - 1
    if exp < -4 or exp >= 6:
        return sign + _format_e(digits, dp)
    return sign + _format_f(digits, dp)


def json_float(x: float) -> str:
    """``encoding/json`` form of a float64: 1200000, 1.5, 1e+21, 1e-7; NaN and Inf are errors."""
    if _special(x) is not None:
        raise ExprRuntimeError(f"json: unsupported value: {go_float(x)}")
    sign = "-" if math.copysign(1.0, x) < 0 else ""
    if x == 0:
        return sign + "0"
    digits, dp = _digits(x)
    if abs(x) < 1e-6 or abs(x) >= 1e21:
        text = _format_e(digits, dp)
        # Go's encoder trims a leading zero from a negative exponent (e-07 -> e-7).
        if text[-4:-1] == "e-0":
            text = text[:-2] + text[-1]
        return sign + text
    return sign + _format_f(digits, dp)


def go_sprint(value: Any) -> str:
    """``fmt.Sprint`` of a value, the form of ``string(x)`` and of lists and maps in vars."""
    if value is None:
        return "<nil>"
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        return go_float(value)
    if isinstance(value, list | tuple):
        return "[" + " ".join(go_sprint(item) for item in value) + "]"
    if isinstance(value, Mapping):
        # fmt prints maps with their keys sorted.
        pairs = sorted(((go_sprint(k), go_sprint(v)) for k, v in value.items()), key=lambda kv: kv[0])
        return "map[" + " ".join(f"{k}:{v}" for k, v in pairs) + "]"
    return str(value)


def to_var_string(value: Any) -> str:
    """Turn a trigger var's value into the string passed to the workflow (BEHAVIOR 7.3).

    Raises ExprRuntimeError for NaN and infinities, which the real service cannot encode.
    """
    try:
        if type(value) is float:
            return json_float(value)
        return go_sprint(value)
    except RecursionError:
        raise ExprRuntimeError("value is too deeply nested") from None


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(text: str) -> str:
    """``strconv.Quote``-like quoting used by expr-lang in token descriptions."""
    out = ['"']
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)
