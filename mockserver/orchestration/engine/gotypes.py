"""Go value semantics the engine must reproduce: durations, RFC 3339 dates, type names.

The real service is written in Go, and several observable strings come straight from
Go's standard library (``time.Duration.String()``, ``%T`` in error messages). These
helpers give the same text so the mock's messages and history inputs match.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)

_UNITS_NS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,  # micro sign
    "\u03bcs": 1_000,  # Greek small mu, also accepted by Go
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60 * 1_000_000_000,
    "h": 3600 * 1_000_000_000,
}
_DURATION_PART = re.compile(r"(\d*)(?:\.(\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")


def go_type_name(value: Any) -> str:
    """What Go's ``%T`` prints for a value decoded from JSON into ``any``."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, dict):
        return "map[string]interface {}"
    return type(value).__name__


def parse_duration(text: str) -> int:
    """Parse a Go duration (``300ms``, ``1h30m``, ``-1.5s``) into nanoseconds.

    Same grammar as Go's ``time.ParseDuration``: an optional sign, then one or more
    decimal numbers each followed by a unit; a bare ``0`` is allowed; no ``d`` unit.
    Raises ValueError on anything else, including int64 overflow.
    """
    rest = text
    negative = False
    if rest[:1] in ("+", "-"):
        negative = rest[0] == "-"
        rest = rest[1:]
    if rest == "0":
        return 0
    if not rest:
        raise ValueError(f"invalid duration {text!r}")
    total = 0
    pos = 0
    while pos < len(rest):
        match = _DURATION_PART.match(rest, pos)
        if match is None or (not match.group(1) and not match.group(2)):
            raise ValueError(f"invalid duration {text!r}")
        whole, frac, unit = match.group(1) or "0", match.group(2) or "", _UNITS_NS[match.group(3)]
        total += int(whole) * unit
        if frac:
            # Go truncates the fraction to whole nanoseconds of the unit.
            total += int(frac) * unit // 10 ** len(frac)
        pos = match.end()
    if total > INT64_MAX + (1 if negative else 0):
        raise ValueError(f"invalid duration {text!r}")
    return -total if negative else total


def format_duration(ns: int) -> str:
    """Render nanoseconds as Go's ``time.Duration.String()`` does: ``1h0m0s``, ``1.5s``, ``300ms``."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    u = abs(ns)
    if u < 1_000_000_000:
        # Sub-second values use the largest unit that keeps a non-zero integer part.
        for unit, size in (("ms", 1_000_000), ("\u00b5s", 1_000), ("ns", 1)):
            if u >= size:
                return sign + _fraction(u, size) + unit
    seconds_part = _fraction(u % 60_000_000_000, 1_000_000_000) + "s"
    minutes = u // 60_000_000_000
    if minutes == 0:
        return sign + seconds_part
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return f"{sign}{minutes}m{seconds_part}"
    return f"{sign}{hours}h{minutes}m{seconds_part}"


def _fraction(value: int, size: int) -> str:
    whole, rem = divmod(value, size)
    if rem == 0:
        return str(whole)
    digits = len(str(size)) - 1
    return f"{whole}." + f"{rem:0{digits}d}".rstrip("0")


LATEST = datetime.max.replace(tzinfo=UTC)


def later(start: datetime, delta: timedelta) -> datetime:
    """``start + delta``, saturating at the latest representable instant instead of raising:
    a clock advanced by a huge amount must not crash the engine."""
    try:
        return start + delta
    except OverflowError:
        return LATEST if delta > timedelta(0) else datetime.min.replace(tzinfo=UTC)


def go_int64(number: int | float) -> int:
    """A JSON number as the real service sees it: a float64 truncated to an int64."""
    as_float = float(number)
    if math.isnan(as_float):
        return 0
    truncated = int(as_float)
    return max(INT64_MIN, min(INT64_MAX, truncated))
