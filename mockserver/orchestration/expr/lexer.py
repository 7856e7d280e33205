"""Tokenizer following expr-lang's lexer: same token kinds, same operator spelling, same errors."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from mockserver.orchestration.expr.errors import ExprSyntaxError, clean_text
from mockserver.orchestration.expr.values import MAX_INT, go_quote

__all__ = [
    "BRACKET",
    "EOF",
    "IDENTIFIER",
    "NUMBER",
    "OPERATOR",
    "STRING",
    "Token",
    "number_value",
    "tokenize",
]

IDENTIFIER = "Identifier"
NUMBER = "Number"
STRING = "String"
OPERATOR = "Operator"
BRACKET = "Bracket"
EOF = "EOF"

# Words the lexer turns into operators; "not" is one too, the parser pairs it with "in" etc.
KEYWORDS = frozenset({"not", "in", "or", "and", "matches", "contains", "startsWith", "endsWith", "let"})

_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
}
_HEX = frozenset("0123456789abcdefABCDEF")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    value: str
    pos: int

    def describe(self) -> str:
        """Token as expr prints it in "unexpected token …" messages."""
        return self.kind if self.value == "" else f"{self.kind}({go_quote(self.value)})"

    def is_op(self, *values: str) -> bool:
        return self.kind == OPERATOR and (not values or self.value in values)

    def is_bracket(self, value: str) -> bool:
        return self.kind == BRACKET and self.value == value


def _is_digit(ch: str) -> bool:
    return ch != "" and ch in "0123456789"


def is_alnum(ch: str) -> bool:
    return ch == "_" or ch == "$" or ch.isalpha() or unicodedata.category(ch) == "Nd"


class _Lexer:
    def __init__(self, source: str) -> None:
        self.src = source
        self.n = len(source)
        self.tokens: list[Token] = []

    def fail(self, message: str, pos: int) -> ExprSyntaxError:
        return ExprSyntaxError(message, pos)

    def peek(self, i: int) -> str:
        return self.src[i] if i < self.n else ""

    def run(self) -> list[Token]:
        src, i = self.src, 0
        while i < self.n:
            ch = src[i]
            start = i
            if ch.isspace():
                i += 1
            elif ch in "\"'":
                i = self.string(i, ch)
            elif ch == "`":
                end = src.find("`", i + 1)
                if end < 0:
                    raise self.fail("literal not terminated", self.n)
                self.emit(STRING, clean_text(src[i + 1 : end]), start)
                i = end + 1
            elif _is_digit(ch) or (ch == "." and _is_digit(self.peek(i + 1))):
                i = self.number(i)
            elif ch == "?":
                i += 2 if self.peek(i + 1) in (".", "?") and self.peek(i + 1) else 1
                self.emit(OPERATOR, src[start:i], start)
            elif ch == "/" and self.peek(i + 1) == "/":
                end = src.find("\n", i)
                i = self.n if end < 0 else end
            elif ch == "/" and self.peek(i + 1) == "*":
                end = src.find("*/", i + 2)
                if end < 0:
                    raise self.fail("unclosed comment", self.n)
                i = end + 2
            elif ch in "|:":
                i += 2 if self.peek(i + 1) == ch else 1
                self.emit(OPERATOR, src[start:i], start)
            elif ch in "([{)]}":
                i += 1
                self.emit(BRACKET, ch, start)
            elif ch in ",;%+-^/#":
                i += 1
                self.emit(OPERATOR, ch, start)
            elif ch in "&!=*<>":
                # expr accepts any of "&=*" after these, so "<*" is one (invalid) operator as there.
                i += 2 if self.peek(i + 1) in ("&", "=", "*") and self.peek(i + 1) else 1
                self.emit(OPERATOR, src[start:i], start)
            elif ch == ".":
                i += 2 if self.peek(i + 1) == "." else 1
                self.emit(OPERATOR, src[start:i], start)
            elif is_alnum(ch):
                while i < self.n and is_alnum(src[i]):
                    i += 1
                word = src[start:i]
                self.emit(OPERATOR if word in KEYWORDS else IDENTIFIER, word, start)
            else:
                code = f"U+{ord(ch):04X}"
                shown = f"{code} {ch!r}" if ch.isprintable() else code
                raise self.fail(f"unrecognized character: {clean_text(shown)}", i)
        # expr places EOF on the last character, so "1 +" reports (1:3), not (1:4).
        self.tokens.append(Token(EOF, "", max(self.n - 1, 0)))
        return self.tokens

    def emit(self, kind: str, value: str, pos: int) -> None:
        self.tokens.append(Token(kind, value, pos))

    def number(self, i: int) -> int:
        src, start = self.src, i
        digits = "0123456789_"
        if src[i] == "0" and self.peek(i + 1) in ("x", "X", "o", "O", "b", "B") and self.peek(i + 1):
            base = self.peek(i + 1).lower()
            digits = {"x": "0123456789abcdefABCDEF_", "o": "01234567_", "b": "01_"}[base]
            i += 2
        while i < self.n and src[i] in digits:
            i += 1
        if self.peek(i) == "." and self.peek(i + 1) != ".":
            i += 1
            while i < self.n and src[i] in digits:
                i += 1
        if self.peek(i) in ("e", "E") and self.peek(i):
            i += 1
            if self.peek(i) in ("+", "-") and self.peek(i):
                i += 1
            while i < self.n and src[i] in "0123456789_":
                i += 1
        if i < self.n and is_alnum(src[i]):
            raise self.fail(f"bad number syntax: {go_quote(src[start : i + 1])}", i)
        self.emit(NUMBER, src[start:i], start)
        return i

    def string(self, i: int, quote: str) -> int:
        src, start = self.src, i
        out: list[str] = []
        i += 1
        while True:
            if i >= self.n or src[i] == "\n":
                raise self.fail("literal not terminated", i)
            ch = src[i]
            if ch == quote:
                break
            if ch != "\\":
                out.append(ch)
                i += 1
                continue
            esc = self.peek(i + 1)
            if esc in _SIMPLE_ESCAPES and esc:
                out.append(_SIMPLE_ESCAPES[esc])
                i += 2
            elif esc == quote:
                out.append(quote)
                i += 2
            elif esc in ("x", "u", "U") and esc:
                width = {"x": 2, "u": 4, "U": 8}[esc]
                code = src[i + 2 : i + 2 + width]
                if len(code) != width or not set(code) <= _HEX:
                    raise self.fail("invalid char escape", i + 1)
                value = int(code, 16)
                if value > 0x10FFFF:
                    raise self.fail("unable to unescape string", start)
                out.append(chr(value))
                i += 2 + width
            elif esc and esc in "01234567":
                code = src[i + 1 : i + 4]
                if len(code) != 3 or not set(code) <= set("01234567"):
                    raise self.fail("invalid char escape", i + 1)
                if int(code, 8) > 0o377:
                    raise self.fail("unable to unescape octal sequence in string", start)
                out.append(chr(int(code, 8)))
                i += 4
            else:
                raise self.fail("invalid char escape", i + 1)
        self.emit(STRING, clean_text("".join(out)), start)
        return i + 1


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens, ending with an EOF token; raises ExprSyntaxError."""
    return _Lexer(source).run()


def number_value(text: str) -> int | float:
    """The value of a Number token, as expr's parser reads it; ValueError carries expr's message."""
    text = text.replace("_", "")
    lower = text.lower()
    if not lower.startswith("0x") and ("." in lower or "e" in lower):
        prefix = f"strconv.ParseFloat: parsing {go_quote(text)}"
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"invalid float literal: {prefix}: invalid syntax") from None
        if value == float("inf"):
            raise ValueError(f"invalid float literal: {prefix}: value out of range")
        return value
    kind, base = {"0x": ("hex", 16), "0b": ("binary", 2), "0o": ("octal", 8)}.get(lower[:2], ("integer", 10))
    body = text if base == 10 else text[2:]
    reason = ""
    if not body:
        reason = "invalid syntax"
    elif len(body.lstrip("0")) > 64:  # surely out of range; spares int() a huge conversion
        reason = "value out of range"
    else:
        try:
            value = int(body, base)
        except ValueError:
            reason = "invalid syntax"
        else:
            if value <= MAX_INT:
                return value
            reason = "value out of range"
    raise ValueError(f"invalid {kind} literal: strconv.ParseInt: parsing {go_quote(text)}: {reason}")
