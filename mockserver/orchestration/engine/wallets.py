"""Simulated Formance wallets, kept *in the ledger* as the real wallets service does.

Decision: a wallet owns no money itself. Each of its balances is the ledger account
``wallets:<wallet id without dashes>:<balance>`` in the wallet's ledger, so crediting a
wallet from a ledger account is one ledger transaction, booked through the ledger service's
interface (as the real wallets service calls the ledger's API), ``world`` accounting stays
consistent, and the ledger API shows wallet money too. The wallets' ledger is created the
first time a wallet needs it, as the real service creates it at start-up.

New wallets live in ledger ``wallets-002`` unless a fixture says otherwise: that is the
real stack's default wallets ledger, so an account on ledger ``default`` sending to a
wallet takes the cross-ledger path (§5.3) exactly as it would against a real stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import rfc3339
from mockserver.errors import MockError
from mockserver.ledger.model import WORLD
from mockserver.ledger.postings import ASSET
from mockserver.ledger.service import LedgerService
from mockserver.orchestration.engine.failures import insufficient_funds, not_found, validation

DEFAULT_WALLETS_LEDGER = "wallets-002"
MAIN = "main"


@dataclass(slots=True)
class Wallet:
    """A wallet's identity; its money lives in ledger accounts (``account(balance)``)."""

    id: str
    name: str
    ledger: str
    created_at: datetime
    metadata: dict[str, str] = field(default_factory=dict)
    balance_names: list[str] = field(default_factory=lambda: [MAIN])

    def account(self, balance: str) -> str:
        """The ledger account backing one balance of this wallet."""
        return f"wallets:{self.id.replace('-', '')}:{balance or MAIN}"


class Wallets:
    """The wallets service: lookups by id or name, credits and debits through the ledger."""

    def __init__(self, ledger: LedgerService) -> None:
        self._ledger = ledger
        self.items: dict[str, Wallet] = {}

    def add(self, wallet: Wallet) -> None:
        self.items[wallet.id] = wallet

    def get(self, wallet_id: str) -> Wallet:
        """Unknown ids are NOT_FOUND, which the infinite retry policy retries forever (REAL)."""
        found = self.items.get(wallet_id)
        if found is None:
            raise not_found(f"wallet not found: {wallet_id}")
        return found

    def named(self, name: str) -> list[Wallet]:
        """Wallets whose name is exactly ``name`` (what ``ListWallets(name)`` returns)."""
        return [w for w in self.items.values() if w.name == name]

    # --- API shapes (wallets service v1) -------------------------------------------
    def view(self, wallet: Wallet) -> dict[str, Any]:
        """``Wallet``: id, metadata, name, createdAt, ledger."""
        return {
            "id": wallet.id,
            "metadata": dict(wallet.metadata),
            "name": wallet.name,
            "createdAt": rfc3339(wallet.created_at),
            "ledger": wallet.ledger,
        }

    def assets(self, wallet: Wallet, balance: str) -> dict[str, int]:
        """Asset -> amount held in one balance (read through the ledger API's account)."""
        try:
            found = self._ledger.get_account(wallet.ledger, wallet.account(balance), expand=("volumes",))
        except MockError:
            return {}
        return {asset: v["balance"] for asset, v in (found.get("volumes") or {}).items()}

    def _balance(self, ledger: str, address: str, asset: str) -> int:
        if address == WORLD:
            return 0
        try:
            found = self._ledger.get_account(ledger, address, expand=("volumes",))
        except MockError:
            return 0
        return int(((found.get("volumes") or {}).get(asset) or {}).get("balance", 0))

    def view_with_balances(self, wallet: Wallet) -> dict[str, Any]:
        """``WalletWithBalances``: the wallet plus ``balances.main.assets``."""
        return {**self.view(wallet), "balances": {MAIN: {"assets": self.assets(wallet, MAIN)}}}

    def control_view(self, wallet: Wallet) -> dict[str, Any]:
        """The control API's view: every balance, asset -> amount."""
        return {
            **self.view(wallet),
            "balances": {name: self.assets(wallet, name) for name in wallet.balance_names},
        }

    # --- movements ---------------------------------------------------------------------
    def _subject_account(self, wallet: Wallet, subject: dict[str, Any]) -> str:
        kind = subject.get("type")
        if kind == "ACCOUNT":
            return str(subject.get("identifier", ""))
        if kind == "WALLET":
            other = self.get(str(subject.get("identifier", "")))
            if other.ledger != wallet.ledger:
                raise validation("wallets must be on the same ledger")
            return other.account(subject.get("balance") or MAIN)
        raise validation(f"unknown subject type: '{kind}'")

    def _allocate(self, ledger: str, sources: list[str], dest: str, asset: str, amount: int) -> list[dict[str, Any]]:
        """Take from each source in order, as a numscript ``source = {@a @b}`` does."""
        postings, remaining = [], amount
        for source in sources:
            available = remaining if source == WORLD else min(remaining, max(self._balance(ledger, source, asset), 0))
            if available > 0 or (amount == 0 and not postings):
                postings.append({"amount": available, "asset": asset, "destination": dest, "source": source})
            remaining -= available
            if remaining == 0:
                break
        if remaining > 0:
            raise insufficient_funds(sources[-1])
        return postings

    def _book(self, ledger: str, postings: list[dict[str, Any]], metadata: Any, timestamp: datetime) -> None:
        """One ledger transaction in the wallets' ledger (created on first need)."""
        self._ledger.ensure_ledger(ledger)
        body = {"postings": postings, "metadata": dict(metadata or {}), "timestamp": rfc3339(timestamp)}
        self._ledger.create_transaction(ledger, body)

    def seed(self, wallet: Wallet, balances: dict[str, dict[str, int]]) -> None:
        """Fixture balances: booked from ``world`` in one transaction, no event published."""
        postings = []
        for name, assets in balances.items():
            if name not in wallet.balance_names:
                wallet.balance_names.append(name)
            postings += [
                {"amount": amount, "asset": asset, "destination": wallet.account(name), "source": WORLD}
                for asset, amount in assets.items()
                if amount
            ]
        if postings:
            self._ledger.ensure_ledger(wallet.ledger)
            with self._ledger.bus.muted():
                self._ledger.create_transaction(wallet.ledger, {"postings": postings, "metadata": {}})

    def credit(self, wallet_id: str, data: dict[str, Any], timestamp: datetime) -> None:
        """Move money into a balance (default ``main``) from the sources in order, or from
        ``world`` when there are none; a source short of funds is retryable. New balances
        are created on first credit."""
        wallet = self.get(wallet_id)
        amount, asset = _monetary(data)
        balance = data.get("balance") or MAIN
        sources = [self._subject_account(wallet, s) for s in data.get("sources") or []] or [WORLD]
        postings = self._allocate(wallet.ledger, sources, wallet.account(balance), asset, amount)
        self._book(wallet.ledger, postings, data.get("metadata"), timestamp)
        if balance not in wallet.balance_names:
            wallet.balance_names.append(balance)

    def debit(self, wallet_id: str, data: dict[str, Any], timestamp: datetime) -> Wallet:
        """Move money out of the listed balances in order (``*`` = all, default ``main``) to the
        destination subject, or to ``world``; short of funds is retryable."""
        wallet = self.get(wallet_id)
        amount, asset = _monetary(data)
        names = [b for b in data.get("balances") or [MAIN] if b]
        if "*" in names:
            names = list(wallet.balance_names)
        destination = data.get("destination")
        dest = self._subject_account(wallet, destination) if destination else WORLD
        postings = self._allocate(wallet.ledger, [wallet.account(n) for n in names or [MAIN]], dest, asset, amount)
        self._book(wallet.ledger, postings, data.get("metadata"), timestamp)
        return wallet


def _monetary(data: dict[str, Any]) -> tuple[int, str]:
    money = data.get("amount") or {}
    asset = money.get("asset", "")
    if not isinstance(asset, str) or not ASSET.match(asset):
        raise validation("invalid asset")
    amount = money.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise validation("no amount defined")
    if amount < 0:
        raise validation("negative amount")
    return amount, asset
