"""JSON read as Go's ``encoding/json`` reads it, with its syntax errors word for word.

The release parses a filter with a ``json.Decoder`` (go-libs ``query/expression.go``,
``decodeWithBigInt``: the first value only, trailing bytes ignored, ``EOF`` for nothing and
``unexpected EOF`` for a cut value) and a cursor with ``json.Unmarshal`` (the whole text,
``unexpected end of JSON input``), and answers their errors as is. Python's decoder accepts the
same documents (bar ``NaN`` and ``Infinity``), so it does the decoding; only when it refuses is
the text walked again by a port of Go's scanner (``src/encoding/json/scanner.go``) to find
Go's message. Numbers are kept as Python ints; a number with a fraction or an exponent is
returned as ``Fraction`` for the caller to refuse as the release does.
"""

from __future__ import annotations

import json
from typing import Any

_SPACE = b" \t\r\n"
_HEX = frozenset(b"0123456789abcdefABCDEF")
_DIGITS = frozenset(b"0123456789")
_LITERALS = {ord("t"): b"true", ord("f"): b"false", ord("n"): b"null"}
_ESCAPES = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v"}


class GoJSONError(ValueError):
    """A syntax error carrying Go's message."""


class Fraction(str):
    """A JSON number that is not an integer, as written (Go's ``json.Number``)."""


def _refuse(_: str) -> Any:
    raise ValueError("not JSON in Go")  # NaN, Infinity: Python's extensions


_DECODER = json.JSONDecoder(parse_float=Fraction, parse_constant=_refuse)


def decode_first(data: bytes | str) -> Any:
    """``json.NewDecoder(r).Decode(&v)``: the first value of ``data``."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    text = raw.decode("utf-8", "replace")  # Go reads invalid UTF-8 as U+FFFD
    start = len(text) - len(text.lstrip(" \t\r\n"))
    try:
        value, end = _DECODER.raw_decode(text, start)
    except ValueError:
        raise GoJSONError(_GoScanner(raw, stream=True).error()) from None
    if isinstance(value, int | Fraction) and not isinstance(value, bool) and text[end : end + 1] in (".", "e", "E"):
        # Python ends a top-level number where Go's scanner, past the ".", wants more digits.
        _GoScanner(raw, stream=True).scan()
    return value


def decode_all(data: bytes | str) -> Any:
    """``json.Unmarshal(data, &v)``: exactly one value, nothing after it but spaces."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    try:
        return _DECODER.decode(raw.decode("utf-8", "replace"))
    except ValueError:
        raise GoJSONError(_GoScanner(raw, stream=False).error()) from None


def quote_byte(byte: int) -> str:
    """``quoteChar``: how Go's scanner names a byte in its errors."""
    if byte == ord("'"):
        return "'\\''"
    if byte == ord('"'):
        return "'\"'"
    if byte in _ESCAPES:
        return f"'{_ESCAPES[byte]}'"
    if byte < 0x20 or byte == 0x7F:
        return f"'\\x{byte:02x}'"
    if 0x80 <= byte <= 0xA0 or byte == 0xAD:  # strconv.Quote: not printable runes
        return f"'\\u{byte:04x}'"
    return f"'{chr(byte)}'"


class _GoScanner:
    """Go's scanner, walked byte by byte to the first error it reports."""

    def __init__(self, raw: bytes, *, stream: bool) -> None:
        self.raw = raw
        self.stream = stream
        self.stack: list[str] = []  # "key" / "value" per open object, "array" per open array

    def error(self) -> str:
        try:
            self.scan()
        except GoJSONError as exc:
            return str(exc)
        return "unexpected end of JSON input"  # a value Python refused that Go's scan left open

    def _fail(self, byte: int, context: str) -> GoJSONError:
        return GoJSONError(f"invalid character {quote_byte(byte)} {context}")

    def scan(self) -> None:
        """Raise GoJSONError with Go's message where Go's scanner stops."""
        raw, index = self.raw, 0
        while index < len(raw) and raw[index] in _SPACE:
            index += 1
        if index == len(raw):
            raise GoJSONError("EOF" if self.stream else "unexpected end of JSON input")
        index = self._value(index)
        if not self.stream:
            while index < len(raw):
                if raw[index] not in _SPACE:
                    raise self._fail(raw[index], "after top-level value")
                index += 1

    def _eof(self, context: str = "") -> GoJSONError:
        """The input ended inside a value. ``json.Unmarshal`` then feeds the scanner one space:
        a state that refuses it (``context``) names the space, any other reports the end."""
        if self.stream:
            return GoJSONError("unexpected EOF")
        return self._fail(ord(" "), context) if context else GoJSONError("unexpected end of JSON input")

    def _skip(self, index: int) -> int:
        while index < len(self.raw) and self.raw[index] in _SPACE:
            index += 1
        if index == len(self.raw):
            raise self._eof()
        return index

    def _value(self, index: int) -> int:
        """Scan the value at ``index`` (no space before it); the index just after it."""
        raw = self.raw
        byte = raw[index]
        if byte == ord("{"):
            return self._object(index + 1)
        if byte == ord("["):
            return self._array(index + 1)
        if byte == ord('"'):
            return self._string(index + 1)
        if byte == ord("-") or byte in _DIGITS:
            return self._number(index)
        if byte in _LITERALS:
            word = _LITERALS[byte]
            for offset in range(1, len(word)):
                context = f"in literal {word.decode()} (expecting '{chr(word[offset])}')"
                if index + offset == len(raw):
                    raise self._eof(context)
                if raw[index + offset] != word[offset]:
                    raise self._fail(raw[index + offset], context)
            return index + len(word)
        raise self._fail(byte, "looking for beginning of value")

    def _object(self, index: int) -> int:
        index = self._skip(index)
        if self.raw[index] == ord("}"):
            return index + 1
        while True:
            if self.raw[index] != ord('"'):
                raise self._fail(self.raw[index], "looking for beginning of object key string")
            index = self._skip(self._string(index + 1))
            if self.raw[index] != ord(":"):
                raise self._fail(self.raw[index], "after object key")
            index = self._skip(self._value(self._skip(index + 1)))
            if self.raw[index] == ord("}"):
                return index + 1
            if self.raw[index] != ord(","):
                raise self._fail(self.raw[index], "after object key:value pair")
            index = self._skip(index + 1)

    def _array(self, index: int) -> int:
        index = self._skip(index)
        if self.raw[index] == ord("]"):
            return index + 1
        while True:
            index = self._skip(self._value(index))
            if self.raw[index] == ord("]"):
                return index + 1
            if self.raw[index] != ord(","):
                raise self._fail(self.raw[index], "after array element")
            index = self._skip(index + 1)

    def _string(self, index: int) -> int:
        raw = self.raw
        while index < len(raw):
            byte = raw[index]
            if byte == ord('"'):
                return index + 1
            if byte < 0x20:
                raise self._fail(byte, "in string literal")
            if byte == ord("\\"):
                index += 1
                if index == len(raw):
                    raise self._eof("in string escape code")
                if raw[index] == ord("u"):
                    for offset in range(1, 5):
                        if index + offset == len(raw):
                            raise self._eof("in \\u hexadecimal character escape")
                        if raw[index + offset] not in _HEX:
                            raise self._fail(raw[index + offset], "in \\u hexadecimal character escape")
                    index += 4
                elif raw[index] not in b'bfnrt\\/"':
                    raise self._fail(raw[index], "in string escape code")
            index += 1
        raise self._eof()

    def _number(self, index: int) -> int:
        raw, end = self.raw, len(self.raw)
        if raw[index] == ord("-"):
            index += 1
            if index == end:
                raise self._eof("in numeric literal")
            if raw[index] not in _DIGITS:
                raise self._fail(raw[index], "in numeric literal")
        if raw[index] == ord("0"):
            index += 1
        else:
            while index < end and raw[index] in _DIGITS:
                index += 1
        if index < end and raw[index] == ord("."):
            index += 1
            if index == end:
                raise self._eof("after decimal point in numeric literal")
            if raw[index] not in _DIGITS:
                raise self._fail(raw[index], "after decimal point in numeric literal")
            while index < end and raw[index] in _DIGITS:
                index += 1
        if index < end and raw[index] in b"eE":
            index += 1
            if index < end and raw[index] in b"+-":
                index += 1
            if index == end:
                raise self._eof("in exponent of numeric literal")
            if raw[index] not in _DIGITS:
                raise self._fail(raw[index], "in exponent of numeric literal")
            while index < end and raw[index] in _DIGITS:
                index += 1
        return index
