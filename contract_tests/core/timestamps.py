"""RFC 3339 timestamps as the contract spells them (nanoseconds allowed), compared with 1 µs tolerance."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

__all__ = ["TOLERANCE", "not_after", "parse_timestamp"]

TOLERANCE = timedelta(microseconds=1)

_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$")


def parse_timestamp(value: object) -> datetime | None:
    """Parse an RFC 3339 string (fraction truncated to µs); None when it is not one."""
    return _parse(value) if isinstance(value, str) else None


@lru_cache(maxsize=4096)  # one resource's instants are read again and again (every read, list, history)
def _parse(value: str) -> datetime | None:
    match = _RFC3339.match(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    if zone in ("Z", "z"):
        tz = UTC
    else:
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micros, tzinfo=tz)
    except ValueError:
        return None


def not_after(earlier: object, later: object) -> bool:
    """True when both parse and `earlier <= later` (within tolerance), or when either is absent."""
    first, second = parse_timestamp(earlier), parse_timestamp(later)
    if first is None or second is None:
        return True
    return first <= second + TOLERANCE
