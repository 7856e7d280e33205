"""Tokens of the machine's Numscript, cut as its ANTLR lexer cuts them (internal/machine/script/NumScript.g4).

ANTLR takes the longest token at each point, the rule listed first on a tie. That makes some quirks that
scripts meet: NEWLINE is a token (statements are one per line, one newline apart: a blank line holding
spaces between two statements is two NEWLINE tokens, which the grammar refuses); a `//` comment swallows the
newlines after it; `/* */` comments nest; `100` is a NUMBER, `1/2` and `50%` are PORTIONs, `100USD` an ASSET;
'allowing overdraft up to' is one token with single spaces. The lexer also enforces the token-level limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lark import Token

from .errors import compilation_failed
from .limits import Limits, exceeded

# (type, pattern) in the grammar's order, implicit parser literals first as ANTLR defines them.
_RULES: list[tuple[str, str]] = [
    ("ALLOWING_OVERDRAFT", r"allowing overdraft up to"),
    ("ALLOWING_UNBOUNDED", r"allowing unbounded overdraft"),
    ("COMMA", r","),
    ("STAR", r"\*"),
    ("NEWLINE", r"[\r\n]+"),
    ("WHITESPACE", r"[ \t]+"),
    ("LINE_COMMENT", r"//[^\r\n]*[\r\n]+"),
    ("VARS", r"vars"),
    ("META", r"meta"),
    ("SET_TX_META", r"set_tx_meta"),
    ("SET_ACCOUNT_META", r"set_account_meta"),
    ("PRINT", r"print"),
    ("FAIL", r"fail"),
    ("SEND", r"send"),
    ("SOURCE", r"source"),
    ("FROM", r"from"),
    ("MAX", r"max"),
    ("DESTINATION", r"destination"),
    ("TO", r"to"),
    ("ALLOCATE", r"allocate"),
    ("OP_ADD", r"\+"),
    ("OP_SUB", r"-"),
    ("LPAREN", r"\("),
    ("RPAREN", r"\)"),
    ("LBRACK", r"\["),
    ("RBRACK", r"\]"),
    ("LBRACE", r"\{"),
    ("RBRACE", r"\}"),
    ("EQ", r"="),
    ("TY_ACCOUNT", r"account"),
    ("TY_ASSET", r"asset"),
    ("TY_NUMBER", r"number"),
    ("TY_MONETARY", r"monetary"),
    ("TY_PORTION", r"portion"),
    ("TY_STRING", r"string"),
    ("STRING", r'"(?:\\"|[^\r\n"])*"'),
    ("PORTION", r"[0-9]+ ?/ ?[0-9]+|[0-9]+(?:\.[0-9]+)?%"),
    ("REMAINING", r"remaining"),
    ("KEPT", r"kept"),
    ("BALANCE", r"balance"),
    ("SAVE", r"save"),
    ("NUMBER", r"[0-9]+"),
    ("PERCENT", r"%"),
    ("VARIABLE_NAME", r"\$[a-z_]+[a-z0-9_]*"),
    ("ACCOUNT", r"@[a-zA-Z0-9_-]+(?::[a-zA-Z0-9_-]+)*"),
    ("ASSET", r"[A-Z/0-9]+"),
]
RULE_ORDER = {name: index for index, (name, _) in enumerate(_RULES)}
_SKIPPED = {"WHITESPACE", "LINE_COMMENT"}
OPENERS = {"LBRACE", "LBRACK", "LPAREN"}
CLOSERS = {"RBRACE", "RBRACK", "RPAREN"}

# How ANTLR names each token in "expecting ..." messages: literals quoted, the rest by symbol.
DISPLAY: dict[str, str] = {
    "ALLOWING_OVERDRAFT": "'allowing overdraft up to'",
    "ALLOWING_UNBOUNDED": "'allowing unbounded overdraft'",
    "COMMA": "','",
    "STAR": "'*'",
    "OP_ADD": "'+'",
    "OP_SUB": "'-'",
    "LPAREN": "'('",
    "RPAREN": "')'",
    "LBRACK": "'['",
    "RBRACK": "']'",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "EQ": "'='",
    "PERCENT": "'%'",
    **{name: f"'{pattern}'" for name, pattern in _RULES if re.fullmatch(r"[a-z_]+", pattern)},
    "$END": "<EOF>",
}


_DIGITS = "0123456789"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# First characters of the rules that are not plain words.
_FIRST_CHARS = {
    "NEWLINE": "\r\n",
    "WHITESPACE": " \t",
    "LINE_COMMENT": "/",
    "STRING": '"',
    "PORTION": _DIGITS,
    "NUMBER": _DIGITS,
    "VARIABLE_NAME": "$",
    "ACCOUNT": "@",
    "ASSET": _UPPER + "/" + _DIGITS,
}


def _dispatch() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """For each first character, the rules that can start with it, in the grammar's order."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for name, pattern in _RULES:
        first = _FIRST_CHARS.get(name) or pattern.replace("\\", "")[0]
        for char in first:
            table.setdefault(char, []).append((name, re.compile(pattern)))
    return table


_TABLE = _dispatch()


def _nested_comment_end(text: str, start: int) -> int:
    """End of a `/* ... */` comment starting at `start`, nested ones included; -1 when unterminated."""
    depth, index, length = 0, start, len(text)
    while index < length - 1:
        pair = text[index : index + 2]
        if pair == "/*":
            depth += 1
            index += 2
        elif pair == "*/":
            depth -= 1
            index += 2
            if depth == 0:
                return index
        else:
            index += 1
    return -1


def tokenize(text: str, limits: Limits) -> Iterator[Token]:
    """Tokens of `text` with ANTLR's positions (line from 1, column from 0); ScriptError on the first
    character no token can start with, or past a limit."""
    index, line, column, depth, count = 0, 1, 0, 0, 0
    length = len(text)
    while index < length:
        char = text[index]
        best_name, best_end = "", index
        if char == "/" and text.startswith("/*", index):
            end = _nested_comment_end(text, index)
            if end > 0:
                best_name, best_end = "MULTILINE_COMMENT", end
        for name, pattern in _TABLE.get(char, ()):
            match = pattern.match(text, index)
            if match and match.end() > best_end:
                best_name, best_end = name, match.end()
        if not best_name:
            raise compilation_failed(
                f"token recognition error at: '{_display(char)}'", line=line, column=column, length=1
            )
        value = text[index:best_end]
        if best_name not in _SKIPPED and best_name != "MULTILINE_COMMENT":
            count += 1
            if count > limits.tokens:
                raise exceeded("tokens", limits.tokens)
            if best_name in OPENERS:
                depth += 1
                if depth > limits.nesting_depth:
                    raise exceeded("block nesting depth", limits.nesting_depth)
            elif best_name in CLOSERS:
                depth -= 1
            elif best_name in ("NUMBER", "PORTION") and len(value) > limits.number_digits:
                raise exceeded("digits of a number", limits.number_digits)
            elif best_name == "STRING" and len(value) - 2 > limits.string_length:
                raise exceeded("length of a string", limits.string_length)
            token = Token(best_name, value, index, line, column, None, None, best_end)
            yield token
        newlines = value.count("\n")  # ANTLR counts lines on '\n' only
        if newlines:
            line += newlines
            column = len(value) - value.rfind("\n") - 1
        else:
            column += len(value)
        index = best_end


def _display(text: str) -> str:
    """ANTLR's getTokenErrorDisplay: newlines and tabs escaped."""
    return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def display_token(token: Token | None) -> str:
    if token is None or token.type == "$END":
        return "<EOF>"
    return _display(str(token))
