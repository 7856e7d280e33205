"""Escaping for the inspector's HTML: the one way a value gets into the page."""

from __future__ import annotations

from html import escape
from typing import Any

import orjson


def esc(value: Any) -> str:
    """Text or attribute value, escaped; non-strings are shown as compact JSON."""
    if not isinstance(value, str):
        value = orjson.dumps(value).decode()
    return escape(value, quote=True)
