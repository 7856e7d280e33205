"""The public shapes: what a compiled program takes (variables, a ledger) and what it gives back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class Balances(Protocol):
    """The ledger state a script reads; the mock's ledger implements it over its own state."""

    def balance(self, account: str, asset: str) -> int:
        """The account's balance in `asset` (0 for an account or asset never seen)."""
        ...

    def account_metadata(self, account: str, key: str) -> str | None:
        """The account's metadata value under `key`, or None."""
        ...


@dataclass(frozen=True, slots=True)
class Posting:
    source: str
    destination: str
    amount: int
    asset: str

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "destination": self.destination, "amount": self.amount, "asset": self.asset}


@dataclass(frozen=True)
class Result:
    """Postings in the order the release books them; metadata in the string encodings it stores."""

    postings: list[Posting]
    transaction_metadata: dict[str, str] = field(default_factory=dict)
    account_metadata: dict[str, dict[str, str]] = field(default_factory=dict)


class StaticLedger:
    """A Balances over plain dicts: {account: {asset: int}} and {account: {key: value}} (tests, tools)."""

    def __init__(
        self,
        balances: Mapping[str, Mapping[str, int]] | None = None,
        metadata: Mapping[str, Mapping[str, str]] | None = None,
    ):
        self.balances = {account: dict(assets) for account, assets in (balances or {}).items()}
        self.metadata = {account: dict(values) for account, values in (metadata or {}).items()}

    def balance(self, account: str, asset: str) -> int:
        return self.balances.get(account, {}).get(asset, 0)

    def account_metadata(self, account: str, key: str) -> str | None:
        return self.metadata.get(account, {}).get(key)
