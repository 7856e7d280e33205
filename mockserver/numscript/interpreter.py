"""The interpreter engine (formancehq/numscript v0.0.24, the ledger's experimental runtime).

Sources push senders onto a funds queue and destinations pull from its front (interpreter.go,
funds_queue.go): zero amounts are never posted, kept funds go back to their senders, balances are read
lazily (an account's balance is read once, then tracked; @world's is never read), and `save` floors at
zero. Values are typed at run time, as the interpreter checks them. Constructs behind a feature flag are
refused with the interpreter's own "this feature is experimental" error, whether or not the script
declares the flag (the mock implements none of them).
"""

from __future__ import annotations

from collections.abc import Mapping

from . import syntax as ast
from .controller import finish
from .errors import INTERPRETER_RUNTIME
from .interp_core import FLAGS, Run, check_args, runtime
from .interp_flows import run_send
from .interp_parser import parse
from .interp_values import expect, render
from .limits import Limits, exceeded
from .program import Balances, Result
from .values import ACCOUNT, STRING, is_valid_account, is_valid_asset


class InterpreterProgram:
    engine = "interpreter"

    def __init__(self, text: str, limits: Limits):
        self.text = text
        self.limits = limits
        self.script = parse(text, limits)

    def execute(
        self,
        variables: Mapping[str, str],
        ledger: Balances,
        *,
        metadata: Mapping[str, str] | None = None,
        account_metadata: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Result:
        run = _StatementRun(ledger, self.limits)
        for feature in self.script.features:
            if feature not in FLAGS:
                raise runtime(f"Invalid feature: {feature}")
        run.parse_vars(self.script.variables, variables)
        for statement in self.script.statements:
            run.preload(statement)
        for statement in self.script.statements:
            run.statement(statement)
        for source, destination, amount, asset in run.postings:
            if (
                amount < 0
                or not is_valid_asset(asset)
                or not (is_valid_account(source) and is_valid_account(destination))
            ):
                raise runtime(
                    f"The script produced a posting with invalid values: {{{source} {destination} {amount} {asset}}}"
                )
        tx_meta = {key: render(value) for key, value in run.tx_meta.items()}
        return finish(run.postings, tx_meta, run.account_meta, metadata, account_metadata)


class _StatementRun(Run):
    def statement(self, statement: ast.Statement) -> None:
        if isinstance(statement, ast.Send):
            run_send(self, statement)
        elif isinstance(statement, ast.Save):
            self._save(statement)
        elif isinstance(statement, ast.CallStatement):
            self._call_statement(statement.call)
        if len(self.postings) > self.limits.postings:
            raise exceeded("postings", self.limits.postings, INTERPRETER_RUNTIME)

    def _save(self, statement: ast.Save) -> None:
        asset, amount = self._sent(statement)
        account: str = expect(self.eval(statement.account), ACCOUNT)
        balance = self.balance(account, asset)
        if amount is None:
            if balance > 0:
                self.balances[(account, asset)] = 0
            return
        if amount < 0:
            raise runtime(f"Cannot send negative amount: {amount}")
        self.balances[(account, asset)] = max(balance - amount, 0)

    def _call_statement(self, call: ast.Call) -> None:
        values = [self.eval(arg) for arg in call.args]
        if call.name == "set_tx_meta":
            key, value = check_args(values, [STRING, "any"])
            self.tx_meta[key] = value  # type: ignore[index]
        elif call.name == "set_account_meta":
            account, key, value = check_args(values, [ACCOUNT, STRING, "any"])
            self.account_meta.setdefault(account, {})[key] = render(value)  # type: ignore[arg-type,index]
        else:
            raise runtime(f"Invalid function: {call.name}")
