"""Address patterns: which accounts ``users:``, ``:main`` or ``users:...`` name, in two families.

An address is partial when a ``:``-segment is empty or its last segment is ``...``; anything else
is an exact address (formancehq/ledger v2.4.6 ``internal/storage/ledger/utils.go``,
``isPartialAddress``). The release then matches partial addresses two ways:

- accounts, volumes and aggregated balances (``filterAccountAddress``): every segment that is
  neither empty nor ``...`` must equal the address's segment at its place, and the address has
  exactly as many segments as the pattern unless the pattern's last segment is empty (a
  trailing ``...`` counts as not empty). ``users:`` matches ``users``, ``users:1``, ``users:1:2``.
- transactions (``filterAccountAddressOnTransactions`` in ``transactions.go``, a containment
  on the exploded addresses): the non-empty segments must match, ``...`` only as the last one
  is a wildcard (elsewhere it is literal), and the address has exactly as many segments as the
  pattern unless it ends with ``...``, which lifts the limit. ``users:`` matches two segments.
"""

from __future__ import annotations

from collections.abc import Callable

Matcher = Callable[[str], bool]


def is_partial(address: str) -> bool:
    segments = address.split(":")
    return "" in segments or segments[-1] == "..."


def _segments_matcher(required: dict[int, str], length: int | None) -> Matcher:
    def match(address: str) -> bool:
        parts = address.split(":")
        if length is not None and len(parts) != length:
            return False
        return all(index < len(parts) and parts[index] == segment for index, segment in required.items())

    return match


def account_matcher(pattern: str) -> Matcher:
    """The accounts family's reading of ``pattern`` (``filterAccountAddress``)."""
    if not is_partial(pattern):
        return pattern.__eq__
    segments = pattern.split(":")
    length = len(segments) if segments[-1] != "" else None
    required = {i: s for i, s in enumerate(segments) if s not in ("", "...")}
    return _segments_matcher(required, length)


def transaction_matcher(pattern: str) -> Matcher:
    """The transactions family's reading of ``pattern`` (``filterAccountAddressOnTransactions``)."""
    if not is_partial(pattern):
        return pattern.__eq__
    segments = pattern.split(":")
    open_ended = segments[-1] == "..."
    if open_ended:
        segments = segments[:-1]
    required = {i: s for i, s in enumerate(segments) if s}
    return _segments_matcher(required, None if open_ended else len(segments))
