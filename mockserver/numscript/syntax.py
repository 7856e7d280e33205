"""The syntax tree both engines run: expressions, sources, destinations, statements.

Every node keeps its span (line and column of its first token, line and end column of its last one), which
the machine's compile errors quote (internal/machine/script/compiler/error.go LogicError).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Span = tuple[int, int, int, int]  # start line, start column, stop line, stop column + stop text length


@dataclass(slots=True)
class Literal:
    type: str
    value: object
    span: Span


@dataclass(slots=True)
class Variable:
    name: str
    span: Span


@dataclass(slots=True)
class MonetaryLiteral:
    asset: Expr
    amount: Expr  # a NUMBER literal in the machine; any number expression in the interpreter
    span: Span


@dataclass(slots=True)
class Arithmetic:
    """A left-associative chain `first op term op term ...` (kept flat so no chain length can recurse)."""

    first: Expr
    rest: list[tuple[str, Expr]]
    span: Span
    depth: int = 0  # how deeply operators nest under it (the interpreter bounds it)


@dataclass(slots=True)
class Negation:  # interpreter only: `-expr`
    operand: Expr
    span: Span
    depth: int = 0


@dataclass(slots=True)
class Division:  # interpreter only: number / number -> portion
    numerator: Expr
    denominator: Expr
    span: Span
    depth: int = 0


@dataclass(slots=True)
class Call:  # interpreter only: meta(...), balance(...), and the flagged functions
    name: str
    args: list[Expr]
    span: Span


Expr = Literal | Variable | MonetaryLiteral | Arithmetic | Negation | Division | Call


@dataclass(slots=True)
class Remaining:
    span: Span


Portion = Expr | Remaining  # a PORTION literal, a variable, or `remaining`


@dataclass(slots=True)
class SourceAccount:
    account: Expr
    overdraft: Expr | None  # a monetary bound
    unbounded: bool
    span: Span
    overdraft_span: Span | None = None  # from the 'allowing overdraft up to' keyword to the bound's end


@dataclass(slots=True)
class SourceMax:
    cap: Expr
    source: Source
    span: Span


@dataclass(slots=True)
class SourceInOrder:
    sources: list[Source]
    span: Span


@dataclass(slots=True)
class SourceAllotment:
    items: list[tuple[Portion, Source]]
    span: Span


Source = SourceAccount | SourceMax | SourceInOrder | SourceAllotment


@dataclass(slots=True)
class DestinationAccount:
    account: Expr
    span: Span


@dataclass(slots=True)
class DestinationInOrder:
    items: list[tuple[Expr, Destination | None]]  # (max, destination or None for kept)
    remaining: Destination | None
    span: Span


@dataclass(slots=True)
class DestinationAllotment:
    items: list[tuple[Portion, Destination | None]]
    span: Span


Destination = DestinationAccount | DestinationInOrder | DestinationAllotment


@dataclass(slots=True)
class Send:
    amount: Expr | None  # a monetary expression, or None when sending all of `asset`
    asset: Expr | None  # the asset of `[ASSET *]`
    source: Source
    destination: Destination
    span: Span


@dataclass(slots=True)
class Save:
    amount: Expr | None
    asset: Expr | None
    account: Expr
    span: Span


@dataclass(slots=True)
class SetTxMeta:
    key: str
    value: Expr
    span: Span


@dataclass(slots=True)
class SetAccountMeta:
    account: Expr
    key: str
    value: Expr
    span: Span


@dataclass(slots=True)
class Print:
    value: Expr
    span: Span


@dataclass(slots=True)
class Fail:
    span: Span


@dataclass(slots=True)
class CallStatement:  # interpreter only: an unknown function called as a statement
    call: Call
    span: Span


Statement = Send | Save | SetTxMeta | SetAccountMeta | Print | Fail | CallStatement


@dataclass(slots=True)
class VarDecl:
    type: str
    name: str
    origin: Call | Expr | None  # meta(...) / balance(...) in the machine
    span: Span


@dataclass(slots=True)
class Script:
    variables: list[VarDecl]
    statements: list[Statement]
    vars_span: Span | None = None
    features: list[str] = field(default_factory=list)
