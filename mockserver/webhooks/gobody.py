"""``decodeJSONBody`` of formancehq/webhooks v2.3.2 (``pkg/server/helpers.go:14-63``), byte for byte.

The release decodes a body into a Go struct with ``json.Decoder`` and ``DisallowUnknownFields``,
then checks that nothing follows the value and that ``Content-Type`` is exactly
``application/json``. Its errors, in that order, become 400 ``VALIDATION`` with these messages:
a syntax error ``badly-formed JSON (at position N)``, a truncated value ``badly-formed JSON``,
a wrong type ``an invalid value for the "F" field (at position N)``, an unknown key ``unknown
field "K"``, nothing at all ``must not be empty`` (unless empty is allowed), more than one value
``must only contain a single JSON object``, then the header. Decoding follows
``encoding/json/decode.go``: keys match fields case-insensitively, the last duplicate wins,
``null`` leaves a string as it was, type errors and unknown keys are noted (the first one is
answered) while decoding goes on.
"""

from __future__ import annotations

from typing import Any

from mockserver.errors import ValidationError
from mockserver.webhooks.goscan import SPACE, first_value

PREFIX = "Request body "
STRING, STRINGS = "string", "[]string"
_ESCAPES = {ord("b"): "\b", ord("f"): "\f", ord("n"): "\n", ord("r"): "\r", ord("t"): "\t"}


def decode_body(
    raw: bytes, fields: dict[str, str], content_type: str | None, *, allow_empty: bool = False
) -> dict[str, Any] | None:
    """The struct's fields (JSON name -> ``STRING`` or ``STRINGS``) as decoded from ``raw``, each
    present (zero value when not sent); None for an empty body when ``allow_empty``."""
    scanned = first_value(raw)
    if scanned.error_at is not None:
        raise ValidationError(f"{PREFIX}contains badly-formed JSON (at position {scanned.error_at})")
    if scanned.truncated:
        raise ValidationError(f"{PREFIX}contains badly-formed JSON")
    if scanned.empty:
        if allow_empty:
            return None
        raise ValidationError(f"{PREFIX}must not be empty")
    decoder = _Decoder(raw, fields)
    decoder.top(_skip_space(raw, 0))
    if decoder.error is not None:
        raise ValidationError(PREFIX + decoder.error)
    trailing = first_value(raw, scanned.end)
    if not trailing.empty:
        raise ValidationError(f"{PREFIX}must only contain a single JSON object")
    if content_type != "application/json":
        raise ValidationError("Content-Type header should be application/json")
    return decoder.values


def fold(name: str) -> str:
    """Go's ``foldName``: each rune as ``ToLower(ToUpper(r))`` (so the long s is ``s``, the Kelvin sign ``k``)."""
    out = []
    for c in name:
        upper = c.upper() if len(c.upper()) == 1 else c
        out.append(upper.lower() if len(upper.lower()) == 1 else upper)
    return "".join(out)


class _Decoder:
    """Decodes a syntactically valid value into the struct, noting the first error as Go does."""

    def __init__(self, data: bytes, fields: dict[str, str]) -> None:
        self.data = data
        self.fields = fields
        self.folded = {fold(name): name for name in fields}
        self.values: dict[str, Any] = {name: "" if kind == STRING else None for name, kind in fields.items()}
        self.error: str | None = None

    def top(self, i: int) -> None:
        c = self.data[i]
        if c == 0x7B:
            self._object(i)
        elif c == 0x6E:  # null: the destination interface is set to nil, the struct untouched
            return
        else:
            self._type_error("", self._offset(i))

    def _object(self, i: int) -> int:
        i = _skip_space(self.data, i + 1)
        if self.data[i] == 0x7D:
            return i + 1
        while True:
            key, i = self._string(i)
            i = _skip_space(self.data, i) + 1  # the colon
            i = _skip_space(self.data, i)
            name = key if key in self.fields else self.folded.get(fold(key))
            if name is None:
                self._note(f"contains unknown field {_go_quote(key)}")
                i = _skip_value(self.data, i)
            elif self.fields[name] == STRING:
                value, i = self._into_string(i, name)
                if value is not None:
                    self.values[name] = value
            else:
                i = self._into_strings(i, name)
            i = _skip_space(self.data, i)
            if self.data[i] == 0x7D:
                return i + 1
            i = _skip_space(self.data, i + 1)

    def _into_string(self, i: int, field: str) -> tuple[str | None, int]:
        c = self.data[i]
        if c == 0x22:
            return self._string(i)
        end = _skip_value(self.data, i)
        if c != 0x6E:
            self._type_error(field, self._offset(i, end))
        return None, end

    def _into_strings(self, i: int, field: str) -> int:
        c = self.data[i]
        if c == 0x6E:
            self.values[field] = None
            return i + 4
        if c != 0x5B:
            end = _skip_value(self.data, i)
            self._type_error(field, self._offset(i, end))
            return end
        current = list(self.values[field] or [])
        i = _skip_space(self.data, i + 1)
        count = 0
        if self.data[i] != 0x5D:
            while True:
                value, i = self._into_string(i, field)
                if count >= len(current):
                    current.append("")
                if value is not None:
                    current[count] = value
                count += 1
                i = _skip_space(self.data, i)
                if self.data[i] == 0x5D:
                    break
                i = _skip_space(self.data, i + 1)
        self.values[field] = current[:count]
        return i + 1

    def _offset(self, i: int, end: int | None = None) -> int:
        """Go's offset of a type error: after ``[``/``{`` for a container, after a scalar."""
        if self.data[i] in (0x5B, 0x7B):
            return i + 1
        return end if end is not None else _skip_value(self.data, i)

    def _type_error(self, field: str, offset: int) -> None:
        self._note(f"contains an invalid value for the {_go_quote(field)} field (at position {offset})")

    def _note(self, message: str) -> None:
        if self.error is None:
            self.error = message

    def _string(self, i: int) -> tuple[str, int]:
        """The Go string at ``i`` (an opening quote) and the index after it: escapes decoded,
        invalid UTF-8 and lone surrogates as U+FFFD, as ``unquote`` does."""
        data = self.data
        out: list[str] = []
        j = i + 1
        run = j
        while data[j] != 0x22:
            if data[j] != 0x5C:
                j += 1
                continue
            out.append(data[run:j].decode("utf-8", "replace"))
            kind = data[j + 1]
            if kind != 0x75:
                out.append(_ESCAPES.get(kind, chr(kind)))
                j += 2
            else:
                unit = int(data[j + 2 : j + 6], 16)
                j += 6
                if 0xD800 <= unit < 0xDC00 and data[j : j + 2] == b"\\u":
                    low = int(data[j + 2 : j + 6], 16)
                    if 0xDC00 <= low < 0xE000:
                        out.append(chr(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)))
                        j += 6
                        run = j
                        continue
                out.append("\ufffd" if 0xD800 <= unit < 0xE000 else chr(unit))
            run = j
        out.append(data[run:j].decode("utf-8", "replace"))
        return "".join(out), j + 1


def _skip_space(data: bytes, i: int) -> int:
    while i < len(data) and data[i] in SPACE:
        i += 1
    return i


def _skip_value(data: bytes, i: int) -> int:
    """The index after the (valid) value at ``i``."""
    scanned = first_value(data, i)
    return scanned.end


def _go_quote(text: str) -> str:
    """``strconv.Quote``, as ``%q`` writes the unknown key."""
    out = ['"']
    for c in text:
        code = ord(c)
        if c in '"\\':
            out.append("\\" + c)
        elif c in "\a\b\f\n\r\t\v":
            out.append({"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}[c])
        elif c.isprintable() or c == " ":
            out.append(c)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out) + '"'
