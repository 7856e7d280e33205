"""The interpreter's run-time types: values carry their type, checked where they are used (value.go)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .errors import INTERPRETER_RUNTIME, ScriptError
from .values import ACCOUNT, ASSET, MONETARY, NUMBER, PORTION, STRING, Monetary, rat_string


class Acc(str):
    __slots__ = ()


class AssetName(str):
    __slots__ = ()


class Text(str):
    __slots__ = ()


def type_of(value: object) -> str:
    if isinstance(value, Acc):
        return ACCOUNT
    if isinstance(value, AssetName):
        return ASSET
    if isinstance(value, Text):
        return STRING
    if isinstance(value, Monetary):
        return MONETARY
    if isinstance(value, Fraction):
        return PORTION
    return NUMBER


def render(value: object) -> str:
    """Value.String(): what metadata stores."""
    if isinstance(value, Monetary):
        return f"{value.asset} {value.amount or 0}"
    if isinstance(value, Fraction):
        return rat_string(value)
    return str(value)


def expect(value: object, type_name: str) -> Any:
    if type_of(value) != type_name:
        raise ScriptError(
            INTERPRETER_RUNTIME,
            f"Invalid value received. Expecting value of type {type_name} (got {render(value)} instead)",
            phase="interpreter",
        )
    return value
