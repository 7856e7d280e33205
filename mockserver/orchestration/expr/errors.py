"""Error types of the expression engine, and expr-lang's way of showing where an error is.

Every failure of compiling or evaluating carries ``reason`` (the bare text, for example
``invalid operation: <nil> + <nil>``), ``position`` (0-based character offset into the source, or None)
and ``message``, which is what expr-lang's ``err.Error()`` prints once the error is bound to a source::

    invalid operation: <nil> + <nil> (1:3)
     | a + b
     | ..^
"""

from __future__ import annotations

import re

__all__ = ["ExprError", "ExprRuntimeError", "ExprSyntaxError", "LinkError", "clean_text"]

_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Replace lone surrogates, which would make later UTF-8 encoding (JSON, logs) blow up."""
    if text.isascii():
        return text
    return _SURROGATES.sub("\ufffd", text)


class ExprError(Exception):
    """Base of every error the engine raises."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.reason: str = message
        self.position: int | None = position
        self.message: str = message

    def bind(self, source: str) -> ExprError:
        """Attach the expr-style ``(line:column)`` suffix and source excerpt; idempotent."""
        if self.position is not None and self.message == self.reason:
            self.message = clean_text(format_location(self.reason, self.position, source))
            self.args = (self.message,)
        return self

    def __str__(self) -> str:
        return self.message


class ExprSyntaxError(ExprError):
    """Compile-time failure: syntax, or a type error between literals."""


class ExprRuntimeError(ExprError):
    """Evaluation failure (retryable in the trigger pipeline unless it is a LinkError)."""


class LinkError(ExprRuntimeError):
    """A non-retryable failure of the ``link`` helper (missing link, several links, bad arguments)."""


def format_location(reason: str, position: int, source: str) -> str:
    position = max(0, min(position, len(source)))
    line = source.count("\n", 0, position) + 1
    line_start = source.rfind("\n", 0, position) + 1
    column = position - line_start
    out = f"{reason} ({line}:{column + 1})"
    lines = source.split("\n")
    if line - 1 >= len(lines):
        return out
    snippet = lines[line - 1].replace("\t", " ")
    out += "\n | " + snippet
    # expr drops the caret line when a multi-byte character precedes or sits under the caret, since
    # it cannot know how wide the terminal draws it.
    if snippet[:column].isascii() and snippet[column : column + 1].isascii():
        out += "\n | " + "." * column + "^"
    return out
