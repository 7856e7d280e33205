"""Go's ``encoding/json`` scanner, for the offsets formancehq/webhooks v2.3.2 puts in its messages.

``decodeJSONBody`` (``pkg/server/helpers.go:14-63``) reads the first JSON value of a body with a
``json.Decoder`` and words its errors with the scanner's ``SyntaxError.Offset``. ``first_value``
runs Go's state machine (``encoding/json/scanner.go``, and ``stream.go``'s ``readValue``) over
the body and says where the first value ends, where the syntax is first broken, or that the
input ended inside a value. Only the state machine's outcome matters here: the messages the
service shows carry the offset, not Go's description of the character.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

SPACE = frozenset(b" \t\r\n")
_END = "end"  # the byte after a top-level scalar: the value ended before it
_CLOSED = "closed"  # the byte that closes the top-level object or array
_CONTINUE = "continue"
_ERROR = "error"
_OBJECT_KEY, _OBJECT_VALUE, _ARRAY_VALUE = range(3)
MAX_DEPTH = 10_000  # encoding/json's maxNestingDepth


@dataclass(frozen=True, slots=True)
class Scanned:
    """How reading the first value went: ``end`` (exclusive) when it is complete; ``error_at``
    (Go's 1-based offset) on a syntax error; ``truncated`` when the input ended inside it;
    ``empty`` when there was nothing but white space."""

    end: int = 0
    error_at: int | None = None
    truncated: bool = False
    empty: bool = False


class _Scanner:
    def __init__(self) -> None:
        self.stack: list[int] = []
        self.step: Callable[[int], str] = self.begin_value

    # --- values -------------------------------------------------------------------------
    def begin_value(self, c: int) -> str:
        if c in SPACE:
            return _CONTINUE
        if c == 0x7B:  # {
            self.step = self.begin_key_or_end
            return self._push(_OBJECT_KEY)
        if c == 0x5B:  # [
            self.step = self.begin_value_or_end
            return self._push(_ARRAY_VALUE)
        starts: dict[int, Callable[[int], str]] = {
            0x22: self.in_string,
            0x2D: self.neg,
            0x30: self.zero,
            0x74: self._literal(b"rue"),
            0x66: self._literal(b"alse"),
            0x6E: self._literal(b"ull"),
        }
        if c in starts:
            self.step = starts[c]
            return _CONTINUE
        if 0x31 <= c <= 0x39:
            self.step = self.digits
            return _CONTINUE
        return self._error()

    def begin_value_or_end(self, c: int) -> str:
        if c in SPACE:
            return _CONTINUE
        return self.end_value(c) if c == 0x5D else self.begin_value(c)

    def begin_key_or_end(self, c: int) -> str:
        if c in SPACE:
            return _CONTINUE
        if c == 0x7D:
            self.stack[-1] = _OBJECT_VALUE
            return self.end_value(c)
        return self.begin_key(c)

    def begin_key(self, c: int) -> str:
        if c in SPACE:
            return _CONTINUE
        if c == 0x22:
            self.step = self.in_string
            return _CONTINUE
        return self._error()

    def end_value(self, c: int) -> str:
        if not self.stack:
            self.step = self.end_top
            return self.end_top(c)
        if c in SPACE:
            self.step = self.end_value
            return _CONTINUE
        state = self.stack[-1]
        if state == _OBJECT_KEY and c == 0x3A:  # :
            self.stack[-1] = _OBJECT_VALUE
            self.step = self.begin_value
            return _CONTINUE
        if state == _OBJECT_VALUE and c == 0x2C:  # ,
            self.stack[-1] = _OBJECT_KEY
            self.step = self.begin_key
            return _CONTINUE
        if (state == _OBJECT_VALUE and c == 0x7D) or (state == _ARRAY_VALUE and c == 0x5D):
            self.stack.pop()
            self.step = self.end_value if self.stack else self.end_top
            return _CONTINUE if self.stack else _CLOSED
        if state == _ARRAY_VALUE and c == 0x2C:
            self.step = self.begin_value
            return _CONTINUE
        return self._error()

    def end_top(self, c: int) -> str:
        # Go complains about a non-space byte only on the next call: the value is complete.
        return _END

    # --- strings ------------------------------------------------------------------------
    def in_string(self, c: int) -> str:
        if c == 0x22:
            self.step = self.end_value
            return _CONTINUE
        if c == 0x5C:
            self.step = self.in_escape
            return _CONTINUE
        return self._error() if c < 0x20 else _CONTINUE

    def in_escape(self, c: int) -> str:
        if c in b'bfnrt\\/"':
            self.step = self.in_string
            return _CONTINUE
        if c == 0x75:
            self.step = self._hex(4)
            return _CONTINUE
        return self._error()

    def _hex(self, left: int) -> Callable[[int], str]:
        def step(c: int) -> str:
            if not (0x30 <= c <= 0x39 or 0x41 <= c <= 0x46 or 0x61 <= c <= 0x66):
                return self._error()
            self.step = self._hex(left - 1) if left > 1 else self.in_string
            return _CONTINUE

        return step

    # --- numbers and literals -----------------------------------------------------------
    def neg(self, c: int) -> str:
        if c == 0x30:
            self.step = self.zero
            return _CONTINUE
        if 0x31 <= c <= 0x39:
            self.step = self.digits
            return _CONTINUE
        return self._error()

    def digits(self, c: int) -> str:
        if 0x30 <= c <= 0x39:
            return _CONTINUE
        return self.zero(c)

    def zero(self, c: int) -> str:
        if c == 0x2E:
            self.step = self._need_digit(self.fraction)
            return _CONTINUE
        if c in (0x65, 0x45):
            self.step = self.exponent
            return _CONTINUE
        return self.end_value(c)

    def fraction(self, c: int) -> str:
        if 0x30 <= c <= 0x39:
            return _CONTINUE
        if c in (0x65, 0x45):
            self.step = self.exponent
            return _CONTINUE
        return self.end_value(c)

    def exponent(self, c: int) -> str:
        if c in (0x2B, 0x2D):
            self.step = self._need_digit(self.exponent_digits)
            return _CONTINUE
        return self._need_digit(self.exponent_digits)(c)

    def exponent_digits(self, c: int) -> str:
        return _CONTINUE if 0x30 <= c <= 0x39 else self.end_value(c)

    def _need_digit(self, then: Callable[[int], str]) -> Callable[[int], str]:
        def step(c: int) -> str:
            if 0x30 <= c <= 0x39:
                self.step = then
                return _CONTINUE
            return self._error()

        return step

    def _literal(self, rest: bytes) -> Callable[[int], str]:
        def step(c: int) -> str:
            if c != rest[0]:
                return self._error()
            self.step = self._literal(rest[1:]) if len(rest) > 1 else self.end_value
            return _CONTINUE

        return step

    # --- helpers ------------------------------------------------------------------------
    def _push(self, state: int) -> str:
        self.stack.append(state)
        return self._error() if len(self.stack) > MAX_DEPTH else _CONTINUE

    def _error(self) -> str:
        self.step = self._error_state
        return _ERROR

    def _error_state(self, _c: int) -> str:
        return _ERROR


def first_value(data: bytes, start: int = 0) -> Scanned:
    """Read one JSON value from ``data[start:]`` as ``json.Decoder.Decode`` reads it."""
    scanner = _Scanner()
    try:
        return _scan(scanner, data, start)
    finally:
        # ``step`` is a bound method of the scanner: a cycle, freed at once once broken, where
        # the collector never visits what it froze in flight (state/gcpolicy.py).
        scanner.step = _spent


def _spent(_c: int) -> str:
    return _ERROR


def _scan(scanner: _Scanner, data: bytes, start: int) -> Scanned:
    for i in range(start, len(data)):
        op = scanner.step(data[i])
        if op == _ERROR:
            return Scanned(error_at=i + 1)
        if op == _CLOSED:
            return Scanned(end=i + 1)
        if op == _END:
            # Any other value ends before the byte that follows it (``readValue``: scanEnd
            # without advancing), whatever that byte is: Go complains about it only later.
            return Scanned(end=i)
    # End of input: a number (or any value) completes when a space would complete it.
    if scanner.step(0x20) == _END:
        return Scanned(end=len(data))
    if any(c not in SPACE for c in data[start:]):
        return Scanned(truncated=True)
    return Scanned(empty=True)
