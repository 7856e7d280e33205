"""Instants as Go's RFC3339Nano writes them: UTC, ``Z``, trailing zeros of the fraction trimmed."""

from __future__ import annotations

import functools
from datetime import UTC, datetime


def rfc3339(value: datetime) -> str:
    """Four-digit years, microseconds at most; not cached, for instants rendered once (the
    request journal's, an engine's fresh stamp): they would only evict the others."""
    if value.utcoffset():  # an aware instant in another zone (a client's date): UTC first
        value = value.astimezone(UTC)
    text = value.replace(tzinfo=None).isoformat(timespec="microseconds")  # 10x faster than strftime
    return text.rstrip("0").rstrip(".") + "Z"


@functools.lru_cache(maxsize=1 << 16)
def timestamp(value: datetime) -> str:
    """``rfc3339``, cached: lists render the same few thousand instants over and over, and
    formatting is the costliest step of presenting an instance."""
    return rfc3339(value)
