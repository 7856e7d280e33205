"""The machine's compile error text: internal/machine/script/compiler/error.go's CompileErrorList, which the
ledger's API returns as "compilation error: ..." -- source lines quoted, carets under the error, and the
terminal colour codes it is printed with (aurora's red, blue and bright black)."""

from __future__ import annotations

import math

from .errors import COMPILATION_FAILED, ScriptError
from .syntax import Span

_RED, _BLUE, _GREY, _CLEAR = "\x1b[31m", "\x1b[34m", "\x1b[90m", "\x1b[0m"


def _red(text: str) -> str:
    return f"{_RED}{text}{_CLEAR}"


def render(source: str, start_line: int, start_col: int, end_line: int, end_col: int, message: str) -> str:
    """One error of a CompileErrorList, as its Error() renders it."""
    text = source.replace("\t", " ").replace("\r\n", "\n")
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + [lines[-1] + "\n"]
    end_line = max(1, min(end_line, len(lines)))
    start_line = max(1, min(start_line, end_line))
    pad = int(math.log10(end_line)) + 1
    out = f"{_red('-->')} error:{start_line}:{start_col}\n"
    out += f"{' ' * pad} {_BLUE}|{_CLEAR}\n"
    for number in range(start_line, end_line + 1):
        line = lines[number - 1]
        before = after = ""
        start = 0
        if number == start_line:
            before, line, start = line[:start_col], line[start_col:], start_col
        if number == end_line:
            index = end_col - start + 1
            if index >= len(line):
                index = len(line) - 1
            index = max(index, 0)
            after, line = line[index:], line[:index]
        out += _red(f"{number:0{pad}d} | ") + f"{_GREY}{before}{_CLEAR}{line}{_GREY}{after}{_CLEAR}"
    last = lines[end_line - 1]
    start = next((i for i, char in enumerate(last) if char != " "), -1)
    span = end_col - start + 1
    if start_line == end_line:
        start, span = start_col, end_col - start_col
    span = max(span, 1)
    out += f"{' ' * pad} {_BLUE}|{_CLEAR} {' ' * max(start, 0)}{_red('^' * span)} {message}\n"
    return "compilation error: " + out


def logic_error(source: str, span: Span, message: str) -> ScriptError:
    """error.go LogicError: the node's first token to the end of its last one."""
    start_line, start_col, end_line, end_col = span
    return ScriptError(
        COMPILATION_FAILED,
        render(source, start_line, start_col, end_line, end_col, message),
        phase="compile",
        details={"line": start_line, "column": start_col, "error": message},
    )


def syntax_error(source: str, error: ScriptError) -> ScriptError:
    """error.go's ErrorListener: the offending token (end column inside it)."""
    line = error.details.get("line", 1)
    column = error.details.get("column", 0)
    length = error.details.get("length", 1)
    rendered = render(source, line, column, line, column + length - 1, error.message)
    return ScriptError(
        COMPILATION_FAILED,
        rendered,
        phase="compile",
        details={"line": line, "column": column, "error": error.message},
    )
