"""A list, count or aggregate request read as the release's controllers read it.

formancehq/ledger v2.4.6 ``internal/api/v2/common.go``: ``pit`` and ``oot`` (RFC 3339, Go's
errors), the filter from the ``query`` parameter or else the whole body, ``expand`` split on
commas; then, for a list, the page size (go-libs ``bunpaginate.GetPageSize``: an unsigned
32-bit decimal, 0 or empty for the default 15, clamped at 100) and ``sort=field[:asc|desc]``
(the field in snake case). A parse error of a first page is prefixed
``extracting paginated query: ``. With a ``cursor``, every other parameter and the body are
ignored but ``pageSize``, which defaults to the cursor's own (``internal/storage/common/cursor.go``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockserver.ledger.query import cursor, expression, godecode, gotime
from mockserver.ledger.query.cursor import ASC, DESC, Query
from mockserver.ledger.query.errors import Invalid
from mockserver.ledger.query.expression import Node

DEFAULT_PAGE_SIZE = 15
MAX_PAGE_SIZE = 100
_DECIMAL = re.compile(r"[0-9]+")


class Params:
    """The query string as Go's ``r.URL.Query()`` gives it: ``get`` is the first value."""

    def __init__(self, values: dict[str, list[str]]) -> None:
        self._values = values

    def get(self, name: str) -> str:
        found = self._values.get(name)
        return found[0] if found else ""

    def all(self, name: str) -> list[str]:
        return self._values.get(name, [])

    def flag(self, name: str) -> bool:
        """``api.QueryParamBool``: true for ``1`` or ``true`` in any case, false otherwise."""
        return self.get(name).lower() in ("1", "true")


@dataclass(frozen=True, slots=True)
class Scope:
    """``ResourceQuery``: what a count or an aggregate reads, and a list's filters."""

    pit: datetime | None
    oot: datetime | None
    builder: Node | None
    expand: tuple[str, ...]


def instant(raw: str) -> datetime | None:
    """A date parameter: absent or empty is none; Go's message otherwise."""
    if not raw:
        return None
    try:
        return gotime.parse(raw)
    except gotime.GoTimeError as exc:
        raise Invalid(str(exc)) from None


def filter_tree(params: Params, body: Any) -> Node | None:
    """The filter: ``query`` when given, else the body (bytes, text or JSON decoded upstream)."""
    text = params.get("query")
    if text:
        document = _decode(text)
    elif isinstance(body, bytes | bytearray | str):
        if not body:
            return None
        document = _decode(body)
    else:
        document = body
    return expression.parse(document)


def _decode(text: bytes | bytearray | str) -> Any:
    try:
        return godecode.decode_first(bytes(text) if isinstance(text, bytearray) else text)
    except godecode.GoJSONError as exc:
        raise Invalid(str(exc)) from None


def scope(params: Params, body: Any) -> Scope:
    """``getResourceQuery``: pit, oot, the filter, expand (errors unprefixed)."""
    pit = instant(params.get("pit"))
    oot = instant(params.get("oot"))
    builder = filter_tree(params, body)
    expand = tuple(part for value in params.all("expand") for part in value.split(","))
    return Scope(pit, oot, builder, expand)


def go_quote(text: str) -> str:
    """``strconv.Quote`` for the texts a query parameter holds."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() and char != "\x7f":
            out.append(char)
        elif ord(char) < 0x80:
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char, f"\\x{ord(char):02x}"))
        else:
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
    return "".join(out) + '"'


def group_level(raw: str) -> int:
    """``groupBy``: ``strconv.ParseInt(v, 10, 64)``, its errors as Go words them; 0 when absent."""
    if not raw:
        return 0
    if not re.fullmatch(r"[+-]?[0-9]+", raw):
        raise Invalid(f"strconv.ParseInt: parsing {go_quote(raw)}: invalid syntax")
    value = int(raw)
    if not -(2**63) <= value < 2**63:
        raise Invalid(f"strconv.ParseInt: parsing {go_quote(raw)}: value out of range")
    return value


def page_size(params: Params, default: int) -> int:
    """``GetPageSize``: the request's size, ``default`` when absent or 0, at most 100."""
    raw = params.get("pageSize")
    if not raw:
        return default
    if not _DECIMAL.fullmatch(raw) or int(raw) > 2**32 - 1:
        raise Invalid("invalid 'pageSize' query param")
    size = int(raw)
    if size == 0:
        return default
    return min(size, MAX_PAGE_SIZE)


def to_snake(name: str) -> str:
    """iancoleman/strcase v0.3.0 ``ToSnake``: ``firstUsage`` -> ``first_usage``, ``ID`` -> ``id``."""
    text = name.strip()
    out = []
    for index, char in enumerate(text):
        upper, lower = "A" <= char <= "Z", "a" <= char <= "z"
        low = char.lower() if upper else char
        if index + 1 < len(text):
            following = text[index + 1]
            digit = "0" <= char <= "9"
            next_upper, next_lower = "A" <= following <= "Z", "a" <= following <= "z"
            next_digit = "0" <= following <= "9"
            if (
                (upper and (next_lower or next_digit))
                or (lower and (next_upper or next_digit))
                or (digit and (next_upper or next_lower))
            ):
                if upper and next_lower and index > 0 and "A" <= text[index - 1] <= "Z":
                    out.append("_")
                out.append(low)
                if lower or digit or next_digit:
                    out.append("_")
                continue
        out.append("_" if char in " _-." else low)
    return "".join(out)


def initial(
    params: Params,
    body: Any,
    column: str,
    order: int,
    *,
    opts: Any = None,
    adjust: Callable[[Scope], Scope] | None = None,
) -> Query:
    """A first page's query (``getPaginatedQuery``); errors prefixed as the release does."""
    try:
        found = scope(params, body)
        if adjust is not None:
            found = adjust(found)
        size = page_size(params, DEFAULT_PAGE_SIZE)
        sort = params.get("sort")
        if sort:
            name, _, direction = sort.partition(":")
            column = to_snake(name)
            if ":" in sort:
                if direction.lower() == "desc":
                    order = DESC
                elif direction.lower() == "asc":
                    order = ASC
                else:
                    raise Invalid(f"invalid order: {direction}")
    except Invalid as exc:
        raise exc.prefixed("extracting paginated query: ") from None
    return Query(column, order, size, found.pit, found.oot, found.builder, found.expand, opts)


def paginated(
    params: Params,
    body: Any,
    column: str,
    order: int,
    *,
    opts: Any = None,
    adjust: Callable[[Scope], Scope] | None = None,
    accept_null_sets: bool = False,
) -> Query:
    """The page a list request asks for: its cursor's, or a first page."""
    token = params.get("cursor")
    if not token:
        return initial(params, body, column, order, opts=opts, adjust=adjust)
    query = cursor.decode(token, accept_null_sets=accept_null_sets)
    return query.but(page_size=page_size(params, query.page_size))
