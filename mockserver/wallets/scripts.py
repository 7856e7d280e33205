"""The four Numscript programs the wallets service books with, rendered as the release renders them.

formancehq/wallets v2.1.5 keeps them as Go templates (``pkg/numscript/*.num``, rendered by
``pkg/scripts.go`` with ``text/template`` and ``strconv.Quote``). The mock books the very same
text, restated here: the ledger stores a script's result, not its text, but the same program on
the same accounts gives the same postings (a source visited before the amount is covered gives
a 0 posting, a later one none), the same account metadata, and, with an ``Idempotency-Key``,
the same request hash. Whitespace follows the templates' trim markers exactly: the credit and
confirm scripts end with a newline, the debit and cancel scripts do not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

_MOVE_HEAD = "vars {\n    monetary $amount\n    account $destination\n}\n\nsend $amount (\n    source = {"
_MOVE_TAIL = "\n    }\n    destination = $destination\n)"


def _move(sources: Iterable[str]) -> str:
    return _MOVE_HEAD + "".join(f"\n        @{source}" for source in sources) + _MOVE_TAIL


def credit(sources: Sequence[str]) -> str:
    """``credit-wallet.num``: ``$amount`` from the sources, in order, to ``$destination``."""
    return _move(sources) + "\n"


def debit(sources: Sequence[str], hold: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """``debit-wallet.num``: as the credit, then one ``set_account_meta`` per key of each hold
    account (keys in Go's map order: sorted), each value quoted with ``strconv.Quote``."""
    lines = [
        f'\nset_account_meta(@{account}, "{key}", {go_quote(value)})'
        for account, metadata in sorted((hold or {}).items())
        for key, value in sorted(metadata.items(), key=lambda item: item[0].encode("utf-8", "surrogatepass"))
    ]
    return _move(sources) + "".join(lines)


def confirm(final: bool, asset: str) -> str:
    """``confirm-hold.num``: ``$amount`` from the hold to ``$dest``; when final, what is left on
    the hold (possibly nothing) to ``$void_destination``."""
    head = "vars {\n  account $hold\n  account $dest"
    if final:
        head += "\n  account $void_destination"
    text = head + "\n  monetary $amount\n}\n\nsend $amount (\n  source = $hold\n  destination = $dest\n)"
    if final:
        text += f"\nsend [{asset} *] (\n  source = $hold\n  destination = $void_destination\n)"
    return text + "\n"


def cancel(asset: str, postings: Iterable[Mapping[str, object]]) -> str:
    """``cancel-hold.num``: everything on the hold back to where the pending debit took it from,
    each source capped at what its posting gave, in posting order; anything beyond stays."""
    lines = "".join(f"\n    max [{p['asset']} {p['amount']}] to @{p['source']}" for p in postings)
    return (
        "vars {\n  account $hold\n}\n\n"
        f"send [{asset} *] (\n  source = $hold\n  destination = {{{lines}\n    remaining kept\n  }}\n)"
    )


_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(text: str) -> str:
    """Go's ``strconv.Quote``: a double-quoted literal, printable characters kept as they are
    (non-ASCII ones too), the rest escaped as ``\\n``, ``\\xNN``, ``\\uNNNN`` or ``\\UNNNNNNNN``."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif 0xD800 <= code <= 0xDFFF:  # not UTF-8: Go quotes the replacement character's bytes
            out.append("\\ufffd")
        elif char == " " or char.isprintable():
            out.append(char)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)
