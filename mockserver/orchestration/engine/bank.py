"""The simulated stack behind the send and update stages: ledgers, wallets and payments.

``Bank`` is what activities act on and what the control API reads and seeds. Seeding
(``load``) moves opening balances from ``world`` without recording transactions, so the
ledger stays balanced and transaction ids of a freshly loaded ledger still start at 0;
``fund`` instead books a real transaction from ``world``, as a top-up would.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.ids import IdSource
from mockserver.core.timefmt import parse_rfc3339
from mockserver.errors import ValidationError
from mockserver.orchestration.engine.failures import ActivityError
from mockserver.orchestration.engine.ledger import WORLD, Ledger, check_address, check_asset
from mockserver.orchestration.engine.payments import Payments, normalize_payment
from mockserver.orchestration.engine.wallets import DEFAULT_WALLETS_LEDGER, MAIN, Wallet, Wallets


class Bank:
    """Ledgers (created on first use), wallets kept in them, and payments from fixtures."""

    def __init__(self, *, clock: Clock, ids: IdSource) -> None:
        self._clock = clock
        self._ids = ids
        self.reset()

    def reset(self) -> None:
        self.ledgers: dict[str, Ledger] = {}
        self.wallet_book = Wallets(self.ledger)
        self.payment_book = Payments()

    def ledger(self, name: str) -> Ledger:
        """The named ledger, created empty on first use."""
        found = self.ledgers.get(name)
        if found is None:
            found = self.ledgers[name] = Ledger(name)
        return found

    # --- control API reads -------------------------------------------------------------
    def account(self, ledger: str, address: str) -> dict[str, Any]:
        """``{address, metadata, balances}`` of one account; unknown accounts are empty."""
        found = self.ledgers.get(ledger)
        account = found.accounts.get(address) if found else None
        return {
            "address": address,
            "metadata": dict(account.metadata) if account else {},
            "balances": account.balances() if account else {},
        }

    def transactions(self, ledger: str) -> list[dict[str, Any]]:
        """A ledger's transactions, oldest first, as the ledger API shows them."""
        found = self.ledgers.get(ledger)
        return [dict(tx) for tx in found.transactions] if found else []

    def wallets(self) -> list[dict[str, Any]]:
        """Every wallet with all its balances (asset -> amount), for the control API."""
        return [self.wallet_book.control_view(w) for w in self.wallet_book.items.values()]

    def payments(self) -> list[dict[str, Any]]:
        """Every payment, in the spec's ``Payment`` shape."""
        return [dict(p) for p in self.payment_book.items.values()]

    def fund(self, ledger: str, address: str, asset: str, amount: int) -> dict[str, Any]:
        """Book ``world -> address``; returns the transaction. Bad input is a ValidationError."""
        if address == WORLD:
            raise ValidationError("cannot fund the world account")
        try:
            return self.ledger(ledger).commit(
                [{"amount": amount, "asset": asset, "destination": address, "source": WORLD}],
                metadata={},
                timestamp=self._clock.now(),
            )
        except ActivityError as exc:
            raise ValidationError(exc.message) from None

    # --- seeding -----------------------------------------------------------------------
    def load(self, doc: dict[str, Any]) -> None:
        """Seed from a fixture section; the whole section is checked before anything changes.

        ``{"ledgers": {L: {"accounts": {addr: {"balances": {asset: int}, "metadata": {..}}}}},
        "wallets": [{"id"?, "name", "ledger"?, "metadata"?, "balances"?: {bal: {asset: int}}}],
        "payments": [{"id", "initialAmount", "asset", ...Payment fields}]}``
        """
        if not isinstance(doc, dict):
            raise ValidationError("bank fixture: expected an object")
        accounts = _check_ledgers(_section(doc, "ledgers", dict))
        wallets = [self._check_wallet(w, f"wallets[{i}]") for i, w in enumerate(_section(doc, "wallets", list))]
        seen = set(self.wallet_book.items)
        for wallet, _ in wallets:
            if wallet.id in seen:
                raise ValidationError(f"wallet {wallet.id}: duplicate id")
            seen.add(wallet.id)
        now = self._clock.now()
        payments = [normalize_payment(p, now, f"payments[{i}]") for i, p in enumerate(_section(doc, "payments", list))]

        for ledger, address, metadata, balances in accounts:
            account = self.ledger(ledger).account(address)
            account.metadata.update(metadata)
            for asset, amount in balances.items():
                self.ledger(ledger).seed(address, asset, amount)
        for wallet, balances in wallets:
            self.wallet_book.add(wallet)
            for name, assets in balances.items():
                if name not in wallet.balance_names:
                    wallet.balance_names.append(name)
                for asset, amount in assets.items():
                    self.ledger(wallet.ledger).seed(wallet.account(name), asset, amount)
        for payment in payments:
            self.payment_book.add(payment)

    def _check_wallet(self, doc: Any, where: str) -> tuple[Wallet, dict[str, dict[str, int]]]:
        if not isinstance(doc, dict):
            raise ValidationError(f"{where}: expected an object")
        name = doc.get("name")
        if not isinstance(name, str) or not name:
            raise ValidationError(f"{where}.name: a non-empty string is required")
        wallet_id = doc.get("id") or self._ids.uuid()
        ledger = doc.get("ledger") or DEFAULT_WALLETS_LEDGER
        if not isinstance(wallet_id, str) or not isinstance(ledger, str):
            raise ValidationError(f"{where}: id and ledger must be strings")
        created = self._clock.now()
        if doc.get("createdAt"):
            created = _date(doc["createdAt"], f"{where}.createdAt")
        balances = doc.get("balances") or {}
        if not isinstance(balances, dict):
            raise ValidationError(f"{where}.balances: expected an object")
        checked = {str(b): _check_assets(a, f"{where}.balances.{b}") for b, a in balances.items()}
        wallet = Wallet(wallet_id, name, ledger, created, _string_map(doc.get("metadata"), f"{where}.metadata"), [MAIN])
        return wallet, checked


def _section(doc: dict[str, Any], key: str, kind: type) -> Any:
    value = doc.get(key)
    if value is None:
        return kind()
    if not isinstance(value, kind):
        raise ValidationError(f"{key}: expected an {'object' if kind is dict else 'array'}")
    return value


def _date(value: Any, where: str) -> datetime:
    try:
        return parse_rfc3339(str(value))
    except ValueError:
        raise ValidationError(f"{where}: expected an RFC 3339 date") from None


def _string_map(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValidationError(f"{where}: expected a map of strings")
    return dict(value)


def _check_assets(value: Any, where: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ValidationError(f"{where}: expected an object of asset -> integer")
    for asset, amount in value.items():
        try:
            check_asset(asset)
        except ActivityError as exc:
            raise ValidationError(f"{where}: {exc.message}") from None
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValidationError(f"{where}.{asset}: expected an integer")
        if amount < 0:
            raise ValidationError(f"{where}.{asset}: balances cannot be negative")
    return dict(value)


def _check_ledgers(ledgers: dict[str, Any]) -> list[tuple[str, str, dict[str, str], dict[str, int]]]:
    out = []
    for ledger, body in ledgers.items():
        accounts = (body or {}).get("accounts") or {} if isinstance(body, dict | None) else None
        if not isinstance(accounts, dict):  # also a ledger body that is not an object
            raise ValidationError(f"ledgers.{ledger}.accounts: expected an object")
        for address, spec in accounts.items():
            where = f"ledgers.{ledger}.accounts.{address}"
            try:
                check_address(address)
            except ActivityError as exc:
                raise ValidationError(f"{where}: {exc.message}") from None
            spec = spec or {}
            if not isinstance(spec, dict):
                raise ValidationError(f"{where}: expected an object")
            if address == WORLD:
                raise ValidationError(f"{where}: world cannot be seeded, it funds the other accounts")
            balances = _check_assets(spec.get("balances") or {}, f"{where}.balances")
            out.append((str(ledger), address, _string_map(spec.get("metadata"), f"{where}.metadata"), balances))
    return out
