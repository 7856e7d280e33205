"""The suite's own model of one ledger: what its balances, transactions and log must be after the writes the
suite made, replaying the rules the ledger spec states (never an implementation's code).

Rules it replays (`spec/ledger.v2.yaml`, `v2CreateTransaction` and `v2RevertTransaction`):
* postings run in order; `world` is unbounded; any other source needs `max(balance, 0) >= amount` at that
  point of the transaction (an earlier posting may fund a later one), unless `force`;
* a revert books the original's postings reversed and swapped; without `force` every destination of the
  original but `world` must not end below zero; a transaction is reverted once;
* ids are per ledger, from 1, increasing. A dry run and a write that fails after taking its id may burn ids
  (the real release's sequences never roll back; spec mode may not burn): the model counts those writes and
  accepts a gap of at most that many, never a repeat or a step back;
* every successful write appends one log; a refused write changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["REVERTS_KEY", "WORLD", "LedgerModel", "Remembered", "TxRecord", "postings_net"]

WORLD = "world"
REVERTS_KEY = "com.formance.spec/state/reverts"

Key = tuple[str, str]  # (account, asset)


def postings_net(postings: Iterable[dict[str, Any]]) -> dict[Key, int]:
    """What postings add to each (account, asset) balance."""
    net: dict[Key, int] = {}
    for p in postings:
        net[(p["source"], p["asset"])] = net.get((p["source"], p["asset"]), 0) - p["amount"]
        net[(p["destination"], p["asset"])] = net.get((p["destination"], p["asset"]), 0) + p["amount"]
    return net


def reversed_postings(postings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A revert's postings: the original's in reverse order, source and destination swapped."""
    return [
        {"source": p["destination"], "destination": p["source"], "amount": p["amount"], "asset": p["asset"]}
        for p in reversed(postings)
    ]


@dataclass
class TxRecord:
    id: int
    postings: list[dict[str, Any]]
    metadata: dict[str, str]
    created: dict[str, Any]  # the write's answer (`data`)
    reference: str | None = None
    reverted: bool = False
    # How it was asked for (postings, force, metadata, reference, key): what a replay sends again.
    request: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Remembered:
    """An idempotency key's first successful call: what was sent and what came back."""

    signature: str
    status: int
    body: bytes


@dataclass
class LedgerModel:
    name: str
    inputs: dict[Key, int] = field(default_factory=dict)
    outputs: dict[Key, int] = field(default_factory=dict)
    accounts: set[str] = field(default_factory=set)
    account_metadata: dict[str, dict[str, str]] = field(default_factory=dict)
    transactions: dict[int, TxRecord] = field(default_factory=dict)
    references: set[str] = field(default_factory=set)
    keys: dict[str, Remembered] = field(default_factory=dict)
    last_id: int = 0
    # Writes since the last booked transaction that may have taken an id without booking it.
    burns: int = 0
    # The type of each log the ledger must hold, oldest first: one per successful write.
    log_types: list[str] = field(default_factory=list)
    # Whether any write may have burnt an id: log ids are then increasing, not necessarily dense.
    burnt_any: bool = False
    # (account, asset) pairs the model allows below zero: a forced write went through them.
    may_go_negative: set[Key] = field(default_factory=set)

    # ---------------------------------------------------------------- balances
    def balance(self, account: str, asset: str) -> int:
        return self.inputs.get((account, asset), 0) - self.outputs.get((account, asset), 0)

    def volumes(self, account: str) -> dict[str, dict[str, int]]:
        """`{asset: {input, output, balance}}` of an account, as `expand=volumes` shows it."""
        assets = {asset for (address, asset) in self.inputs.keys() | self.outputs.keys() if address == account}
        return {
            asset: {
                "input": self.inputs.get((account, asset), 0),
                "output": self.outputs.get((account, asset), 0),
                "balance": self.balance(account, asset),
            }
            for asset in sorted(assets)
        }

    def assets(self) -> set[str]:
        return {asset for _, asset in self.inputs.keys() | self.outputs.keys()}

    def moved_accounts(self) -> set[str]:
        return {address for address, _ in self.inputs.keys() | self.outputs.keys()}

    def floor_ok(self, account: str, asset: str, balance: int) -> bool:
        """Whether the postings the model knows allow this balance: only `world` and accounts a forced write
        went through may be below zero."""
        return balance >= 0 or account == WORLD or (account, asset) in self.may_go_negative

    # ---------------------------------------------------------------- predictions
    def short_of_funds(self, postings: list[dict[str, Any]], *, force: bool) -> str | None:
        """The first source that cannot pay its posting (the spec's funds rule), or None."""
        running: dict[Key, int] = {}
        for p in postings:
            source, target = (p["source"], p["asset"]), (p["destination"], p["asset"])
            before = running.get(source, self.balance(*source))
            if p["source"] != WORLD and not force and p["amount"] > max(before, 0):
                return p["source"]
            running[source] = before - p["amount"]
            running[target] = running.get(target, self.balance(*target)) + p["amount"]
        return None

    def revert_short(self, tx: TxRecord) -> str | None:
        """The first destination of `tx` (but `world`) that a revert would leave below zero, or None."""
        after = {key: self.balance(*key) + delta for key, delta in postings_net(reversed_postings(tx.postings)).items()}
        for p in tx.postings:
            key = (p["destination"], p["asset"])
            if p["destination"] != WORLD and after.get(key, self.balance(*key)) < 0:
                return p["destination"]
        return None

    def id_range(self) -> tuple[int, int]:
        """The ids the next booked transaction may get: the next one, or later by at most the burns known."""
        return self.last_id + 1, self.last_id + 1 + self.burns

    # ---------------------------------------------------------------- changes
    def book(self, tx_id: int, postings: list[dict[str, Any]], *, force: bool = False) -> None:
        """A transaction the server booked, with the id it gave."""
        for p in postings:
            source, target = (p["source"], p["asset"]), (p["destination"], p["asset"])
            self.outputs[source] = self.outputs.get(source, 0) + p["amount"]
            self.inputs[target] = self.inputs.get(target, 0) + p["amount"]
            self.accounts |= {p["source"], p["destination"]}
            if force or self.balance(*source) < 0:
                # Forced, or a write the server let through (its own finding): the model follows the server
                # from here on so that one bug is reported once.
                self.may_go_negative.add(source)
        self.last_id = max(self.last_id, tx_id)
        self.burns = 0

    def burn(self) -> None:
        """A write that may have taken a transaction id and a log id without keeping them."""
        self.burns += 1
        self.burnt_any = True

    def logged(self, log_type: str) -> None:
        self.log_types.append(log_type)

    def stats(self) -> dict[str, int]:
        return {"transactions": len(self.transactions), "accounts": len(self.accounts)}
