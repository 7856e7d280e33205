"""Numscript values at run time, their string encodings in metadata, and how variable strings are parsed.

Run-time values are plain Python: account, asset and string are `str`, a number is `int`, a portion a
`Fraction`, a monetary a `Monetary`. Which of these a value is, is known when the script compiles, so
no tag travels with it. Rules from internal/machine/{json,portion,monetary}.go and pkg/{accounts,assets}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

ACCOUNT = "account"
ASSET = "asset"
NUMBER = "number"
STRING = "string"
MONETARY = "monetary"
PORTION = "portion"
TYPES = (ACCOUNT, ASSET, NUMBER, STRING, MONETARY, PORTION)

ACCOUNT_PATTERN = "^[a-zA-Z0-9_-]+(:[a-zA-Z0-9_-]+)*$"
ASSET_PATTERN = r"[A-Z][A-Z0-9]{0,16}(_[A-Z]{1,16})?(\/\d{1,6})?"
_ACCOUNT_RE = re.compile(r"[a-zA-Z0-9_-]+(?::[a-zA-Z0-9_-]+)*")
_ASSET_RE = re.compile(r"[A-Z][A-Z0-9]{0,16}(?:_[A-Z]{1,16})?(?:/[0-9]{1,6})?")
_PERCENT_RE = re.compile(r"([0-9]+)(?:[.]([0-9]+))?%")
# Go's \s is [\t\n\f\r ] (portion.go's fraction pattern).
_FRACTION_RE = re.compile(r"([0-9]+)[\t\n\f\r ]?/[\t\n\f\r ]?([0-9]+)")
_BIG_INT_BASE10 = re.compile(r"[+-]?[0-9]+")
_JSON_INTEGER = re.compile(r"[ \t\n\r]*(-?(?:0|[1-9][0-9]*))[ \t\n\r]*")

ONE = Fraction(1)
ZERO = Fraction(0)


@dataclass(frozen=True, slots=True)
class Monetary:
    """[ASSET amount]. `amount` is None only for the release's unresolved `balance()` quirk (see machine.py)."""

    asset: str
    amount: int | None


def is_valid_account(address: str) -> bool:
    return _ACCOUNT_RE.fullmatch(address) is not None


def is_valid_asset(asset: str) -> bool:
    return _ASSET_RE.fullmatch(asset) is not None


def rat_string(value: Fraction) -> str:
    """big.Rat's String(): always "a/b", even when b is 1."""
    return f"{value.numerator}/{value.denominator}"


def encode(type_name: str, value: object) -> str:
    """The string the machine stores in metadata for a value (json.go NewStringFromValue)."""
    if type_name == MONETARY:
        assert isinstance(value, Monetary)
        return f"{value.asset} {0 if value.amount is None else value.amount}"
    if type_name == PORTION:
        assert isinstance(value, Fraction)
        return rat_string(value)
    if type_name == NUMBER:
        return str(0 if value is None else value)
    return str(value)


class ValueError_(ValueError):
    """A variable's string that its type refuses; the text is the release's."""


def parse_portion(text: str) -> Fraction:
    """portion.go ParsePortionSpecific: "12.5%" or "1/8" (one optional space around '/'), within [0, 1]."""
    match = _PERCENT_RE.fullmatch(text)
    if match:
        integral, fractional = match.group(1), match.group(2) or ""
        value = Fraction(f"{integral}.{fractional}" if fractional else integral) / 100
    else:
        match = _FRACTION_RE.fullmatch(text)
        if not match:
            raise ValueError_("invalid format")
        if int(match.group(2)) == 0:
            raise ValueError_("invalid fractional format")
        value = Fraction(int(match.group(1)), int(match.group(2)))
    if value < 0 or value > 1:
        raise ValueError_("portion must be between 0% and 100% inclusive")
    return value


def parse_big_int(text: str) -> int | None:
    """big.Int SetString(s, 10): an optional sign and decimal digits, nothing else."""
    if _BIG_INT_BASE10.fullmatch(text) is None:
        return None
    return int(text)


def parse_json_number(text: str) -> int | None:
    """json.Unmarshal into a *big.Int: a JSON integer; JSON null leaves the number unset (None)."""
    match = _JSON_INTEGER.fullmatch(text)
    if match:
        return int(match.group(1))
    if text.strip(" \t\n\r") == "null":
        return None
    stripped = text.lstrip(" \t\n\r")
    if not stripped:
        raise ValueError_("unexpected end of JSON input")
    if re.fullmatch(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|\"[^\"\\]*\"|true|false", text.strip()):
        raise ValueError_(f"math/big: cannot unmarshal {go_quote(text.strip())} into a *big.Int")
    return _json_syntax_error(stripped)


def _json_syntax_error(text: str) -> int:
    first = text[0]
    if first in '-0123456789"tfn[{':
        raise ValueError_(f"invalid character {go_char(text[1:2] or ' ')} after top-level value")
    raise ValueError_(f"invalid character {go_char(first)} looking for beginning of value")


def go_char(char: str) -> str:
    return "'" + (char if char not in "'\\" else "\\" + char) + "'"


def go_quote(text: str) -> str:
    """Go's %q for plain printable text."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_machine_var(type_name: str, data: str) -> object:
    """json.go NewValueFromString: a variable's string as the machine reads it; ValueError_ with its text."""
    if type_name == ACCOUNT:
        if not is_valid_account(data):
            raise ValueError_(f"value {data}: accounts should respect pattern {ACCOUNT_PATTERN}")
        return data
    if type_name == ASSET:
        if not is_valid_asset(data):
            raise ValueError_(f"value {data}: asset should respect pattern '{ASSET_PATTERN}'")
        return data
    if type_name == NUMBER:
        return parse_json_number(data)
    if type_name == MONETARY:
        asset, space, raw_amount = data.partition(" ")
        if not space:
            raise ValueError_("monetary must have two parts")
        amount = parse_big_int(raw_amount)
        if amount is None:
            raise ValueError_("invalid monetary int")
        if not is_valid_asset(asset):
            raise ValueError_(
                f"value [{asset} {amount}]: asset '{asset}': asset should respect pattern '{ASSET_PATTERN}'"
            )
        if amount < 0:
            raise ValueError_(f"value [{asset} {amount}]: negative amount")
        return Monetary(asset, amount)
    if type_name == PORTION:
        return parse_portion(data)
    return data
