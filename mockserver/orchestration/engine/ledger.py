"""A simulated Formance ledger: accounts with per-asset volumes, metadata and transactions.

Rules, as the send stage relies on them (§5.3):
* Amounts are Python ints (the ledger's big integers); a negative posting amount is a
  VALIDATION error, which the retry policy does not retry, so the stage fails.
* ``world`` may go negative. Any other account going below zero makes the whole
  transaction fail with the ledger's *retryable* insufficient-funds error.
* Transaction ids count from 0 in each ledger; a reused ``reference`` is a CONFLICT.
* Ledgers exist on first use (decision: the mock needs no ledger set-up, and an unknown
  ledger name would otherwise only show up as an endless retry).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import rfc3339
from mockserver.orchestration.engine.failures import conflict, insufficient_funds, validation

WORLD = "world"
NEGATIVE_AMOUNT = "invalid amount: negative amount"
_ADDRESS = re.compile(r"^[a-zA-Z0-9_-]+(:[a-zA-Z0-9_-]+)*$")
_ASSET = re.compile(r"^[A-Z][A-Z0-9]{0,16}(_[A-Z]{1,16})?(/\d{1,6})?$")


@dataclass(slots=True)
class Account:
    address: str
    metadata: dict[str, str] = field(default_factory=dict)
    # asset -> [input, output]; balance = input - output
    volumes: dict[str, list[int]] = field(default_factory=dict)

    def balance(self, asset: str) -> int:
        vol = self.volumes.get(asset)
        return vol[0] - vol[1] if vol else 0

    def balances(self) -> dict[str, int]:
        return {asset: vol[0] - vol[1] for asset, vol in self.volumes.items()}


def check_address(address: str) -> None:
    """Ledger account addresses: segments of ``[a-zA-Z0-9_-]`` joined by ``:``."""
    if not isinstance(address, str) or not _ADDRESS.match(address):
        raise validation(f"invalid account address: '{address}'")


def check_asset(asset: str) -> None:
    """Ledger assets: ``EUR/2``, ``USD``, ``COIN``; anything else is a VALIDATION error."""
    if not isinstance(asset, str) or not _ASSET.match(asset):
        raise validation(f"invalid asset: '{asset}'")


def check_amount(amount: Any) -> int:
    """Posting amounts are non-negative integers; anything else is a VALIDATION error."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise validation("invalid amount: expected an integer")
    if amount < 0:
        raise validation(NEGATIVE_AMOUNT)
    return amount


class Ledger:
    """One ledger: accounts, transactions (ids from 0) and used references."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.accounts: dict[str, Account] = {}
        self.transactions: list[dict[str, Any]] = []
        self._references: set[str] = set()

    def account(self, address: str) -> Account:
        """The account, created empty on first use (every address exists in a ledger)."""
        found = self.accounts.get(address)
        if found is None:
            found = self.accounts[address] = Account(address)
        return found

    def known(self, address: str) -> bool:
        return address in self.accounts

    def balance(self, address: str, asset: str) -> int:
        found = self.accounts.get(address)
        return found.balance(asset) if found else 0

    def commit(
        self,
        postings: list[dict[str, Any]],
        *,
        metadata: dict[str, str] | None,
        timestamp: datetime,
        reference: str | None = None,
    ) -> dict[str, Any]:
        """Apply postings atomically and return the transaction as the ledger API shows it."""
        if not postings:
            raise validation("no postings")
        clean = []
        for posting in postings:
            check_address(posting["source"])
            check_address(posting["destination"])
            check_asset(posting["asset"])
            amount = check_amount(posting["amount"])
            clean.append(
                {
                    "amount": amount,
                    "asset": posting["asset"],
                    "destination": posting["destination"],
                    "source": posting["source"],
                }
            )
        if reference and reference in self._references:
            raise conflict(f"conflict: a transaction with reference '{reference}' already exists")
        self._check_funds(clean)
        for posting in clean:
            self._move(posting["source"], posting["destination"], posting["asset"], posting["amount"])
        tx: dict[str, Any] = {
            "id": len(self.transactions),
            "metadata": dict(metadata or {}),
            "postings": clean,
            "reverted": False,
            "timestamp": rfc3339(timestamp),
        }
        if reference:
            tx["reference"] = reference
            self._references.add(reference)
        self.transactions.append(tx)
        return tx

    def _check_funds(self, postings: list[dict[str, Any]]) -> None:
        # Postings run in order, so a later posting may spend what an earlier one brought in.
        pending: dict[tuple[str, str], int] = {}
        for posting in postings:
            source, asset, amount = posting["source"], posting["asset"], posting["amount"]
            key = (source, asset)
            current = pending.get(key, self.balance(source, asset))
            if source != WORLD and current - amount < 0:
                raise insufficient_funds(source)
            pending[key] = current - amount
            dest_key = (posting["destination"], asset)
            pending[dest_key] = pending.get(dest_key, self.balance(posting["destination"], asset)) + amount

    def _move(self, source: str, destination: str, asset: str, amount: int) -> None:
        self.account(source).volumes.setdefault(asset, [0, 0])[1] += amount
        self.account(destination).volumes.setdefault(asset, [0, 0])[0] += amount

    def seed(self, address: str, asset: str, amount: int) -> None:
        """An opening balance for fixtures: the amount moves from ``world`` (so the ledger stays
        balanced) but no transaction is recorded, so transaction ids still start at 0."""
        self._move(WORLD, address, asset, amount)

    def account_view(self, address: str) -> dict[str, Any]:
        """The ledger API's account object (AccountResponse.data): address, metadata, volumes."""
        found = self.accounts.get(address) or Account(address)
        return {
            "address": address,
            "metadata": dict(found.metadata),
            "volumes": {
                asset: {"input": vol[0], "output": vol[1], "balance": vol[0] - vol[1]}
                for asset, vol in found.volumes.items()
            },
        }
