"""Compile-time type check: what expr-lang rejects without an environment.

Triggers are compiled without knowing the payload, so every identifier, member, index and unknown
function is of unknown type and passes. Only facts visible in the text are checked: types of literals
and of what is built from them (``1 + "a"``, ``"a" > 1``, ``not 1``, ``len(1)``, ``1 % 0``), the arity
of builtins, and constant regular expressions of ``matches``.
"""

from __future__ import annotations

from mockserver.orchestration.expr.builtins import BUILTINS, GO_NAMES
from mockserver.orchestration.expr.errors import ExprSyntaxError
from mockserver.orchestration.expr.nodes import (
    ArrayLit,
    Binary,
    Call,
    Chain,
    Conditional,
    Ident,
    Literal,
    MapLit,
    Member,
    MethodCall,
    Node,
    Slice,
    Unary,
)
from mockserver.orchestration.expr.regex import RegexError, compile_re2

__all__ = ["check"]

ANY = "any"
NUMBERS = frozenset({"int", "float"})
STRING_OPS = frozenset({"contains", "startsWith", "endsWith", "matches"})


def _kind_of(value: object) -> str:
    if value is None:
        return "nil"
    return {bool: "bool", int: "int", float: "float", str: "string"}[type(value)]


def _known(kind: str) -> bool:
    # nil is left to run time, as expr lets nil meet most operators at compile time.
    return kind not in (ANY, "nil")


def _name(kind: str) -> str:
    return GO_NAMES.get(kind, kind)


def _mismatch(node: Binary, left: str, right: str) -> ExprSyntaxError:
    return ExprSyntaxError(
        f"invalid operation: {node.op} (mismatched types {_name(left)} and {_name(right)})", node.pos
    )


def check(node: Node) -> str:
    """Return the static kind of ``node``; raise ExprSyntaxError on a type error between literals."""
    match node:
        case Literal(value=value):
            return _kind_of(value)
        case Ident():
            return ANY
        case ArrayLit(items=items):
            for item in items:
                check(item)
            return "array"
        case MapLit(pairs=pairs):
            for key, value in pairs:
                kind = check(key)
                if _known(kind) and kind != "string":
                    raise ExprSyntaxError(f"cannot use {_name(kind)} as map key", key.pos)
                check(value)
            return "map"
        case Member(obj=obj, prop=prop):
            base, index = check(obj), check(prop)
            if base == "array" and _known(index) and index not in NUMBERS:
                raise ExprSyntaxError(
                    f"array elements can only be selected using an integer (got {_name(index)})", prop.pos
                )
            if base in ("int", "float", "bool"):
                raise ExprSyntaxError(f"type {_name(base)}[{_name(index)}] is undefined", node.pos)
            return ANY
        case Chain(inner=inner):
            check(inner)
            return ANY
        case Slice(obj=obj, start=start, stop=stop):
            base = check(obj)
            for bound in (start, stop):
                if bound is not None:
                    kind = check(bound)
                    if _known(kind) and kind not in NUMBERS:
                        raise ExprSyntaxError(f"non-integer slice index (type {_name(kind)})", bound.pos)
            if base in ("int", "float", "bool", "map"):
                raise ExprSyntaxError(f"cannot slice {_name(base)}", node.pos)
            return base if base in ("array", "string") else ANY
        case Call(name=name, args=args):
            kinds = [check(arg) for arg in args]
            builtin = BUILTINS.get(name)
            if builtin is None:
                return ANY
            try:
                return builtin.check(kinds)
            except ValueError as exc:
                raise ExprSyntaxError(str(exc), node.pos) from None
        case MethodCall(callee=callee, args=args):
            check(callee)
            for arg in args:
                check(arg)
            return ANY
        case Unary(op=op, operand=operand):
            kind = check(operand)
            wanted = ("bool",) if op in ("not", "!") else ("int", "float")
            if _known(kind) and kind not in wanted:
                message = f"invalid operation: {op} (mismatched type {_name(kind)})"
                raise ExprSyntaxError(message, node.pos)
            if op in ("not", "!"):
                return "bool"
            return kind if kind in NUMBERS else ANY
        case Binary():
            return _check_binary(node, check(node.left), check(node.right))
        case Conditional(cond=cond, then=then, otherwise=otherwise):
            kind = check(cond)
            if _known(kind) and kind != "bool":
                raise ExprSyntaxError(f"non-bool expression (type {_name(kind)}) used as condition", node.pos)
            first, second = check(then), check(otherwise)
            return first if first == second else ANY
    raise ExprSyntaxError(f"unsupported expression node {type(node).__name__}", node.pos)


def _check_binary(node: Binary, left: str, right: str) -> str:
    op = node.op
    both = _known(left) and _known(right)
    if op in ("==", "!="):
        if both and left != right and not (left in NUMBERS and right in NUMBERS):
            raise _mismatch(node, left, right)
        return "bool"
    if op in ("<", ">", "<=", ">="):
        if both and not ((left in NUMBERS and right in NUMBERS) or left == right == "string"):
            raise _mismatch(node, left, right)
        return "bool"
    if op in ("and", "&&", "or", "||"):
        if (_known(left) and left != "bool") or (_known(right) and right != "bool"):
            raise _mismatch(node, left, right)
        return "bool"
    if op == "??":
        return right if left == "nil" else left if _known(left) else ANY
    if op == "in":
        if _known(right) and right not in ("array", "map"):
            raise _mismatch(node, left, right)
        if right == "map" and _known(left) and left != "string":
            raise ExprSyntaxError(f"cannot use {_name(left)} as type string in map key", node.pos)
        return "bool"
    if op in STRING_OPS:
        if (_known(left) and left != "string") or (_known(right) and right != "string"):
            raise _mismatch(node, left, right)
        if op == "matches" and isinstance(node.right, Literal) and type(node.right.value) is str:
            try:
                compile_re2(node.right.value)
            except RegexError as exc:
                raise ExprSyntaxError(str(exc), node.right.pos) from None
        return "bool"
    if op == "..":
        if (_known(left) and left != "int") or (_known(right) and right != "int"):
            raise _mismatch(node, left, right)
        return "array"
    if op == "+" and "string" in (left, right):
        if left in ("string", ANY, "nil") and right in ("string", ANY, "nil"):
            return "string" if left == right else ANY
        raise _mismatch(node, left, right)
    if op == "%":
        if (_known(left) and left != "int") or (_known(right) and right != "int"):
            raise _mismatch(node, left, right)
        # expr folds constants, so a literal "% 0" fails at compile time.
        divisor = node.right.value if isinstance(node.right, Literal) else None
        if type(divisor) is int and divisor == 0 and isinstance(node.left, Literal):
            raise ExprSyntaxError("integer divide by zero", node.pos)
        return "int"
    # + - * / ** ^
    if (_known(left) and left not in NUMBERS) or (_known(right) and right not in NUMBERS):
        raise _mismatch(node, left, right)
    if op in ("/", "**", "^"):
        return "float"
    if left == right == "int":
        return "int"
    return "float" if both else ANY
