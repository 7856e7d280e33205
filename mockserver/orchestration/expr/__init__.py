"""A safe evaluator of the expr-lang (v1.16) subset of trigger filters and vars. Imports core, errors.

Nothing here hands user text to Python's ``eval``/``exec``: a hand-written lexer and parser build an
immutable AST (``nodes``), a checker rejects what expr rejects without an environment (``checker``), and
the AST is turned into closures (``evaluator``).

Usage::

    expression = compile_expression('event.amount > 10000 and event.asset startsWith "EUR"')
    expression.evaluate({"event": payload}, functions={"link": link_helper})

Numbers from the environment
    The real service decodes payloads with Go's ``encoding/json``, so every payload number is a
    float64: ``event.n % 2`` fails and the var ``event.amount`` reads ``"1200000"``. ``evaluate``
    therefore converts every ``int`` it finds in the environment (and in values returned by injected
    functions) to ``float`` before use. The conversion walks each variable once per evaluation and copies
    nothing when there is nothing to convert, so decoding payloads with ``json.loads(text,
    parse_int=float)`` makes it free. Integers still exist, as in expr: literals (``42``), ``len()``,
    ``int()`` and ranges.

Errors
    Only ExprError subclasses escape: ExprSyntaxError from ``compile_expression`` (syntax, type errors
    between literals, invalid constant regexes), ExprRuntimeError from ``evaluate``. ``message`` reads
    like expr's, with ``(line:column)`` and a source excerpt; ``reason`` is the bare text. A LinkError
    (or any ExprError) raised by an injected function propagates unchanged apart from gaining a position;
    any other exception from it becomes an ExprRuntimeError (retryable in the trigger pipeline).

Functions
    Builtins (len, lower, upper, trim, int, float, string, abs, split, join, hasPrefix, hasSuffix) are
    resolved at compile time and cannot be overridden. Any other call, such as ``link(event, "rel")``,
    is looked up in ``functions`` at evaluation time; an absent one is a runtime error
    (``unknown func foo``), as unknown names are accepted at compile time.

Limits (mock-specific, all reported as ExprError)
    sources of at most 10,000 characters; nesting depth of 100 (parsing and tree); ranges and other
    allocations within expr's memory budget of 1,000,000 elements; strings built by ``+`` of at most
    10,000,000 characters; regular expressions follow ``regex`` (RE2 syntax; repeated groups that could
    backtrack exponentially are refused).

Known deviations from expr-lang
    * ``let``, predicates and closures (``all``, ``map``, ``filter``, ``#``), pipes into them, the
      ``::`` prefix, ``$env`` and builtins outside the list above are not supported (``let`` is a syntax
      error, other names are unknown functions or variables).
    * Method calls (``a.b()``) always fail at run time: payloads hold no functions.
    * ``1..3 == [1, 2, 3]`` is true here; expr compares a ``[]int`` with a ``[]interface{}`` and says
      false.
    * Regex (see ``regex``): Unicode classes (``\\pL``), negated POSIX classes, ``(?U)`` and repeated
      groups that can match a text in several ways (``(a+)+``, ``(a|ab)*``) are refused (at compile time
      when the pattern is a literal); ``\\b`` follows Python's Unicode notion of a word character.
    * Strings are indexed, sliced and measured in UTF-8 bytes as in Go, but a slice that cuts a
      character yields U+FFFD where Go would keep the broken bytes.
    * Runtime error texts for failures inside Go's reflection (for example indexing a map with a
      number) are close to, not exactly, what Go prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mockserver.orchestration.expr.checker import check
from mockserver.orchestration.expr.errors import ExprError, ExprRuntimeError, ExprSyntaxError, LinkError
from mockserver.orchestration.expr.evaluator import Context, Fn, NilChain, compile_node
from mockserver.orchestration.expr.nodes import Node
from mockserver.orchestration.expr.parser import parse
from mockserver.orchestration.expr.values import to_var_string

__all__ = [
    "MAX_SOURCE_LENGTH",
    "ExprError",
    "ExprRuntimeError",
    "ExprSyntaxError",
    "Expression",
    "LinkError",
    "compile_expression",
    "to_var_string",
]

MAX_SOURCE_LENGTH = 10_000

_NO_FUNCTIONS: Mapping[str, Callable[..., Any]] = {}


class Expression:
    """A compiled expression; immutable and safe to evaluate from several threads at once."""

    __slots__ = ("_fn", "node", "source")

    def __init__(self, source: str, node: Node, fn: Fn) -> None:
        self.source = source
        self.node = node
        self._fn = fn

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"

    def evaluate(
        self,
        env: Mapping[str, Any],
        *,
        functions: Mapping[str, Callable[..., Any]] | None = None,
    ) -> Any:
        """Evaluate against ``env`` (for triggers, ``{"event": payload}``); raises only ExprError."""
        try:
            return self._fn(Context(env, _NO_FUNCTIONS if functions is None else functions))
        except NilChain:
            return None
        except ExprError as exc:
            exc.bind(self.source)
            raise
        except RecursionError:
            raise ExprRuntimeError("value is nested too deeply") from None
        except Exception as exc:
            raise ExprRuntimeError(f"evaluation failed: {type(exc).__name__}: {exc}") from exc


def compile_expression(source: str) -> Expression:
    """Parse and check ``source`` the way the real service does at trigger creation.

    Raises ExprSyntaxError, with expr's ``unexpected token … (1:5)`` style message.
    """
    if not isinstance(source, str):
        raise ExprSyntaxError(f"expression must be a string, not {type(source).__name__}")
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExprSyntaxError(f"expression is longer than {MAX_SOURCE_LENGTH} characters")
    try:
        node = parse(source)
        check(node)
        fn = compile_node(node)
    except ExprError as exc:
        if not isinstance(exc, ExprSyntaxError):
            exc = ExprSyntaxError(exc.reason, exc.position)
        raise exc.bind(source) from None
    except RecursionError:
        raise ExprSyntaxError("expression is nested too deeply") from None
    except Exception as exc:
        raise ExprSyntaxError(f"cannot compile expression: {type(exc).__name__}: {exc}") from exc
    return Expression(source, node, fn)
