"""Type-checks the machine's expressions and turns each into a function of the run's state.

Checks and messages are internal/machine/script/compiler/compiler.go's VisitExpr and VisitLit, in their
order. A monetary expression also yields its *address*: the left-most operand, which the release uses
where it needs "the asset of the amount" (and, as a quirk, as the whole amount of `save a + b from @x`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import syntax as ast
from .diagnostics import logic_error
from .gostring import go_unquote
from .machine_state import MachineState, internal
from .values import ACCOUNT, ASSET, MONETARY, NUMBER, PORTION, STRING, Monetary, ValueError_, parse_portion

Eval = Callable[[MachineState], object]


@dataclass(frozen=True, slots=True)
class Typed:
    type: str
    eval: Eval
    address: Eval | None = None  # the left-most operand's value (a monetary's asset source)
    world: bool = False  # the `@world` literal, which the release treats as unbounded


class ExprCompiler:
    def __init__(self, text: str, var_types: dict[str, str]):
        self.text = text
        self.var_types = var_types

    def error(self, span: ast.Span, message: str) -> Exception:
        return logic_error(self.text, span, message)

    def compile(self, node: ast.Expr) -> Typed:
        if isinstance(node, ast.Arithmetic):
            return self._arithmetic(node)
        if isinstance(node, ast.Variable):
            return self.variable(node)
        if isinstance(node, ast.MonetaryLiteral):
            return self._monetary(node)
        assert isinstance(node, ast.Literal)
        return self._literal(node)

    def variable(self, node: ast.Variable) -> Typed:
        type_name = self.var_types.get(node.name)
        if type_name is None:
            raise self.error(node.span, "variable not declared")
        name = node.name

        def read(state: MachineState) -> object:
            return state.values[name]

        return Typed(type_name, read, read)

    def string(self, token: object, span: ast.Span) -> str:
        text = go_unquote(str(token))
        if text is None:
            raise self.error(span, "invalid syntax")
        return text

    def _literal(self, node: ast.Literal) -> Typed:
        value = node.value
        if node.type == STRING:
            value = self.string(value, node.span)
        elif node.type == PORTION:
            try:
                value = parse_portion(str(value))
            except ValueError_ as error:
                raise self.error(node.span, str(error)) from None
        constant = value

        def read(_: MachineState) -> object:
            return constant

        return Typed(node.type, read, read, world=node.type == ACCOUNT and value == "world")

    def _monetary(self, node: ast.MonetaryLiteral) -> Typed:
        asset = self.compile(node.asset)
        if asset.type != ASSET:
            raise self.error(
                node.span, f"the expression in monetary literal should be of type 'asset' instead of '{asset.type}'"
            )
        asset_of = asset.eval
        amount = node.amount.value  # type: ignore[union-attr]

        def read(state: MachineState) -> object:
            return Monetary(asset_of(state), amount)  # type: ignore[arg-type]

        return Typed(MONETARY, read, read)

    def _arithmetic(self, node: ast.Arithmetic) -> Typed:
        left = self.compile(node.first)
        start = node.first.span
        terms: list[tuple[str, Eval]] = []
        for op, term in node.rest:
            span = (start[0], start[1], term.span[2], term.span[3])
            if left.type not in (NUMBER, MONETARY):
                raise self.error(
                    span,
                    f"tried to do an arithmetic operation with unsupported left-hand side operand type: {left.type}",
                )
            right = self.compile(term)
            if right.type != left.type:
                raise self.error(
                    span,
                    "tried to do an arithmetic operation with incompatible left and right-hand side operand types: "
                    f"{left.type} and {right.type}",
                )
            terms.append((op, right.eval))
        first = left.eval
        if left.type == NUMBER:
            return Typed(NUMBER, _number_chain(first, terms))
        return Typed(MONETARY, _monetary_chain(first, terms), left.address)


def _number_chain(first: Eval, terms: list[tuple[str, Eval]]) -> Eval:
    def run(state: MachineState) -> object:
        total = first(state) or 0
        for op, term in terms:
            value = term(state) or 0
            total = total + value if op == "+" else total - value  # type: ignore[operator]
        return total

    return run


def _monetary_chain(first: Eval, terms: list[tuple[str, Eval]]) -> Eval:
    def run(state: MachineState) -> object:
        left: Monetary = first(state)  # type: ignore[assignment]
        for op, term in terms:
            right: Monetary = term(state)  # type: ignore[assignment]
            if left.asset != right.asset:
                if op == "+":
                    raise internal(f"cannot add different assets: {left.asset} and {right.asset}")
                raise internal("OP_MONETARY_SUB")
            a, b = left.amount or 0, right.amount or 0
            left = Monetary(left.asset, a + b if op == "+" else a - b)
        return left

    return run
