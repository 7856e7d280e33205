"""AST of the expression language (immutable), and a printer back to source text.

``pos`` is the 0-based character offset expr-lang would blame for an error in that node: the operator
for binary and unary nodes, the property name for ``a.b``, the ``[`` for ``a[i]``, the function name
for calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ArrayLit",
    "Binary",
    "Call",
    "Chain",
    "Conditional",
    "Ident",
    "Literal",
    "MapLit",
    "Member",
    "MethodCall",
    "Node",
    "Slice",
    "Unary",
    "children",
    "to_source",
]


@dataclass(frozen=True, slots=True)
class Node:
    pos: int


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: Any  # None, bool, int, float or str


@dataclass(frozen=True, slots=True)
class Ident(Node):
    name: str


@dataclass(frozen=True, slots=True)
class ArrayLit(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class MapLit(Node):
    pairs: tuple[tuple[Node, Node], ...]


@dataclass(frozen=True, slots=True)
class Member(Node):
    """``obj.name`` (``dot`` true, ``prop`` a string Literal) or ``obj[prop]``; ``?.`` sets optional."""

    obj: Node
    prop: Node
    optional: bool = False
    dot: bool = False


@dataclass(frozen=True, slots=True)
class Chain(Node):
    """Scope of optional chaining: a nil before any ``?.`` inside makes the whole chain nil."""

    inner: Node


@dataclass(frozen=True, slots=True)
class Slice(Node):
    obj: Node
    start: Node | None
    stop: Node | None


@dataclass(frozen=True, slots=True)
class Call(Node):
    """``name(args)``: a builtin, or a function supplied at evaluation time (``link``)."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class MethodCall(Node):
    callee: Member
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unary(Node):
    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Conditional(Node):
    cond: Node
    then: Node
    otherwise: Node


def children(node: Node) -> tuple[Node, ...]:
    """Direct sub-expressions of a node, for walks that must not recurse."""
    match node:
        case ArrayLit(items=items):
            return items
        case MapLit(pairs=pairs):
            return tuple(part for pair in pairs for part in pair)
        case Member(obj=obj, prop=prop):
            return (obj, prop)
        case Chain(inner=inner):
            return (inner,)
        case Slice(obj=obj, start=start, stop=stop):
            return tuple(n for n in (obj, start, stop) if n is not None)
        case Call(args=args):
            return args
        case MethodCall(callee=callee, args=args):
            return (callee, *args)
        case Unary(operand=operand):
            return (operand,)
        case Binary(left=left, right=right):
            return (left, right)
        case Conditional(cond=cond, then=then, otherwise=otherwise):
            return (cond, then, otherwise)
    return ()


_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
_RESERVED = frozenset(
    {"not", "in", "or", "and", "matches", "contains", "startsWith", "endsWith", "let", "true", "false", "nil"}
)
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def quote(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def _literal(value: Any) -> str:
    if value is None:
        return "nil"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is str:
        return quote(value)
    if type(value) is float:
        return repr(value)
    return str(value)


def to_source(node: Node) -> str:
    """Print an AST as source that compiles back to an equivalent expression (fully parenthesized)."""
    match node:
        case Literal(value=value):
            return _literal(value)
        case Ident(name=name):
            return name
        case ArrayLit(items=items):
            return "[" + ", ".join(to_source(item) for item in items) + "]"
        case MapLit(pairs=pairs):
            return "{" + ", ".join(f"({to_source(k)}): {to_source(v)}" for k, v in pairs) + "}"
        case Member(obj=obj, prop=prop, optional=optional, dot=dot):
            head = _operand(obj)
            name = prop.value if dot and isinstance(prop, Literal) and isinstance(prop.value, str) else None
            if name is not None and _NAME.match(name) and name not in _RESERVED:
                return f"{head}{'?.' if optional else '.'}{name}"
            return f"{head}{'?.' if optional else ''}[{to_source(prop)}]"
        case Chain(inner=inner):
            return to_source(inner)
        case Slice(obj=obj, start=start, stop=stop):
            lo = "" if start is None else to_source(start)
            hi = "" if stop is None else to_source(stop)
            return f"{_operand(obj)}[{lo}:{hi}]"
        case Call(name=name, args=args):
            return f"{name}(" + ", ".join(to_source(a) for a in args) + ")"
        case MethodCall(callee=callee, args=args):
            return to_source(callee) + "(" + ", ".join(to_source(a) for a in args) + ")"
        case Unary(op=op, operand=operand):
            return f"({op} {to_source(operand)})"
        case Binary(op=op, left=left, right=right):
            return f"({to_source(left)} {op} {to_source(right)})"
        case Conditional(cond=cond, then=then, otherwise=otherwise):
            return f"({to_source(cond)} ? {to_source(then)} : {to_source(otherwise)})"
    raise TypeError(f"not an expression node: {node!r}")


def _operand(node: Node) -> str:
    """Postfix operators bind tighter than anything, so only atoms may stand bare before them."""
    text = to_source(node)
    # Of the literals only strings take postfixes: expr parses "1.x" as a bad number and "nil.x" as an
    # error, while "(nil).x" is a valid (failing) member access.
    atom = isinstance(node, Literal | Ident | ArrayLit | MapLit | Member | Chain | Slice | Call | MethodCall)
    if atom and not (isinstance(node, Literal) and type(node.value) is not str):
        return text
    return f"({text})"
