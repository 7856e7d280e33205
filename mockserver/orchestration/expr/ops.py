"""Runtime semantics of the operators, after expr-lang's ``vm/runtime`` helpers.

Helpers raise ExprRuntimeError without a position; the evaluator adds the position of the node that
called them. Messages are expr's own (``invalid operation: string + float64``, ``cannot fetch b from
<nil>``), since users read them in the v2 trigger test endpoint.
"""

from __future__ import annotations

import math
from typing import Any

from mockserver.orchestration.expr.errors import ExprRuntimeError
from mockserver.orchestration.expr.values import MAX_INT, MIN_INT, go_sprint, go_type, wrap_int

__all__ = [
    "MAX_STRING",
    "add",
    "as_bool_error",
    "as_str",
    "divide",
    "equal",
    "fetch",
    "member_in",
    "modulo",
    "multiply",
    "negate",
    "ordered",
    "power",
    "slice_of",
    "subtract",
    "to_int",
]

# A mock-specific guard: expr has no cap on string concatenation, but a 10k-character expression could
# otherwise concatenate a large payload string with itself a thousand times.
MAX_STRING = 10_000_000


def _invalid(op: str, a: Any, b: Any) -> ExprRuntimeError:
    return ExprRuntimeError(f"invalid operation: {go_type(a)} {op} {go_type(b)}")


def _iface(value: Any) -> str:
    return "nil" if value is None else go_type(value)


def as_str(value: Any) -> str:
    if type(value) is str:
        return value
    raise ExprRuntimeError(f"interface conversion: interface {{}} is {_iface(value)}, not string")


def as_bool_error(value: Any) -> ExprRuntimeError:
    return ExprRuntimeError(f"interface conversion: interface {{}} is {_iface(value)}, not bool")


def _is_number(value: Any) -> bool:
    kind = type(value)
    return kind is int or kind is float


def add(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is float and tb is float:
        return a + b
    if ta is int and tb is int:
        return wrap_int(a + b)
    if ta is str and tb is str:
        if len(a) + len(b) > MAX_STRING:
            raise ExprRuntimeError("memory budget exceeded")
        return a + b
    if _is_number(a) and _is_number(b):
        return float(a) + float(b)
    raise _invalid("+", a, b)


def subtract(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return wrap_int(a - b)
    if _is_number(a) and _is_number(b):
        return float(a) - float(b)
    raise _invalid("-", a, b)


def multiply(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return wrap_int(a * b)
    if _is_number(a) and _is_number(b):
        return float(a) * float(b)
    raise _invalid("*", a, b)


def divide(a: Any, b: Any) -> float:
    if not (_is_number(a) and _is_number(b)):
        raise _invalid("/", a, b)
    x, y = float(a), float(b)
    if y == 0.0:
        # IEEE division, as Go does it: no exception, an infinity or NaN.
        if x == 0.0 or math.isnan(x):
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def modulo(a: Any, b: Any) -> int:
    if type(a) is not int or type(b) is not int:
        raise _invalid("%", a, b)
    if b == 0:
        raise ExprRuntimeError("integer divide by zero")
    # Go truncates toward zero, so the remainder takes the dividend's sign.
    rest = abs(a) % abs(b)
    return -rest if a < 0 else rest


def _to_float(value: Any) -> float:
    if _is_number(value):
        return float(value)
    raise ExprRuntimeError(f"invalid operation: float({go_type(value)})")


def _odd_integer(y: float) -> bool:
    return math.isfinite(y) and y == math.floor(y) and abs(y) < 2**53 and int(y) % 2 == 1


def power(a: Any, b: Any) -> float:
    """``math.Pow``: always a float; overflow gives an infinity rather than an exception."""
    x, y = _to_float(a), _to_float(b)
    try:
        return math.pow(x, y)
    except OverflowError:
        return -math.inf if x < 0 and _odd_integer(y) else math.inf
    except ValueError:
        if x == 0.0:
            return -math.inf if math.copysign(1.0, x) < 0 and _odd_integer(y) else math.inf
        return math.nan


def negate(value: Any) -> Any:
    kind = type(value)
    if kind is int:
        return wrap_int(-value)
    if kind is float:
        return -value
    raise ExprRuntimeError(f"invalid operation: - {go_type(value)}")


def ordered(a: Any, b: Any, op: str) -> tuple[Any, Any]:
    """Operands of an ordering comparison made comparable (numbers with numbers, strings with strings)."""
    ta, tb = type(a), type(b)
    if ta is tb and (ta is float or ta is int or ta is str):
        return a, b
    if _is_number(a) and _is_number(b):
        return float(a), float(b)
    raise _invalid(op, a, b)


def equal(a: Any, b: Any) -> bool:
    ta, tb = type(a), type(b)
    if ta is tb:
        if ta is str or ta is float or ta is int or ta is bool or a is None:
            return a == b
        return _deep_equal(a, b)
    if _is_number(a) and _is_number(b):
        return float(a) == float(b)
    return False


def _deep_equal(a: Any, b: Any) -> bool:
    """``reflect.DeepEqual``: containers compare element by element with exact types (1 != 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_deep_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_deep_equal(v, b[k]) for k, v in a.items())
    if type(a) is float:
        return a == b
    return a is b or a == b


def _map_key(key: Any) -> str:
    if key is None:
        return ""
    if type(key) is str:
        return key
    reason = f"value of type {go_type(key)} is not assignable to type string"
    raise ExprRuntimeError(f"reflect.Value.MapIndex: {reason}")


def member_in(needle: Any, container: Any) -> bool:
    if container is None:
        return False
    if isinstance(container, list):
        return any(equal(item, needle) for item in container)
    if isinstance(container, dict):
        return _map_key(needle) in container
    raise ExprRuntimeError(f'operator "in" not defined on {go_type(container)}')


def to_int(value: Any) -> int:
    kind = type(value)
    if kind is int:
        return value
    if kind is float:
        # amd64 turns NaN, infinities and out-of-range floats into the minimum int64.
        if not math.isfinite(value) or not (MIN_INT <= value < MAX_INT):
            return MIN_INT
        return int(value)
    raise ExprRuntimeError(f"invalid operation: int({go_type(value)})")


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def fetch(obj: Any, key: Any) -> Any:
    """``obj[key]`` and ``obj.key``: maps give nil for a missing key, arrays accept negative indexes."""
    if isinstance(obj, dict):
        return obj.get(_map_key(key))
    if obj is None:
        raise ExprRuntimeError(f"cannot fetch {go_sprint(key)} from <nil>")
    is_str = type(obj) is str
    if isinstance(obj, list) or is_str:
        index = to_int(key)
        data: Any = obj if not is_str or obj.isascii() else _utf8(obj)
        size = len(data)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise ExprRuntimeError(f"index out of range: {index} (array length is {size})")
        item = data[index]
        # Indexing a Go string yields a byte, which expr hands back as a number.
        return ord(item) if is_str and type(item) is str else item
    raise ExprRuntimeError(f"cannot fetch {go_sprint(key)} from {go_type(obj)}")


def slice_of(obj: Any, start: Any, stop: Any) -> Any:
    is_str = type(obj) is str
    if not (isinstance(obj, list) or is_str):
        raise ExprRuntimeError(f"cannot slice {go_sprint(0 if start is None else start)}")
    data: Any = obj if not is_str or obj.isascii() else _utf8(obj)
    size = len(data)
    lo = 0 if start is None else to_int(start)
    hi = size if stop is None else to_int(stop)
    if lo < 0:
        lo = max(size + lo, 0)
    if hi < 0:
        hi = max(size + hi, 0)
    hi = min(hi, size)
    lo = min(lo, hi)
    part = data[lo:hi]
    if isinstance(part, bytes):
        return part.decode("utf-8", "replace")
    return part
