"""Closures for operators, and the per-evaluation Context they run in.

Helpers in ``ops`` raise errors without a position; the closure that called them stamps its node's
position, which is what expr reports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mockserver.orchestration.expr import ops
from mockserver.orchestration.expr.errors import ExprError, ExprRuntimeError
from mockserver.orchestration.expr.nodes import Literal, Node
from mockserver.orchestration.expr.regex import RegexError, compile_re2
from mockserver.orchestration.expr.values import go_type, import_value

__all__ = ["MEMORY_BUDGET", "Context", "Fn", "NilChain", "binary_closure", "stamp", "unary_closure"]


# expr's default memory budget; ranges draw on it.
MEMORY_BUDGET = 1_000_000
_MISSING = object()


class Context:
    __slots__ = ("cache", "env", "functions", "memory")

    def __init__(self, env: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> None:
        self.env = env
        self.functions = functions
        self.cache: dict[str, Any] = {}
        self.memory = 0

    def lookup(self, name: str) -> Any:
        """A variable, converted once per evaluation (JSON numbers become floats)."""
        value = self.cache.get(name, _MISSING)
        if value is not _MISSING:
            return value
        value = import_value(self.env.get(name))
        self.cache[name] = value
        return value


Fn = Callable[[Context], Any]


class NilChain(Exception):
    """Raised by ``a?.b`` when ``a`` is nil; caught by the enclosing Chain, which yields nil."""


def stamp(exc: ExprError, pos: int) -> None:
    if exc.position is None:
        exc.position = pos


def _binary(fn: Callable[[Any, Any], Any], left: Fn, right: Fn, pos: int) -> Fn:
    def run(ctx: Context) -> Any:
        a = left(ctx)
        b = right(ctx)
        try:
            return fn(a, b)
        except ExprError as exc:
            stamp(exc, pos)
            raise

    return run


def _compare(op: str, left: Fn, right: Fn, pos: int) -> Fn:
    test: Callable[[Any, Any], bool] = {
        "<": lambda x, y: x < y,
        ">": lambda x, y: x > y,
        "<=": lambda x, y: x <= y,
        ">=": lambda x, y: x >= y,
    }[op]

    def run(ctx: Context) -> bool:
        a = left(ctx)
        b = right(ctx)
        if type(a) is float and type(b) is float:
            return test(a, b)
        try:
            x, y = ops.ordered(a, b, op)
        except ExprError as exc:
            stamp(exc, pos)
            raise
        return test(x, y)

    return run


def _logic(op: str, left: Fn, right: Fn, pos: int) -> Fn:
    # Like expr's jump opcodes: the left side must be a bool, the right side is returned unchecked.
    if op in ("and", "&&"):

        def run_and(ctx: Context) -> Any:
            a = left(ctx)
            if a is True:
                return right(ctx)
            if a is False:
                return False
            raise ExprRuntimeError(ops.as_bool_error(a).reason, pos)

        return run_and

    def run_or(ctx: Context) -> Any:
        a = left(ctx)
        if a is False:
            return right(ctx)
        if a is True:
            return True
        raise ExprRuntimeError(ops.as_bool_error(a).reason, pos)

    return run_or


def _string_op(op: str, left: Fn, right: Fn, right_node: Node, pos: int) -> Fn:
    if op == "matches":
        constant = right_node.value if isinstance(right_node, Literal) else None
        fixed = compile_re2(constant) if type(constant) is str else None

        def matches(a: Any, b: Any) -> bool:
            text = ops.as_str(a)
            pattern = fixed
            if pattern is None:
                try:
                    pattern = compile_re2(ops.as_str(b))
                except RegexError as exc:
                    raise ExprRuntimeError(str(exc)) from None
            return pattern.search(text) is not None

        return _binary(matches, left, right, pos)
    method = {"contains": str.__contains__, "startsWith": str.startswith, "endsWith": str.endswith}[op]
    return _binary(lambda a, b: method(ops.as_str(a), ops.as_str(b)), left, right, pos)


def _make_range(ctx: Context, a: Any, b: Any) -> list[int]:
    if type(a) is not int or type(b) is not int:
        bad = a if type(a) is not int else b
        kind = "nil" if bad is None else go_type(bad)
        raise ExprRuntimeError(f"interface conversion: interface {{}} is {kind}, not int")
    size = b - a + 1
    if size <= 0:
        return []
    ctx.memory += size
    if ctx.memory >= MEMORY_BUDGET:
        raise ExprRuntimeError("memory budget exceeded")
    return list(range(a, b + 1))


def binary_closure(op: str, left: Fn, right: Fn, right_node: Node, pos: int) -> Fn:
    """The closure of ``left op right`` given its compiled operands."""
    if op in ("and", "&&", "or", "||"):
        return _logic(op, left, right, pos)
    if op == "??":
        return lambda ctx: right(ctx) if (value := left(ctx)) is None else value
    if op in ("<", ">", "<=", ">="):
        return _compare(op, left, right, pos)
    if op == "==":
        return _binary(ops.equal, left, right, pos)
    if op == "!=":
        return _binary(lambda a, b: not ops.equal(a, b), left, right, pos)
    if op == "in":
        return _binary(ops.member_in, left, right, pos)
    if op in ("contains", "startsWith", "endsWith", "matches"):
        return _string_op(op, left, right, right_node, pos)
    if op == "..":

        def run_range(ctx: Context) -> list[int]:
            a = left(ctx)
            b = right(ctx)
            try:
                return _make_range(ctx, a, b)
            except ExprError as exc:
                stamp(exc, pos)
                raise

        return run_range
    arithmetic: dict[str, Callable[[Any, Any], Any]] = {
        "+": ops.add,
        "-": ops.subtract,
        "*": ops.multiply,
        "/": ops.divide,
        "%": ops.modulo,
        "**": ops.power,
        "^": ops.power,
    }
    return _binary(arithmetic[op], left, right, pos)


def unary_closure(op: str, operand: Fn, pos: int) -> Fn:
    if op in ("not", "!"):

        def run_not(ctx: Context) -> bool:
            value = operand(ctx)
            if value is True:
                return False
            if value is False:
                return True
            raise ExprRuntimeError(ops.as_bool_error(value).reason, pos)

        return run_not
    if op == "+":
        return operand

    def run_negate(ctx: Context) -> Any:
        try:
            return ops.negate(operand(ctx))
        except ExprError as exc:
            stamp(exc, pos)
            raise

    return run_negate
