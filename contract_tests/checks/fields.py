"""Comparing two views of one resource field by field, the way every "views agree" check does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from contract_tests.core.errors import Violation
from contract_tests.core.timestamps import parse_timestamp

__all__ = ["differing", "raise_if_differ", "same"]


def same(expected: Any, actual: Any) -> bool:
    """Equal, with two timestamps equal when they name the same instant (however they are written)."""
    first, second = parse_timestamp(expected), parse_timestamp(actual)
    if first is not None and second is not None:
        return abs((first - second).total_seconds()) <= 1e-6
    return expected == actual


def differing(expected: dict[str, Any], actual: dict[str, Any], fields: Iterable[str]) -> list[str]:
    return [f for f in fields if not same(expected.get(f), actual.get(f))]


def raise_if_differ(title: str, expected: dict[str, Any], actual: dict[str, Any], fields: Iterable[str]) -> None:
    """A Violation naming the fields in which ``actual`` differs from ``expected`` (none: nothing)."""
    wrong = differing(expected, actual, fields)
    if wrong:
        raise Violation(
            f"{title} {', '.join(wrong)}",
            expected=str({f: expected.get(f) for f in wrong}),
            actual=str({f: actual.get(f) for f in wrong}),
            kind=",".join(wrong),
        )
