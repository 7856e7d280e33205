"""Go's strconv.Unquote for double-quoted literals, which the machine applies to every STRING token."""

from __future__ import annotations

_SIMPLE = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34}
_HEX = "0123456789abcdefABCDEF"


def go_unquote(literal: str) -> str | None:
    """The text of a Go double-quoted literal, or None where Go answers ErrSyntax ("invalid syntax")."""
    if len(literal) < 2 or literal[0] != '"' or literal[-1] != '"':
        return None
    body = literal[1:-1]
    if "\\" not in body:
        return None if '"' in body or "\n" in body else body
    out = bytearray()
    index, length = 0, len(body)
    while index < length:
        char = body[index]
        if char == '"' or char == "\n":
            return None
        if char != "\\":
            out += char.encode()
            index += 1
            continue
        if index + 1 >= length:
            return None
        code = body[index + 1]
        if code in _SIMPLE:
            out.append(_SIMPLE[code])
            index += 2
        elif code in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[code]
            digits = body[index + 2 : index + 2 + size]
            if len(digits) != size or any(d not in _HEX for d in digits):
                return None
            value = int(digits, 16)
            if code == "x":
                out.append(value)
            else:
                if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                    return None
                out += chr(value).encode()
            index += 2 + size
        elif code in "01234567":
            digits = body[index + 1 : index + 4]
            if len(digits) != 3 or any(d not in "01234567" for d in digits) or int(digits, 8) > 255:
                return None
            out.append(int(digits, 8))
            index += 4
        else:
            return None
    return out.decode("utf-8", errors="replace")
