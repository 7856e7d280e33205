"""The machine engine (ledger v2.4.6's default, internal/machine): compile once, run many times.

Compiling type-checks the script as internal/machine/script/compiler does and turns it into functions;
running resolves variables (vm/machine.go SetVarsFromJSON, ResolveResources, ResolveBalances) and then
executes the statements in order against balances loaded for the accounts the program may debit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from . import syntax as ast
from .controller import finish
from .errors import COMPILATION_FAILED, INTERNAL, ScriptError
from .limits import Limits
from .machine_exprs import Eval, ExprCompiler
from .machine_flows import FlowCompiler, take_from_source
from .machine_parser import parse
from .machine_state import MachineState, amount_of, assemble, internal
from .program import Balances, Result
from .values import ACCOUNT, ASSET, MONETARY, TYPES, Monetary, ValueError_, encode, parse_machine_var

Run = Callable[[MachineState], None]
WORLD_AS_SOURCE = (
    "`@world` can only be used as a variable in the experimental interpreter, or if it is never used as a source"
)


def _vars_error(message: str) -> ScriptError:
    return ScriptError(COMPILATION_FAILED, message, phase="vars")


class MachineProgram:
    """A compiled machine script. `execute` is pure: the ledger is only read."""

    engine = "machine"

    def __init__(self, text: str, limits: Limits):
        self.text = text
        self.limits = limits
        script = parse(text, limits)
        self.var_types: dict[str, str] = {}
        self.exprs = ExprCompiler(text, self.var_types)
        self.flows = FlowCompiler(self.exprs)
        self.plain_vars: list[tuple[str, str]] = []
        self.origins: list[tuple[str, str, Eval, object]] = []  # (name, kind, account, key or asset)
        self.needed: list[tuple[Eval, Eval]] = []  # (account, asset) balances to load
        self._compile_vars(script)
        self.statements = [self._statement(statement) for statement in script.statements]

    # -- variables (compiler.go VisitVars)
    def _compile_vars(self, script: ast.Script) -> None:
        for decl in script.variables:
            if decl.name in self.var_types:
                raise self.exprs.error(script.vars_span or decl.span, f"duplicate variable ${decl.name}")
            origin = decl.origin
            if origin is None:
                self.plain_vars.append((decl.name, decl.type))
            elif origin.name == "meta":  # type: ignore[union-attr]
                account = self.exprs.compile(origin.args[0])  # type: ignore[union-attr]
                if account.type != ACCOUNT:
                    raise self.exprs.error(
                        origin.span,  # type: ignore[union-attr]
                        f"variable ${decl.name}: type should be 'account' to pull account metadata",
                    )
                key = str(origin.args[1].value).strip('"')  # type: ignore[union-attr]
                self.origins.append((decl.name, "meta", account.eval, (decl.type, key)))
            else:
                self._balance_origin(decl)
            self.var_types[decl.name] = decl.type

    def _balance_origin(self, decl: ast.VarDecl) -> None:
        origin: ast.Call = decl.origin  # type: ignore[assignment]
        prefix = f"variable ${decl.name}: "
        if decl.type != MONETARY:
            raise self.exprs.error(origin.span, prefix + "type should be 'monetary' to pull account balance")
        account = self.exprs.compile(origin.args[0])
        if account.type != ACCOUNT:
            raise self.exprs.error(
                origin.span, prefix + "the first argument to pull account balance should be of type 'account'"
            )
        asset = self.exprs.compile(origin.args[1])
        if asset.type != ASSET:
            raise self.exprs.error(
                origin.span, prefix + "the second argument to pull account balance should be of type 'asset'"
            )
        self.origins.append((decl.name, "balance", account.eval, asset.eval))

    # -- statements (compiler.go VisitScript and its Visit* methods)
    def _statement(self, node: ast.Statement) -> Run:
        if isinstance(node, ast.Send):
            return self._send(node)
        if isinstance(node, ast.Save):
            return self._save(node)
        if isinstance(node, ast.SetTxMeta | ast.SetAccountMeta):
            return self._metadata(node)
        if isinstance(node, ast.Print):
            value = self.exprs.compile(node.value).eval
            return lambda state: state.printed.append(value(state))

        def fail(_: MachineState) -> None:
            raise internal("script exited with error code")

        return fail

    def _send(self, node: ast.Send) -> Run:
        if node.amount is None:
            return self._send_all(node)
        amount = self.exprs.compile(node.amount)
        if amount.type != MONETARY:
            raise self.exprs.error(
                node.span, f"send monetary: the expression should be of type 'monetary' instead of '{amount.type}'"
            )
        amount_of_send, address = amount.eval, amount.address
        assert address is not None
        if isinstance(node.source, ast.SourceAllotment):
            ratios = self.flows.allotment([portion for portion, _ in node.source.items], node.source.span)
            sources = [self.flows.source(source, False) for _, source in node.source.items]
            for source in sources:
                self.needed += [(account, _asset_of(address)) for account in source.needed]
            destination = self.flows.destination(node.destination)

            def send_allotted(state: MachineState) -> None:
                monetary: Monetary = amount_of_send(state)  # type: ignore[assignment]
                shares = _allocate(monetary, ratios(state))
                taken = []
                for share, source in zip(shares, sources, strict=True):
                    funding = source.run(state, address(state).asset)  # type: ignore[attr-defined]
                    taken.append(take_from_source(state, funding, Monetary(monetary.asset, share), source.fallback))
                state.repay(destination(state, assemble(taken)))

            return send_allotted
        source = self.flows.source(node.source, False)
        self.needed += [(account, _asset_of(address)) for account in source.needed]
        destination = self.flows.destination(node.destination)
        run_source, fallback = source.run, source.fallback

        def send(state: MachineState) -> None:
            funding = run_source(state, address(state).asset)  # type: ignore[attr-defined]
            taken = take_from_source(state, funding, amount_of_send(state), fallback)  # type: ignore[arg-type]
            state.repay(destination(state, taken))

        return send

    def _send_all(self, node: ast.Send) -> Run:
        asset = self.exprs.compile(node.asset)  # type: ignore[arg-type]
        if asset.type != ASSET:
            raise self.exprs.error(
                node.span, f"send monetary all: the expression should be of type 'asset' instead of '{asset.type}'"
            )
        if isinstance(node.source, ast.SourceAllotment):
            raise self.exprs.error(node.source.span, "cannot take all balance of an allotment source")
        source = self.flows.source(node.source, True)
        self.needed += [(account, asset.eval) for account in source.needed]
        destination = self.flows.destination(node.destination)
        run_source, asset_of = source.run, asset.eval

        def send_all(state: MachineState) -> None:
            state.repay(destination(state, run_source(state, asset_of(state))))  # type: ignore[arg-type]

        return send_all

    def _save(self, node: ast.Save) -> Run:
        what = "save monetary all from account" if node.amount is None else "save monetary from account"
        expected = ASSET if node.amount is None else MONETARY
        value = self.exprs.compile(node.asset if node.amount is None else node.amount)  # type: ignore[arg-type]
        if value.type != expected:
            raise self.exprs.error(
                node.span, f"{what}: the first expression should be of type '{expected}' instead of '{value.type}'"
            )
        account = self.exprs.compile(node.account)
        if account.type != ACCOUNT:
            raise self.exprs.error(
                node.span,
                f"save monetary from account: the second expression should be of type 'account' instead of "
                f"'{account.type}'",
            )
        read, account_of = value.address or value.eval, account.eval

        def save(state: MachineState) -> None:
            tracked = state.balances.get(account_of(state))  # type: ignore[arg-type]
            saved = read(state)
            if isinstance(saved, Monetary):
                if tracked is not None and saved.asset in tracked:
                    tracked[saved.asset] -= saved.amount or 0
            elif tracked is not None and saved in tracked and tracked[saved] > 0:  # type: ignore[operator]
                tracked[saved] = 0  # type: ignore[index]

        return save

    def _metadata(self, node: ast.SetTxMeta | ast.SetAccountMeta) -> Run:
        value = self.exprs.compile(node.value)
        key = self.exprs.string(node.key, node.span)
        type_name, read = value.type, value.eval
        if isinstance(node, ast.SetTxMeta):
            return lambda state: state.tx_meta.__setitem__(key, encode(type_name, read(state)))
        account = self.exprs.compile(node.account)
        if account.type != ACCOUNT:
            raise self.exprs.error(
                node.span, f"set_account_meta: expression is of type {account.type}, and should be of type account"
            )
        account_of = account.eval

        def set_account_meta(state: MachineState) -> None:
            values = state.account_meta.setdefault(account_of(state), {})  # type: ignore[arg-type]
            values[key] = encode(type_name, read(state))

        return set_account_meta

    # -- running
    def execute(
        self,
        variables: Mapping[str, str],
        ledger: Balances,
        *,
        metadata: Mapping[str, str] | None = None,
        account_metadata: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Result:
        state = MachineState(self._parse_vars(variables), {}, self.limits)
        self._resolve_origins(state, ledger)
        for statement in self.statements:
            statement(state)
        postings = [(s, d, 0 if a is None else a, asset) for s, d, a, asset in state.postings]
        return finish(postings, state.tx_meta, state.account_meta, metadata, account_metadata)

    def _parse_vars(self, variables: Mapping[str, str]) -> dict[str, object]:
        values: dict[str, object] = {}
        for name, type_name in self.plain_vars:
            if name not in variables:
                raise _vars_error(f"missing variable ${name}")
            raw = variables[name]
            if not isinstance(raw, str):
                raise _vars_error(f"invalid JSON value for variable ${name} of type {type_name}: not a string")
            try:
                values[name] = parse_machine_var(type_name, raw)
            except ValueError_ as error:
                raise _vars_error(f"invalid JSON value for variable ${name} of type {type_name}: {error}") from None
        for name in sorted(variables):
            if name not in values:
                raise _vars_error(f"extraneous variable ${name}")
        return values

    def _resolve_origins(self, state: MachineState, ledger: Balances) -> None:
        """ResolveResources then ResolveBalances, with their errors and their one-balance-per-account quirk."""
        pending: dict[str, str] = {}  # account -> the last balance() variable on it (only that one resolves)
        for name, kind, account_of, detail in self.origins:
            account: str = account_of(state)  # type: ignore[assignment]
            if kind == "meta":
                type_name, key = detail  # type: ignore[misc]
                raw = ledger.account_metadata(account, key)
                if raw is None:
                    raise ScriptError(
                        INTERNAL, f"missing key {key} in metadata for account {account}", phase="resources"
                    )
                try:
                    state.values[name] = parse_machine_var(type_name, raw)
                except ValueError_ as error:
                    raise ScriptError(INTERNAL, str(error), phase="resources") from None
            else:
                state.values[name] = Monetary(detail(state), None)  # type: ignore[operator,arg-type]
                pending[account] = name
        query: dict[tuple[str, str], None] = {}
        for account, name in pending.items():
            query[(account, state.values[name].asset)] = None  # type: ignore[attr-defined]
        for account_of, asset_of in self.needed:
            account = account_of(state)  # type: ignore[assignment]
            if account == "world":
                raise ScriptError(COMPILATION_FAILED, WORLD_AS_SOURCE, phase="balances")
            query[(account, asset_of(state))] = None  # type: ignore[index]
        for account, asset in query:
            state.balances.setdefault(account, {})[asset] = int(ledger.balance(account, asset))
        for account, name in pending.items():
            asset = state.values[name].asset  # type: ignore[attr-defined]
            balance = state.balances[account][asset]
            if balance < 0:
                raise ScriptError(
                    INTERNAL,
                    f"tried to request the balance of account {account} for asset {asset}: received {balance}: "
                    "monetary amounts must be non-negative",
                    phase="balances",
                )
            state.values[name] = Monetary(asset, balance)


def _asset_of(address: Eval) -> Eval:
    return lambda state: address(state).asset  # type: ignore[attr-defined]


def _allocate(monetary: Monetary, ratios: list) -> list[int]:
    from .funding import allocate

    return allocate(amount_of(monetary), ratios)


assert set(TYPES) >= {ACCOUNT, ASSET, MONETARY}
