"""Compiles the machine's sources and destinations into functions over fundings.

Sources follow internal/machine/script/compiler/source.go: each yields a funding of everything it can give
(bounded accounts emptied to their floor), the send takes what it needs from the front and repays the rest.
Destinations follow destination.go: an account takes the whole funding; `max` clauses take from the front;
`kept` amounts go back to the *last* parts of the funding (reverse, take, reverse), which is where the release
repays them from; allotments take each share from the front in turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from . import syntax as ast
from .funding import allocate, make_allotment, take, total
from .machine_exprs import Eval, ExprCompiler, Typed
from .machine_state import Funding, MachineState, assemble, internal, reverse
from .values import ACCOUNT, MONETARY, PORTION, Monetary, parse_portion

SourceRun = Callable[[MachineState, str], Funding]
DestinationRun = Callable[[MachineState, Funding], Funding]


@dataclass
class CompiledSource:
    run: SourceRun
    fallback: Eval | None  # the unbounded account that covers what the others lack
    needed: list[Eval] = field(default_factory=list)  # bounded accounts: their balances are loaded
    emptied: list[tuple[object, ...]] = field(default_factory=list)


def _identity(node: ast.Expr) -> tuple[object, ...]:
    """What the release calls the same account: one constant per literal, one resource per variable."""
    if isinstance(node, ast.Literal):
        return ("literal", node.value)
    if isinstance(node, ast.Variable):
        return ("variable", node.name)
    return ("node", id(node))


def _label(node: ast.Expr, types: dict[str, str]) -> str:
    if isinstance(node, ast.Variable):
        return f"<{types.get(node.name, ACCOUNT)} {node.name}>"
    return f"@{node.value}" if isinstance(node, ast.Literal) else "?"


def take_from_source(state: MachineState, funding: Funding, amount: Monetary, fallback: Eval | None) -> Funding:
    """compiler TakeFromSource: exactly `amount`, the unbounded fallback covering what is missing."""
    if fallback is None:
        taken, remainder = state.take(funding, amount)
        state.repay(remainder)
        return taken
    taken, remainder, missing = state.take_max(funding, amount)
    state.repay(remainder)
    extra = state.withdraw_always(fallback(state), Monetary(amount.asset, missing))  # type: ignore[arg-type]
    return assemble([taken, extra])


class FlowCompiler:
    def __init__(self, exprs: ExprCompiler):
        self.exprs = exprs

    def source(self, node: ast.Source, is_all: bool) -> CompiledSource:
        if isinstance(node, ast.SourceAccount):
            return self._account(node, is_all)
        if isinstance(node, ast.SourceMax):
            return self._max(node)
        if isinstance(node, ast.SourceInOrder):
            return self._in_order(node, is_all)
        raise AssertionError(node)

    def _account(self, node: ast.SourceAccount, is_all: bool) -> CompiledSource:
        account = self.exprs.compile(node.account)
        if account.type != ACCOUNT:
            raise self.exprs.error(node.span, "wrong type: expected account or allocation as destination")
        account_of = account.eval
        fallback = account_of if account.world else None
        overdraft: Typed | None = None
        if node.overdraft is not None or node.unbounded:
            if account.world:
                raise self.exprs.error(node.span, "@world is already set to an unbounded overdraft")
            if node.overdraft is not None:
                overdraft = self.exprs.compile(node.overdraft)
                if overdraft.type != MONETARY:
                    raise self.exprs.error(node.overdraft_span or node.span, "wrong type: expected monetary")
            else:
                fallback = account_of
        if fallback is not None and is_all:
            raise self.exprs.error(node.span, "cannot take all balance of an unbounded source")
        unbounded = fallback is not None
        bound = overdraft.eval if overdraft else None

        def run(state: MachineState, asset: str) -> Funding:
            address: str = account_of(state)  # type: ignore[assignment]
            if unbounded:
                return state.withdraw_always(address, Monetary(asset, 0))
            if bound is not None:
                limit: Monetary = bound(state)  # type: ignore[assignment]
                return state.withdraw_all(address, limit.asset, limit.amount)
            return state.withdraw_all(address, asset, 0)

        needed = [] if unbounded else [account_of]
        return CompiledSource(run, fallback, needed, [_identity(node.account)])

    def _max(self, node: ast.SourceMax) -> CompiledSource:
        inner = self.source(node.source, False)
        cap = self.exprs.compile(node.cap)
        if cap.type != MONETARY:
            raise self.exprs.error(node.span, "wrong type: expected monetary as max")
        inner_run, inner_fallback, cap_of = inner.run, inner.fallback, cap.eval

        def run(state: MachineState, asset: str) -> Funding:
            funding = inner_run(state, asset)
            limit: Monetary = cap_of(state)  # type: ignore[assignment]
            taken, remainder, missing = state.take_max(funding, limit)
            state.repay(remainder)
            if inner_fallback is None:
                return taken
            extra = state.withdraw_always(inner_fallback(state), Monetary(limit.asset, missing))  # type: ignore[arg-type]
            return assemble([taken, extra])

        return CompiledSource(run, None, inner.needed, [])

    def _in_order(self, node: ast.SourceInOrder, is_all: bool) -> CompiledSource:
        runs: list[SourceRun] = []
        needed: list[Eval] = []
        emptied: list[tuple[object, ...]] = []
        fallback: Eval | None = None
        last = len(node.sources) - 1
        for index, sub in enumerate(node.sources):
            compiled = self.source(sub, is_all)
            fallback = compiled.fallback
            if fallback is not None and index != last:
                raise self.exprs.error(node.span, "an unbounded subsource can only be in last position")
            needed += compiled.needed
            for key in compiled.emptied:
                if key in emptied:
                    label = _label(_account_node(sub, key), self.exprs.var_types)
                    raise self.exprs.error(sub.span, f"{label} is already empty at this stage")
                emptied.append(key)
            runs.append(compiled.run)

        def run(state: MachineState, asset: str) -> Funding:
            return assemble([sub_run(state, asset) for sub_run in runs])

        return CompiledSource(run, fallback, needed, emptied)

    def allotment(self, items: list[ast.Portion], span: ast.Span) -> Callable[[MachineState], list[Fraction]]:
        """compiler/allotment.go VisitAllotment: portions checked from the last, then their known sum."""
        known = Fraction(0)
        has_variable = has_remaining = False
        readers: list[Eval | None] = [None] * len(items)
        for index in range(len(items) - 1, -1, -1):
            item = items[index]
            if isinstance(item, ast.Remaining):
                if has_remaining:
                    raise self.exprs.error(item.span, "two uses of `remaining` in the same allocation")
                has_remaining = True
            elif isinstance(item, ast.Variable):
                typed = self.exprs.variable(item)
                if typed.type != PORTION:
                    raise self.exprs.error(item.span, f"wrong type: expected type portion for variable: {typed.type}")
                has_variable = True
                readers[index] = typed.eval
            else:
                value = self._portion_literal(item)
                known += value
                readers[index] = _constant(value)
        if known > 1:
            raise self.exprs.error(span, "the sum of known portions is greater than 100%")
        if known < 1 and not has_remaining:
            raise self.exprs.error(span, "the sum of portions might be less than 100%")
        if known == 1 and has_variable:
            raise self.exprs.error(span, "the sum of portions might be greater than 100%")
        if known == 1 and has_remaining:
            raise self.exprs.error(span, "known portions are already equal to 100%")

        def ratios(state: MachineState) -> list[Fraction]:
            try:
                return make_allotment([None if read is None else read(state) for read in readers])  # type: ignore[misc]
            except ValueError as error:
                raise internal(str(error)) from None

        return ratios

    def _portion_literal(self, item: ast.Literal) -> Fraction:
        try:
            return parse_portion(str(item.value))
        except ValueError as error:
            raise self.exprs.error(item.span, str(error)) from None

    def destination(self, node: ast.Destination) -> DestinationRun:
        if isinstance(node, ast.DestinationAccount):
            account = self.exprs.compile(node.account)
            if account.type != ACCOUNT:
                raise self.exprs.error(node.span, "wrong type: expected account as destination")
            return _to_account(account.eval)
        if isinstance(node, ast.DestinationInOrder):
            caps: list[tuple[Eval, DestinationRun | None]] = []
            for cap_node, target in node.items:
                cap = self.exprs.compile(cap_node)
                if cap.type != MONETARY:
                    raise self.exprs.error(node.span, "wrong type: expected monetary as max")
                caps.append((cap.eval, self._target(target)))
            return _in_order(caps, self._target(node.remaining))
        ratios = self.allotment([portion for portion, _ in node.items], node.span)
        targets = [self._target(target) for _, target in node.items]
        return _allotment(ratios, targets)

    def _target(self, target: ast.Destination | None) -> DestinationRun | None:
        return None if target is None else self.destination(target)


def _account_node(source: ast.Source, key: tuple[object, ...]) -> ast.Expr:
    if isinstance(source, ast.SourceAccount):
        return source.account
    for sub in getattr(source, "sources", []):
        node = _account_node(sub, key)
        if _identity(node) == key:
            return node
    return ast.Literal(ACCOUNT, "?", (0, 0, 0, 0))


def _constant(value: Fraction) -> Eval:
    return lambda _: value


def _to_account(account_of: Eval) -> DestinationRun:
    def run(state: MachineState, funding: Funding) -> Funding:
        asset, parts = funding
        taken, remainder = take(parts, total(parts))
        state.send((asset, taken), account_of(state))  # type: ignore[arg-type]
        return asset, remainder

    return run


def _in_order(caps: list[tuple[Eval, DestinationRun | None]], remaining: DestinationRun | None) -> DestinationRun:
    def run(state: MachineState, funding: Funding) -> Funding:
        asset = funding[0]
        kept = 0
        for cap_of, target in caps:
            taken, rest, _ = state.take_max(funding, cap_of(state))  # type: ignore[arg-type]
            if target is not None:
                taken = target(state, taken)
            kept += total(taken[1])
            funding = assemble([taken, rest])
        kept_part, to_remaining = state.take(reverse(funding), Monetary(asset, kept))
        kept_part, to_remaining = reverse(kept_part), reverse(to_remaining)
        leftover = to_remaining if remaining is None else remaining(state, to_remaining)
        return assemble([leftover, kept_part])

    return run


def _allotment(
    ratios: Callable[[MachineState], list[Fraction]], targets: list[DestinationRun | None]
) -> DestinationRun:
    def run(state: MachineState, funding: Funding) -> Funding:
        asset, parts = funding
        shares = allocate(total(parts), ratios(state))
        for share, target in zip(shares, targets, strict=True):
            taken, rest = state.take(funding, Monetary(asset, share))
            if target is not None:
                taken = target(state, taken)
            funding = assemble([taken, rest])
        return funding

    return run
