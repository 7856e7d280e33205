"""Turns a checked AST into nested Python closures, so evaluating a trigger filter is a few calls.

Every closure takes a Context (the variables of one evaluation); operators live in ``closures``.
"""

from __future__ import annotations

from typing import Any

from mockserver.orchestration.expr import ops
from mockserver.orchestration.expr.builtins import BUILTINS
from mockserver.orchestration.expr.closures import Context, Fn, NilChain, binary_closure, stamp, unary_closure
from mockserver.orchestration.expr.errors import ExprError, ExprRuntimeError
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
from mockserver.orchestration.expr.values import go_type, import_value

__all__ = ["Context", "Fn", "NilChain", "compile_node"]


def _compile_member(node: Member) -> Fn:
    obj, pos, optional = compile_node(node.obj), node.pos, node.optional
    if isinstance(node.prop, Literal) and type(node.prop.value) is str:
        key = node.prop.value

        def run_key(ctx: Context) -> Any:
            base = obj(ctx)
            if type(base) is dict:
                return base.get(key)
            if base is None and optional:
                raise NilChain
            try:
                return ops.fetch(base, key)
            except ExprError as exc:
                stamp(exc, pos)
                raise

        return run_key
    prop = compile_node(node.prop)

    def run_index(ctx: Context) -> Any:
        base = obj(ctx)
        if base is None and optional:
            raise NilChain
        index = prop(ctx)
        try:
            return ops.fetch(base, index)
        except ExprError as exc:
            stamp(exc, pos)
            raise

    return run_index


def _compile_call(node: Call) -> Fn:
    args = [compile_node(arg) for arg in node.args]
    name, pos = node.name, node.pos
    builtin = BUILTINS.get(name)
    if builtin is not None:
        fn = builtin.fn

        def run_builtin(ctx: Context) -> Any:
            values = [arg(ctx) for arg in args]
            try:
                return fn(*values)
            except ExprError as exc:
                stamp(exc, pos)
                raise

        return run_builtin

    def run_function(ctx: Context) -> Any:
        fn = ctx.functions.get(name)
        if fn is None:
            raise ExprRuntimeError(f"unknown func {name}", pos)
        values = [arg(ctx) for arg in args]
        try:
            return import_value(fn(*values))
        except ExprError as exc:
            stamp(exc, pos)
            raise
        except RecursionError:
            raise
        except Exception as exc:
            raise ExprRuntimeError(str(exc) or type(exc).__name__, pos) from exc

    return run_function


def _compile_map(node: MapLit) -> Fn:
    pairs = [(compile_node(k), compile_node(v), k.pos) for k, v in node.pairs]

    def run(ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_fn, value_fn, pos in pairs:
            try:
                key = ops.as_str(key_fn(ctx))
            except ExprError as exc:
                stamp(exc, pos)
                raise
            out[key] = value_fn(ctx)
        return out

    return run


def compile_node(node: Node) -> Fn:
    match node:
        case Literal(value=value):
            return lambda ctx: value
        case Ident(name=name):
            return lambda ctx: ctx.lookup(name)
        case ArrayLit(items=items):
            fns = [compile_node(item) for item in items]
            return lambda ctx: [fn(ctx) for fn in fns]
        case MapLit():
            return _compile_map(node)
        case Member():
            return _compile_member(node)
        case Chain(inner=inner):
            body = compile_node(inner)

            def run_chain(ctx: Context) -> Any:
                try:
                    return body(ctx)
                except NilChain:
                    return None

            return run_chain
        case Slice(obj=obj, start=start, stop=stop, pos=pos):
            base = compile_node(obj)
            lo = compile_node(start) if start is not None else None
            hi = compile_node(stop) if stop is not None else None

            def run_slice(ctx: Context) -> Any:
                value = base(ctx)
                first = lo(ctx) if lo is not None else None
                last = hi(ctx) if hi is not None else None
                try:
                    return ops.slice_of(value, first, last)
                except ExprError as exc:
                    stamp(exc, pos)
                    raise

            return run_slice
        case Call():
            return _compile_call(node)
        case MethodCall(callee=callee, pos=pos):
            target = compile_node(callee.obj)
            name = callee.prop.value if isinstance(callee.prop, Literal) else "?"
            optional = callee.optional

            def run_method(ctx: Context) -> Any:
                value = target(ctx)
                if value is None and optional:
                    raise NilChain
                raise ExprRuntimeError(f"cannot call method {name} of {go_type(value)}", pos)

            return run_method
        case Unary(op=op, operand=operand, pos=pos):
            return unary_closure(op, compile_node(operand), pos)
        case Binary(op=op, left=left, right=right, pos=pos):
            return binary_closure(op, compile_node(left), compile_node(right), right, pos)
        case Conditional(cond=cond, then=then, otherwise=otherwise, pos=pos):
            test, yes, no = compile_node(cond), compile_node(then), compile_node(otherwise)

            def run_conditional(ctx: Context) -> Any:
                flag = test(ctx)
                if flag is True:
                    return yes(ctx)
                if flag is False:
                    return no(ctx)
                raise ExprRuntimeError(ops.as_bool_error(flag).reason, pos)

            return run_conditional
    raise ExprRuntimeError(f"unsupported expression node {type(node).__name__}", node.pos)
