"""The interpreter's run state, expression evaluation and errors (formancehq/numscript v0.0.24
interpreter.go, evaluate_expr.go, function_exprs.go, interpreter_error.go)."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from . import syntax as ast
from .errors import INSUFFICIENT_FUND, INTERPRETER_RUNTIME, ScriptError
from .funding import allocate
from .gostring import go_unquote
from .interp_parser import Unsupported
from .interp_values import Acc, AssetName, Text, expect, render, type_of
from .limits import Limits
from .program import Balances
from .values import (
    ACCOUNT,
    ASSET,
    MONETARY,
    NUMBER,
    PORTION,
    STRING,
    Monetary,
    ValueError_,
    is_valid_account,
    is_valid_asset,
    parse_big_int,
    parse_portion,
    rat_string,
)

KEPT = "<kept>"
FLAGS = (
    "experimental-overdraft-function",
    "experimental-get-asset-function",
    "experimental-get-amount-function",
    "experimental-oneof",
    "experimental-account-interpolation",
    "experimental-mid-script-function-call",
    "experimental-asset-colors",
    "experimental-asset-scaling",
)
_FUNCTIONFLAGS = {
    "overdraft": "experimental-overdraft-function",
    "get_asset": "experimental-get-asset-function",
    "get_amount": "experimental-get-amount-function",
}


def runtime(message: str, **details: object) -> ScriptError:
    return ScriptError(INTERPRETER_RUNTIME, message, phase="interpreter", details=dict(details))


def experimental(flag: str) -> ScriptError:
    return runtime(f"this feature is experimental. You need the '{flag}' feature flag to enable it", flag=flag)


class Run:
    def __init__(self, ledger: Balances, limits: Limits):
        self.ledger = ledger
        self.limits = limits
        self.values: dict[str, object] = {}
        self.balances: dict[tuple[str, str], int] = {}
        self.queue: list[list] = []  # [name, amount] senders, front first
        self.postings: list[tuple[str, str, int, str]] = []
        self.tx_meta: dict[str, object] = {}
        self.account_meta: dict[str, dict[str, str]] = {}
        self.asset = ""
        self.in_vars = False

    # -- balances
    def balance(self, account: str, asset: str) -> int:
        key = (account, asset)
        if key not in self.balances:
            self.balances[key] = 0 if account == "world" else int(self.ledger.balance(account, asset))
        return self.balances[key]

    def add(self, account: str, asset: str, delta: int) -> None:
        self.balances[(account, asset)] = self.balance(account, asset) + delta

    # -- variables
    def parse_vars(self, declarations: list[ast.VarDecl], raw: Mapping[str, str]) -> None:
        self.in_vars = True
        for decl in declarations:
            if decl.origin is None:
                if decl.name not in raw:
                    raise runtime(f"Variable is missing in json: {decl.name}")
                self.values[decl.name] = _parse_var(decl.type, raw[decl.name])
            elif isinstance(decl.origin, ast.Call) and decl.origin.name == "meta":
                self.values[decl.name] = _parse_var(decl.type, self._meta(decl.origin))
            elif isinstance(decl.origin, ast.Call) and not isinstance(decl.origin, Unsupported):
                self.values[decl.name] = self.eval(decl.origin)
            else:
                raise experimental("experimental-mid-script-function-call")
        self.in_vars = False

    def _meta(self, call: ast.Call) -> str:
        account, key = self._args(call, [ACCOUNT, STRING])
        value = self.ledger.account_metadata(account, key)  # type: ignore[arg-type]
        if value is None:
            raise runtime(f"account '@{account}' doesn't have metadata associated to the '{key}' key")
        return value

    # -- expressions (evaluate_expr.go)
    def eval(self, node: ast.Expr) -> object:
        if isinstance(node, ast.Literal):
            if node.type == STRING:
                return Text(go_unquote(str(node.value)) or "")
            if node.type == PORTION:
                return parse_portion(str(node.value))
            if node.type == ACCOUNT:
                return Acc(node.value)
            if node.type == ASSET:
                return AssetName(node.value)
            return node.value
        if isinstance(node, ast.Variable):
            if node.name not in self.values:
                raise runtime(f"Unbound variable: ${node.name}")
            return self.values[node.name]
        if isinstance(node, ast.MonetaryLiteral):
            return Monetary(expect(self.eval(node.asset), ASSET), expect(self.eval(node.amount), NUMBER))
        if isinstance(node, ast.Arithmetic):
            return self._arithmetic(node)
        if isinstance(node, ast.Negation):
            value = self.eval(node.operand)
            if isinstance(value, Monetary):
                return Monetary(value.asset, -(value.amount or 0))
            return -expect(value, NUMBER)
        if isinstance(node, ast.Division):
            numerator = expect(self.eval(node.numerator), NUMBER)
            denominator = expect(self.eval(node.denominator), NUMBER)
            if denominator == 0:
                raise runtime(f"cannot divide by zero (in {numerator}/0)")
            return Fraction(numerator, denominator)
        return self._call(node)  # type: ignore[arg-type]

    def _arithmetic(self, node: ast.Arithmetic) -> object:
        left = self.eval(node.first)
        for op, term in node.rest:
            if type_of(left) not in (MONETARY, NUMBER):
                raise runtime(
                    f"Invalid value received. Expecting value of type monetary|number (got {render(left)} instead)"
                )
            right = self.eval(term)
            if isinstance(left, Monetary):
                other: Monetary = expect(right, MONETARY)
                if other.asset != left.asset:
                    raise runtime(f"Mismatched currency (expected '{left.asset}', got '{other.asset}' instead)")
                a, b = left.amount or 0, other.amount or 0
                left = Monetary(left.asset, a + b if op == "+" else a - b)
            else:
                number: int = expect(right, NUMBER)
                left = left + number if op == "+" else left - number  # type: ignore[operator]
        return left

    def _call(self, call: ast.Call) -> object:
        if isinstance(call, Unsupported):
            raise experimental(call.name)
        if not self.in_vars:
            raise experimental("experimental-mid-script-function-call")
        if call.name in _FUNCTIONFLAGS:
            raise experimental(_FUNCTIONFLAGS[call.name])
        if call.name == "meta":
            raise runtime("Invalid nested meta() call")
        if call.name != "balance":
            raise runtime(f"Invalid function: {call.name}")
        account, asset = self._args(call, [ACCOUNT, ASSET])
        balance = self.balance(account, asset)  # type: ignore[arg-type]
        if balance < 0:
            raise runtime(f"Cannot fetch negative balance from account @{account}")
        return Monetary(asset, balance)  # type: ignore[arg-type]

    def _args(self, call: ast.Call, types: list[str]) -> list[object]:
        values = [self.eval(arg) for arg in call.args]
        if len(values) != len(types):
            raise runtime(f"Bad arity: expected {len(types)} arguments (got {len(values)} instead)")
        return [value if kind == "any" else expect(value, kind) for value, kind in zip(values, types, strict=True)]

    # -- statements
    def preload(self, statement: ast.Statement) -> None:
        """batch_balances_query.go: sent values and source accounts are evaluated before any statement runs."""
        if isinstance(statement, ast.Send | ast.Save):
            self._sent(statement)
            if isinstance(statement, ast.Save):
                expect(self.eval(statement.account), ACCOUNT)
            else:
                self._preload_source(statement.source)

    def _preload_source(self, source: ast.Source) -> None:
        if isinstance(source, ast.SourceAccount):
            if isinstance(source.account, Unsupported):
                raise experimental(source.account.name)
            if source.unbounded:
                return
            expect(self.eval(source.account), ACCOUNT)
        elif isinstance(source, ast.SourceMax):
            self._preload_source(source.source)
        elif isinstance(source, ast.SourceInOrder):
            for sub in source.sources:
                self._preload_source(sub)
        else:
            for _, sub in source.items:  # type: ignore[union-attr]
                self._preload_source(sub)

    def _sent(self, statement: ast.Send | ast.Save) -> tuple[str, int | None]:
        if statement.amount is None:
            return expect(self.eval(statement.asset), ASSET), None  # type: ignore[arg-type]
        monetary: Monetary = expect(self.eval(statement.amount), MONETARY)
        return monetary.asset, monetary.amount


def check_args(values: list[object], types: list[str]) -> list[object]:
    if len(values) != len(types):
        raise runtime(f"Bad arity: expected {len(types)} arguments (got {len(values)} instead)")
    return [value if kind == "any" else expect(value, kind) for value, kind in zip(values, types, strict=True)]


def _parse_var(type_name: str, raw: str) -> object:
    """interpreter.go parseVar: the interpreter's own parsing of a variable's string."""
    if type_name == MONETARY:
        parts = raw.split(" ")
        if len(parts) != 2:
            raise runtime(f"invalid monetary literal: '{raw}'")
        amount = parse_big_int(parts[1])
        if amount is None:
            raise runtime(f"invalid number literal: '{parts[1]}'")
        if not is_valid_asset(parts[0]):
            raise runtime(f"Invalid asset name: {parts[0]}")
        return Monetary(AssetName(parts[0]), amount)
    if type_name == ACCOUNT:
        if not is_valid_account(raw):
            raise runtime(f"Invalid account name: @{raw}")
        return Acc(raw)
    if type_name == PORTION:
        try:
            return parse_portion(raw)
        except ValueError_ as error:
            raise runtime(f"Bad portion: {error}") from None
    if type_name == ASSET:
        if not is_valid_asset(raw):
            raise runtime(f"Invalid asset name: {raw}")
        return AssetName(raw)
    if type_name == NUMBER:
        number = parse_big_int(raw)
        if number is None:
            raise runtime(f"invalid number literal: '{raw}'")
        return number
    if type_name == STRING:
        return Text(raw)
    raise runtime(f"This type does not exist: {type_name}")


def missing_funds(asset: str, needed: int, available: int) -> ScriptError:
    return ScriptError(
        INSUFFICIENT_FUND,
        f"Not enough funds. Needed [{asset} {needed}] (only [{asset} {available}] available)",
        phase="interpreter",
    )


def allot(run: Run, amount: int, portions: list[ast.Portion]) -> list[int]:
    """interpreter.go makeAllotment: `remaining` takes what the others leave; otherwise they must sum to 1."""
    ratios: list[Fraction | None] = []
    for portion in portions:
        ratios.append(None if isinstance(portion, ast.Remaining) else expect(run.eval(portion), PORTION))
    known = sum((ratio for ratio in ratios if ratio is not None), Fraction(0))
    if None in ratios:
        index = len(ratios) - 1 - ratios[::-1].index(None)
        ratios = [Fraction(0) if ratio is None else ratio for ratio in ratios]
        ratios[index] = 1 - known
    elif known != 1:
        raise runtime(f"Invalid allotment: portions sum should be 1 (got {rat_string(known)} instead)")
    return allocate(amount, ratios)  # type: ignore[arg-type]
