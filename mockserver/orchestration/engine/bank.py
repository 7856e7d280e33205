"""The stack behind the send and update stages: the ledger service, the wallets service, payments.

``Bank`` is what activities act on and what the control API reads and seeds. Money lives in the
stack's ledger service, which the activities call through its own interface (as the real
activities call the ledger's API); wallets are the stack's wallets service, itself a client of
the ledger (so a workflow's credit is what ``/api/wallets`` and ``/api/ledger`` show). Payments
are still simulated here.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.ids import IdSource
from mockserver.errors import MockError, ValidationError
from mockserver.ledger.model import WORLD
from mockserver.ledger.service import LedgerService
from mockserver.orchestration.engine.payments import Payments, normalize_payment
from mockserver.wallets.service import WalletsService


class Bank:
    def __init__(self, *, clock: Clock, ids: IdSource, ledger: LedgerService, wallets: WalletsService) -> None:
        self._clock = clock
        self._ids = ids
        self.ledger = ledger
        self.wallet_service = wallets
        self.reset()

    def reset(self) -> None:
        """Forget the payments (the ledger, and the wallets it holds, are reset by their owner)."""
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
        """Every wallet with all its balances (balance -> asset -> amount), for the control API."""
        return self.wallet_service.control_view()

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

        ``ledgers`` is the ledger service's own section (ledger/fixtures.py), ``wallets`` the
        wallets service's (wallets/fixtures.py), ``payments: [{"id", "initialAmount", "asset",
        ...Payment fields}]``. Wallets and payments are checked whole before anything changes.
        """
        if not isinstance(doc, dict):
            raise ValidationError("bank fixture: expected an object")
        wallets = self.wallet_service.check_fixture(doc.get("wallets"))
        now = self._clock.now()
        payments = [normalize_payment(p, now, f"payments[{i}]") for i, p in enumerate(_section(doc, "payments", list))]
        if doc.get("ledgers") is not None:  # an empty or malformed section is the ledger's to refuse
            self.ledger.load(doc["ledgers"])
        self.wallet_service.load_fixture(wallets)
        for payment in payments:
            self.payment_book.add(payment)


def _section(doc: dict[str, Any], key: str, kind: type) -> Any:
    value = doc.get(key)
    if value is None:
        return kind()
    if not isinstance(value, kind):
        raise ValidationError(f"{key}: expected an {'object' if kind is dict else 'array'}")
    return value
