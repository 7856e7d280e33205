"""The stack behind the send and update stages: the ledger service, wallets kept in it, payments.

``Bank`` is what activities act on and what the control API reads and seeds. Money lives in the
stack's ledger service, which the activities call through its own interface (as the real
activities call the ledger's API), so what a workflow books is what ``/api/ledger`` shows.
Wallets and payments are still simulated here; their money is ledger accounts too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.ids import IdSource
from mockserver.core.timefmt import parse_rfc3339
from mockserver.errors import MockError, ValidationError
from mockserver.ledger.model import WORLD
from mockserver.ledger.postings import ADDRESS, ASSET
from mockserver.ledger.service import LedgerService
from mockserver.ledger.system import check_name
from mockserver.orchestration.engine.payments import Payments, normalize_payment
from mockserver.orchestration.engine.wallets import DEFAULT_WALLETS_LEDGER, MAIN, Wallet, Wallets


class Bank:
    def __init__(self, *, clock: Clock, ids: IdSource, ledger: LedgerService) -> None:
        self._clock = clock
        self._ids = ids
        self.ledger = ledger
        self.reset()

    def reset(self) -> None:
        """Forget the wallets and payments (the ledger service is reset by its owner)."""
        self.wallet_book = Wallets(self.ledger)
        self.payment_book = Payments()

    # --- control API reads -------------------------------------------------------------
    def account(self, ledger: str, address: str) -> dict[str, Any]:
        """``{address, metadata, balances}`` of one account; unknown accounts are empty."""
        try:
            found = self.ledger.get_account(ledger, address, expand=("volumes",))
        except MockError:
            return {"address": address, "metadata": {}, "balances": {}}
        balances = {asset: v["balance"] for asset, v in (found.get("volumes") or {}).items()}
        return {"address": address, "metadata": found["metadata"], "balances": balances}

    def transactions(self, ledger: str) -> list[dict[str, Any]]:
        """A ledger's transactions, oldest first, as the ledger API shows them."""
        return self.ledger.all_transactions(ledger)

    def wallets(self) -> list[dict[str, Any]]:
        """Every wallet with all its balances (asset -> amount), for the control API."""
        return [self.wallet_book.control_view(w) for w in self.wallet_book.items.values()]

    def payments(self) -> list[dict[str, Any]]:
        """Every payment, in the spec's ``Payment`` shape."""
        return [dict(p) for p in self.payment_book.items.values()]

    def fund(self, ledger: str, address: str, asset: str, amount: int) -> dict[str, Any]:
        """Book ``world -> address`` (the ledger is created when missing, as a top-up through the
        ledger's v1 API would); returns the transaction. Bad input is a ValidationError."""
        if address == WORLD:
            raise ValidationError("cannot fund the world account")
        posting = {"amount": amount, "asset": asset, "destination": address, "source": WORLD}
        try:
            self.ledger.ensure_ledger(ledger)
            written = self.ledger.create_transaction(ledger, {"postings": [posting], "metadata": {}})
        except MockError as exc:
            raise ValidationError(exc.message) from None
        assert written.payload is not None
        return written.payload

    # --- seeding -----------------------------------------------------------------------
    def load(self, doc: dict[str, Any]) -> None:
        """Seed from a fixture document's ``ledgers``, ``wallets`` and ``payments`` sections.

        ``wallets: [{"id"?, "name", "ledger"?, "metadata"?, "balances"?: {bal: {asset: int}}}]``,
        ``payments: [{"id", "initialAmount", "asset", ...Payment fields}]``; ``ledgers`` is the
        ledger service's own section (ledger/fixtures.py). Wallets and payments are checked whole
        before anything changes.
        """
        if not isinstance(doc, dict):
            raise ValidationError("bank fixture: expected an object")
        wallets = [self._check_wallet(w, f"wallets[{i}]") for i, w in enumerate(_section(doc, "wallets", list))]
        seen = set(self.wallet_book.items)
        for wallet, _ in wallets:
            if wallet.id in seen:
                raise ValidationError(f"wallet {wallet.id}: duplicate id")
            seen.add(wallet.id)
        now = self._clock.now()
        payments = [normalize_payment(p, now, f"payments[{i}]") for i, p in enumerate(_section(doc, "payments", list))]
        if doc.get("ledgers") is not None:  # an empty or malformed section is the ledger's to refuse
            self.ledger.load(doc["ledgers"])
        for wallet, balances in wallets:
            self.wallet_book.add(wallet)
            self.wallet_book.seed(wallet, balances)
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
        try:  # checked here, not when the balances are booked, so a bad one changes nothing
            check_name(ledger)
        except MockError as exc:
            raise ValidationError(f"{where}.ledger: {exc.message}") from None
        created = self._clock.now()
        if doc.get("createdAt"):
            created = _date(doc["createdAt"], f"{where}.createdAt")
        balances = doc.get("balances") or {}
        if not isinstance(balances, dict):
            raise ValidationError(f"{where}.balances: expected an object")
        checked = {str(b): _check_assets(a, f"{where}.balances.{b}") for b, a in balances.items()}
        wallet = Wallet(wallet_id, name, ledger, created, _string_map(doc.get("metadata"), f"{where}.metadata"), [MAIN])
        for balance in checked:
            if not ADDRESS.match(wallet.account(balance)):
                raise ValidationError(f"{where}.balances.{balance}: invalid ledger account '{wallet.account(balance)}'")
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
        if not isinstance(asset, str) or not ASSET.match(asset):
            raise ValidationError(f"{where}: invalid asset: '{asset}'")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValidationError(f"{where}.{asset}: expected an integer")
        if amount < 0:
            raise ValidationError(f"{where}.{asset}: balances cannot be negative")
    return dict(value)
