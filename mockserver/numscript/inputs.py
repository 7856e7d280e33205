"""Variables as the ledger's APIs hand them to the engine: a map of strings.

The v2 API (and the orchestration engine through it) may send JSON-typed values; the ledger turns each into
a string first, as internal/controller/ledger's ScriptV1.ToCore does (v2) or internal/api/v1's Script.ToCore
(v1). Both are reproduced here so the engine sees exactly the strings the release's engine sees.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .errors import INTERNAL, VALIDATION, ScriptError


def go_float(value: float) -> str:
    """fmt.Sprint of a float64 (%v): shortest digits, exponent form below 1e-4 or from 1e21."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    digits, exp = _shortest_digits(abs(value))
    if exp < -4 or exp >= 21:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{body}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp >= len(digits) - 1:
        return sign + digits + "0" * (exp - len(digits) + 1)
    if exp >= 0:
        return f"{sign}{digits[: exp + 1]}.{digits[exp + 1 :]}"
    return f"{sign}0.{'0' * (-exp - 1)}{digits}"


def _shortest_digits(value: float) -> tuple[str, int]:
    """The shortest round-tripping decimal digits of a positive float and its decimal exponent."""
    text = repr(value)
    if "e" in text:
        mantissa, exp_text = text.split("e")
        exp = int(exp_text)
    else:
        mantissa, exp = text, 0
    whole, _, frac = mantissa.partition(".")
    frac = frac.rstrip("0") if frac != "0" else ""
    digits = (whole + frac).lstrip("0")
    leading_zeros = len(whole + frac) - len((whole + frac).lstrip("0"))
    exp += len(whole) - 1 - leading_zeros
    return digits.rstrip("0") or "0", exp


def _go_sprint(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, int | float):
        return go_float(float(value))
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return "[" + " ".join(_go_sprint(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{_go_sprint(value[k])}" for k in sorted(value)) + "]"
    return str(value)


def _go_s(value: Any) -> str:
    """%s of a JSON-decoded value: strings as they are, anything else as Go's bad-verb marker."""
    if isinstance(value, str):
        return value
    if value is None:
        return "%!s(<nil>)"
    if isinstance(value, bool):
        return f"%!s(bool={'true' if value else 'false'})"
    if isinstance(value, int | float):
        return f"%!s(float64={go_float(float(value))})"
    return f"%!s({_go_sprint(value)})"


def normalize_vars(variables: Mapping[str, Any], *, api: str = "v2") -> dict[str, str]:
    """The map of strings the ledger's engine receives for `variables` sent to API `api` ("v2" or "v1").

    v2 (and bulk): a string is kept, {"asset", "amount"} becomes "ASSET amount" (a JSON number amount is
    truncated to an integer; an amount of another type drops the variable), anything else is fmt.Sprint'ed.
    v1: a string is kept, an object must hold a string asset and an integer amount; anything else makes the
    release's handler panic, which its API answers as a 500 (ScriptError INTERNAL here).
    """
    if api == "v1":
        return _normalize_v1(variables)
    result: dict[str, str] = {}
    for name, value in variables.items():
        if isinstance(value, str):
            result[name] = value
        elif isinstance(value, Mapping):
            amount = value.get("amount")
            if isinstance(amount, str):
                result[name] = f"{_go_s(value.get('asset'))} {amount}"
            elif isinstance(amount, int | float) and not isinstance(amount, bool):
                result[name] = f"{_go_s(value.get('asset'))} {int(float(amount))}"
        else:
            result[name] = _go_sprint(value)
    return result


def _normalize_v1(variables: Mapping[str, Any]) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, value in variables.items():
        if isinstance(value, str):
            result[name] = value
        elif isinstance(value, Mapping):
            asset, amount = value.get("asset"), value.get("amount")
            if not isinstance(asset, str):
                raise ScriptError(VALIDATION, "unmarshalling asset: json: cannot unmarshal into string", phase="")
            if isinstance(amount, bool) or not isinstance(amount, int):
                raise ScriptError(VALIDATION, "unmarshalling amount: math/big: cannot unmarshal", phase="")
            result[name] = f"{asset} {amount}"
        else:
            raise ScriptError(INTERNAL, f"variable {name}: neither a string nor an object", phase="")
    return result
