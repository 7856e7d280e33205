"""Tokens of numscript v0.0.24 (its Lexer.g4): newlines are whitespace, `//` comments end at a newline,
`/* */` nest, numbers take single underscores, an account literal is one token (`@a:$b` parts included),
and lowercase words are keywords or identifiers. Token-level limits are enforced here."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lark import Token

from .errors import INTERPRETER_PARSE, ScriptError
from .limits import Limits, exceeded

_KEYWORDS = [
    "vars", "max", "source", "destination", "send", "from", "up", "to", "remaining", "allowing", "unbounded",
    "overdraft", "oneof", "kept", "save", "with", "scaling", "through", "feature",
]  # fmt: skip
_PUNCT = {
    "(": "LPARENS", ")": "RPARENS", "[": "LBRACKET", "]": "RBRACKET", "{": "LBRACE", "}": "RBRACE", ",": "COMMA",
    "=": "EQ", "*": "STAR", "+": "PLUS", "-": "MINUS", "/": "DIV", "\\": "RESTRICT",
}  # fmt: skip
_PART = r"(?:[a-zA-Z0-9_-]+|\$[a-z_]+[a-z0-9_]*)"
_RULES = [
    ("WS", r"[ \t\r\n]+"),
    ("COMMENT", r"//[^\r\n]*(?:[\r\n]+|\Z)"),
    ("HASH_BANG", r"#!"),
    ("PERCENT", r"[0-9]+(?:\.[0-9]+)?%"),
    ("STRING", r'"(?:\\"|[^\r\n"])*"'),
    ("WORD", r"[a-z]+[a-z_]*"),
    ("NUMBER", r"[0-9]+(?:_[0-9]+)*"),
    ("ASSET", r"[A-Z][A-Z0-9]*(?:/[0-9]+)?"),
    ("ACCOUNT", rf"@{_PART}(?::{_PART})*"),
    ("VARIABLE_NAME", r"\$[a-z_]+[a-z0-9_]*"),
]
_COMPILED = [(name, re.compile(pattern)) for name, pattern in _RULES]


def parse_error(message: str, line: int, column: int) -> ScriptError:
    return ScriptError(
        INTERPRETER_PARSE,
        f"Got errors while parsing:\n{message}\n",
        phase="compile",
        details={"line": line, "column": column, "error": message},
    )


def tokenize(text: str, limits: Limits) -> Iterator[Token]:
    index, line, column, depth, count = 0, 1, 0, 0, 0
    while index < len(text):
        char = text[index]
        name, end = "", index
        if text.startswith("/*", index):
            close = _comment_end(text, index)
            if close > 0:
                name, end = "COMMENT", close
        elif text.startswith("//", index):
            match = _COMPILED[1][1].match(text, index)
            name, end = "COMMENT", match.end() if match else len(text)
        if not name and char in _PUNCT:
            name, end = _PUNCT[char], index + 1
        if not name:
            for rule, pattern in _COMPILED:
                match = pattern.match(text, index)
                if match and match.end() > end:
                    name, end = rule, match.end()
        if not name:
            raise parse_error(f"token recognition error at: '{char}'", line, column)
        value = text[index:end]
        if name == "WORD":
            name = value.upper() if value in _KEYWORDS else "IDENTIFIER"
        if name not in ("WS", "COMMENT"):
            count += 1
            if count > limits.tokens:
                raise exceeded("tokens", limits.tokens, INTERPRETER_PARSE)
            if name in ("LPARENS", "LBRACKET", "LBRACE"):
                depth += 1
                if depth > limits.nesting_depth:
                    raise exceeded("block nesting depth", limits.nesting_depth, INTERPRETER_PARSE)
            elif name in ("RPARENS", "RBRACKET", "RBRACE"):
                depth -= 1
            elif name in ("NUMBER", "PERCENT") and len(value) > limits.number_digits:
                raise exceeded("digits of a number", limits.number_digits, INTERPRETER_PARSE)
            elif name == "STRING" and len(value) - 2 > limits.string_length:
                raise exceeded("length of a string", limits.string_length, INTERPRETER_PARSE)
            yield Token(name, value, index, line, column, None, None, end)
        if "\n" in value:
            line += value.count("\n")
            column = len(value) - value.rfind("\n") - 1
        else:
            column += len(value)
        index = end


def _comment_end(text: str, start: int) -> int:
    depth, index = 0, start
    while index < len(text) - 1:
        pair = text[index : index + 2]
        if pair == "/*":
            depth, index = depth + 1, index + 2
        elif pair == "*/":
            depth, index = depth - 1, index + 2
            if depth == 0:
                return index
        else:
            index += 1
    return -1
