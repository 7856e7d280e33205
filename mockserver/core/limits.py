"""How deeply a request document may nest: checked once, at the door.

The mock keeps what clients send (workflow stages, bus event payloads, fixtures) and
serialises it back later with orjson, which stops at 255 levels. A document nested
deeper than that used to be stored and then broke every later read of it (and every
list containing it) with a 500. Refusing it when it arrives, with a 400, keeps the
state presentable; ``MAX_DEPTH`` leaves room for the envelope around stored values.
"""

from __future__ import annotations

import re
from typing import Any

from mockserver.errors import ValidationError

MAX_DEPTH = 128

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPENERS = frozenset(b"[{")


def check_json_depth(raw: bytes, limit: int = MAX_DEPTH) -> None:
    """Raise ValidationError when the JSON text ``raw`` nests deeper than ``limit``.

    Scans brackets outside strings, without parsing: malformed text may be miscounted,
    which is harmless because the parser that runs next refuses it anyway.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return  # cannot nest deeper than it has openers: the common case, without a scan
    skeleton = _STRINGS.sub(b"", raw).translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in skeleton:
        depth += 1 if byte in _OPENERS else -1
        if depth > limit:
            raise ValidationError(f"request body is nested deeper than {limit} levels")


def check_depth(value: Any, limit: int = MAX_DEPTH, *, what: str = "document") -> None:
    """Raise ValidationError when a parsed document nests deeper than ``limit`` (no recursion)."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth + 1 > limit:
            raise ValidationError(f"{what} is nested deeper than {limit} levels")
        pending.extend((child, depth + 1) for child in children)
