"""The machine's state while a program runs, and its primitive operations on balances and fundings.

Each operation is the opcode of internal/machine/vm/machine.go it is named after, errors included. Only the
balances the program needs (its bounded sources, its balance() variables) are tracked, as ResolveBalances
loads them; credits, repayments and saves touch tracked balances only, as the release's do.
"""

from __future__ import annotations

from .errors import INSUFFICIENT_FUND, INTERNAL, ScriptError
from .funding import InsufficientFunds, Part, concat, take, take_max, total
from .limits import Limits, exceeded
from .values import Monetary

Funding = tuple[str, list[Part]]  # (asset, parts)

NIL_PANIC = "runtime error: invalid memory address or nil pointer dereference"


def internal(message: str) -> ScriptError:
    """An error the ledger does not map: its API answers 500 INTERNAL."""
    return ScriptError(INTERNAL, message, phase="execute")


def amount_of(monetary: Monetary) -> int:
    """The amount, where the release compares it (a nil amount panics there)."""
    if monetary.amount is None:
        raise internal(NIL_PANIC)
    return monetary.amount


class MachineState:
    __slots__ = ("account_meta", "balances", "limits", "postings", "printed", "tx_meta", "values")

    def __init__(self, values: dict[str, object], balances: dict[str, dict[str, int]], limits: Limits):
        self.values = values
        self.balances = balances
        self.limits = limits
        self.postings: list[tuple[str, str, int, str]] = []
        self.tx_meta: dict[str, str] = {}
        self.account_meta: dict[str, dict[str, str]] = {}
        self.printed: list[object] = []

    # OP_TAKE_ALL
    def withdraw_all(self, account: str, asset: str, overdraft: int | None) -> Funding:
        tracked = self.balances.get(account)
        if tracked is None or asset not in tracked:
            raise internal(f"missing {asset} balance from @{account}")
        overdraft = overdraft or 0
        available = tracked[asset] + overdraft
        taken = 0
        if available > 0:
            taken = available
            tracked[asset] = -overdraft
        return asset, [(account, taken)]

    # OP_TAKE_ALWAYS
    def withdraw_always(self, account: str, monetary: Monetary) -> Funding:
        tracked = self.balances.get(account)
        if tracked is not None and monetary.asset in tracked:
            tracked[monetary.asset] -= monetary.amount or 0
        return monetary.asset, [(account, monetary.amount)]  # type: ignore[list-item]

    # OP_TAKE
    def take(self, funding: Funding, monetary: Monetary) -> tuple[Funding, Funding]:
        asset, parts = funding
        if asset != monetary.asset:
            raise internal(f"cannot take from different assets: {asset} and {monetary.asset}")
        try:
            taken, remainder = take(parts, amount_of(monetary))
        except InsufficientFunds as error:
            raise ScriptError(INSUFFICIENT_FUND, str(error), phase="execute") from None
        return (asset, taken), (asset, remainder)

    # OP_TAKE_MAX: (taken, remainder, missing)
    def take_max(self, funding: Funding, monetary: Monetary) -> tuple[Funding, Funding, int]:
        amount = amount_of(monetary)
        if amount < 0:
            raise internal(f"cannot send a monetary with a negative amount: [{monetary.asset} {amount}]")
        asset, parts = funding
        if asset != monetary.asset:
            raise internal(f"cannot take from different assets: {asset} and {monetary.asset}")
        available = total(parts)
        missing = amount - available if amount > available else 0
        taken, remainder = take_max(parts, amount)
        return (asset, taken), (asset, remainder), missing

    # OP_REPAY
    def repay(self, funding: Funding) -> None:
        asset, parts = funding
        for account, amount in parts:
            if account == "world":
                continue
            tracked = self.balances.get(account)
            if tracked is None:
                continue
            tracked[asset] = tracked.get(asset, 0) + amount

    # OP_SEND
    def send(self, funding: Funding, destination: str) -> None:
        asset, parts = funding
        if destination != "world":
            tracked = self.balances.get(destination)
            if tracked is not None and asset in tracked:
                tracked[asset] += total(parts)
        postings = self.postings
        for account, amount in parts:
            postings.append((account, destination, amount, asset))
        if len(postings) > self.limits.postings:
            raise exceeded("postings", self.limits.postings)


def assemble(fundings: list[Funding]) -> Funding:
    """OP_FUNDING_ASSEMBLE: fundings in priority order, checked against the last one's asset."""
    asset = fundings[-1][0]
    for other, _ in reversed(fundings[:-1]):
        if other != asset:
            raise internal(f"cannot assemble different assets: {other} and {asset}")
    parts: list[Part] = []
    for _, more in fundings:
        parts = concat(parts, more)
    return asset, parts


def reverse(funding: Funding) -> Funding:
    return funding[0], funding[1][::-1]
