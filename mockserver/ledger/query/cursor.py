"""A list request as the release carries it from page to page: the whole query, in the cursor.

formancehq/ledger v2.4.6 ``internal/storage/common/pagination.go`` and ``cursor.go``: the
cursor is the JSON of the paginated query in URL-safe base64 without padding. Its fields come
in the Go structs' order: ``column``, ``order`` (0 ASC, 1 DESC), ``pageSize``, ``filters``
(``pit``, ``oot``, ``qb`` the filter written back, ``expand`` when not empty, ``opts`` the
resource's options), then ``offset`` for offset pagination, or ``bottom``, ``paginationID``
and ``reverse`` for keyset pagination (dates as Unix microseconds). A cursor with a non-null
``offset`` is an offset cursor, any other a keyset one. Decoding errors are the release's:
base64's ``illegal base64 data at input byte N``, then ``invalid cursor: <JSON error>``.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import orjson

from mockserver.core.timefmt import rfc3339
from mockserver.ledger import gojson
from mockserver.ledger.query import expression, godecode, gotime
from mockserver.ledger.query.errors import Invalid
from mockserver.ledger.query.expression import Node

ASC, DESC = 0, 1
_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True, slots=True)
class Query:
    """One page's query (``InitialPaginatedQuery`` and its two paginated forms)."""

    column: str
    order: int  # ASC or DESC; a cursor may hold anything (lists.py refuses it)
    page_size: int
    pit: datetime | None = None
    oot: datetime | None = None
    builder: Node | None = None
    expand: tuple[str, ...] = ()
    opts: Any = None
    mode: str = "initial"  # "initial", then "offset" or "keyset"
    offset: int = 0
    bottom: int | None = None
    pagination_id: int | None = None
    reverse: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def but(self, **changes: Any) -> Query:
        """A copy with ``changes`` (``dataclasses.replace`` runs the frozen ``__init__``: three
        times a page, it was a tenth of a list's CPU)."""
        unknown = changes.keys() - _FIELDS
        if unknown:
            raise TypeError(f"Query has no field {sorted(unknown)[0]!r}")
        copy = object.__new__(Query)
        for name in _FIELDS:
            object.__setattr__(copy, name, changes[name] if name in changes else getattr(self, name))
        return copy


_FIELDS = tuple(f.name for f in fields(Query))


def encode(query: Query) -> str:
    """The cursor the release writes for ``query``."""
    filters: dict[str, Any] = {
        "pit": rfc3339(query.pit) if query.pit is not None else None,
        "oot": rfc3339(query.oot) if query.oot is not None else None,
        "qb": expression.to_go(query.builder),
    }
    if query.expand:
        filters["expand"] = list(query.expand)
    filters["opts"] = query.opts
    body: dict[str, Any] = {"column": query.column, "order": query.order, "pageSize": query.page_size}
    body["filters"] = filters
    if query.mode == "offset":
        body["offset"] = query.offset
    else:
        body.update({"bottom": query.bottom, "paginationID": query.pagination_id, "reverse": query.reverse})
    return base64.urlsafe_b64encode(gojson.dumps_any(body)).rstrip(b"=").decode()


def _raw_url_decode(text: str) -> bytes:
    """``base64.RawURLEncoding.DecodeString``: Go's alphabet, no padding, CR and LF skipped,
    the offset of the first bad byte in the error."""
    raw = text.encode("utf-8", "surrogatepass")
    kept = bytearray()
    in_quantum = 0
    for index, byte in enumerate(raw):
        if byte in b"\r\n":
            continue
        if byte not in _ALPHABET:
            raise Invalid(f"illegal base64 data at input byte {index}")
        kept.append(byte)
        in_quantum = (in_quantum + 1) % 4
    if in_quantum == 1:
        raise Invalid(f"illegal base64 data at input byte {len(raw) - 1}")
    try:
        return base64.urlsafe_b64decode(bytes(kept) + b"=" * (-len(kept) % 4))
    except binascii.Error as exc:  # pragma: no cover - every length is handled above
        raise Invalid(str(exc)) from None


def decode(text: str, *, accept_null_sets: bool) -> Query:
    """The query a cursor carries. Raises Invalid (400 in both modes) for what the release
    refuses with 400; what it trips on later (an unknown column, an order that is neither 0
    nor 1) is left for the caller to find in the release's order. ``accept_null_sets`` reads
    ``{"$and": null}`` (the release's own cursor for an empty ``$and``) as the empty set it was
    written for."""
    data = _raw_url_decode(text)
    try:
        document = godecode.decode_all(data)
    except godecode.GoJSONError as exc:
        raise Invalid(f"invalid cursor: {exc}") from None
    if not isinstance(document, dict):
        raise Invalid(f"invalid cursor: json: cannot unmarshal {_json_kind(document)} into Go value of type common.aux")
    offset = document.get("offset")
    mode = "offset" if offset is not None else "keyset"
    filters = document.get("filters") or {}
    if not isinstance(filters, dict):
        raise _type_error(filters, "filters", "common.ResourceQuery")
    builder = _builder(filters.get("qb"), accept_null_sets)
    order = _integer(document.get("order"), "order", "bunpaginate.Order", allow_none=True, signed=True)
    expand = filters.get("expand") or []
    if not isinstance(expand, list) or not all(isinstance(item, str) for item in expand):
        raise _type_error(expand, "filters.expand", "[]string")
    return Query(
        column=_string(document.get("column"), "column"),
        order=order,
        page_size=_integer(document.get("pageSize"), "pageSize", "uint64") or 0,
        pit=_instant(filters.get("pit")),
        oot=_instant(filters.get("oot")),
        builder=builder,
        expand=tuple(expand),
        opts=filters.get("opts"),
        mode=mode,
        offset=_integer(offset, "offset", "uint64") or 0,
        bottom=_integer(document.get("bottom"), "bottom", "big.Int", allow_none=True, signed=True),
        pagination_id=_integer(document.get("paginationID"), "paginationID", "big.Int", allow_none=True, signed=True),
        reverse=_boolean(document.get("reverse"), "reverse"),
    )


def _builder(value: Any, accept_null_sets: bool) -> Node | None:
    if value is None:
        return None
    if accept_null_sets:
        value = _null_sets_emptied(value)
    return expression.parse(value)


def _null_sets_emptied(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: ([] if key in ("$and", "$or") and item is None else _null_sets_emptied(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_null_sets_emptied(item) for item in value]
    return value


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | godecode.Fraction):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), "null")


def _type_error(value: Any, where: str, go_type: str) -> Invalid:
    return Invalid(f"json: cannot unmarshal {_json_kind(value)} into Go struct field .{where} of type {go_type}")


def _string(value: Any, where: str) -> str:
    if value is None or isinstance(value, str):
        return value or ""
    raise _type_error(value, where, "string")


def _boolean(value: Any, where: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    raise _type_error(value, where, "bool")


def _integer(value: Any, where: str, go_type: str, *, allow_none: bool = False, signed: bool = False) -> Any:
    if value is None:
        return None if allow_none else 0
    if isinstance(value, int) and not isinstance(value, bool) and (signed or value >= 0):
        return value
    if isinstance(value, godecode.Fraction) and go_type == "big.Int":
        raise Invalid(f"math/big: cannot unmarshal {orjson.dumps(str(value)).decode()} into a *big.Int")
    raise _type_error(value, where, go_type)


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid("invalid date format")
    try:
        return gotime.parse(value)
    except gotime.GoTimeError as exc:
        raise Invalid(str(exc)) from None
