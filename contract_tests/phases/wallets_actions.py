"""The wallets vocabulary: calls on the wallets API, each predicted by the suite's model and judged.

Shared by the wallets invariants (fixed scenarios) and the wallets state machine. Every write is followed by
reads that must show what the model expects: the wallet's balances (and, when the stack's ledger API can be
read, the ledger accounts the wallets are, laid out by the contract's chart of accounts: `wallets:<id
without dashes>:<balance>`), and a hold's `originalAmount` and `remaining`.
"""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from contract_tests.oracle.wallets_model import MAIN, Refusal, WalletsModel
from contract_tests.phases.checking import CheckedApi
from contract_tests.transport.client import Exchange

__all__ = ["LedgerReader", "WalletActions"]

_REFUSALS = {"INSUFFICIENT_FUND": "wallet_overdraft_refused", "VALIDATION": "invalid_balances_refused"}


def address(wallet_id: str, balance: str) -> str:
    """The contract's chart of accounts: every `-` of the address removed."""
    return f"wallets:{wallet_id}:{balance}".replace("-", "")


class LedgerReader:
    """The stack's ledger API, read only: the accounts the wallets are."""

    def __init__(self, url: str, token: str | None, timeout: float) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.Client(base_url=url, headers=headers, timeout=timeout)

    def reachable(self) -> bool:
        try:
            return self.client.get("/_/info").status_code == 200
        except httpx.HTTPError:
            return False

    def balances(self, ledger: str, account: str) -> dict[str, int] | None:
        """Asset -> balance of one account (`{}` when the ledger has none); None when the ledger cannot be read."""
        try:
            reply = self.client.get(f"/v2/{ledger}/accounts/{account}", params={"expand": "volumes"})
        except httpx.HTTPError:
            return None
        if reply.status_code == 404:
            return {}
        if reply.status_code != 200:
            return None
        volumes = (reply.json().get("data") or {}).get("volumes") or {}
        return {asset: int(v.get("balance", 0)) for asset, v in volumes.items()}

    def close(self) -> None:
        self.client.close()


class WalletActions:
    def __init__(self, api: CheckedApi, ledger: LedgerReader | None, model: WalletsModel | None = None) -> None:
        self.api = api
        self.ledger = ledger
        self.m = model or WalletsModel()
        self.nonce = uuid.uuid4().hex[:8]
        self.ledger_name: str | None = None  # the wallets' ledger, as the service names it
        self.destinations: dict[str, str] = {}  # hold id -> the ledger account its confirmations pay

    def _ok(self, ex: Exchange, expected: int, why: str) -> bool:
        return self.api.apply("valid_request_accepted", ex, expected=expected, why=why)

    # --- wallets and balances ---------------------------------------------------------------
    def new_wallet(self, name: str | None = None, metadata: dict[str, str] | None = None) -> str | None:
        name = name or f"contract-{self.nonce}"
        metadata = {"contract": self.nonce, **(metadata or {})}
        ex = self.api.call("createWallet", body={"name": name, "metadata": metadata})
        if not self._ok(ex, 201, "create a wallet") or not isinstance(ex.data, dict):
            return None
        wallet_id = str(ex.data.get("id"))
        self.ledger_name = self.ledger_name or ex.data.get("ledger")
        self.m.add_wallet(wallet_id, name, metadata)
        read = self.api.call("getWallet", path={"id": wallet_id})
        if self._ok(read, 200, "read a wallet just created"):
            self.api.apply("read_matches_created", read, created=ex.data, fields=("id", "name", "metadata", "ledger"))
        return wallet_id

    def new_balance(self, wallet_id: str, name: str, *, expires_at: datetime | None = None, priority: int = 0) -> bool:
        body: dict[str, Any] = {"name": name, "priority": priority}
        if expires_at is not None:
            body["expiresAt"] = expires_at.isoformat().replace("+00:00", "Z")
        ex = self.api.call("createBalance", path={"id": wallet_id}, body=body)
        try:
            self.m.add_balance(wallet_id, name, expires_at, priority)
        except Refusal as refusal:
            self.api.apply("invalid_balances_refused", ex, status=refusal.status, code=refusal.code, why=refusal.why)
            return False
        return self._ok(ex, 201, "create a balance")

    # --- money ---------------------------------------------------------------------------------
    def credit(
        self,
        wallet_id: str,
        amount: int,
        asset: str,
        *,
        balance: str = MAIN,
        key: str | None = None,
        replay: bool = False,
    ) -> None:
        """A credit from `world`; with `replay`, the same request with the same key again: 204, nothing moves."""
        body: dict[str, Any] = {"amount": {"asset": asset, "amount": amount}, "metadata": {}}
        if balance != MAIN:
            body["balance"] = balance
        headers = {"Idempotency-Key": key} if key else None
        ex = self.api.call("creditWallet", path={"id": wallet_id}, body=body, headers=headers)
        if self._ok(ex, 204, "replay a keyed credit" if replay else "credit a wallet") and not replay:
            self.m.credit(wallet_id, asset, amount, balance)
        self.audit(wallet_id)

    def debit(
        self,
        wallet_id: str,
        amount: int,
        asset: str,
        *,
        balances: list[str] | None = None,
        pending: bool = False,
    ) -> str | None:
        """A debit (to a ledger account of the run's own), immediate or pending; the hold id when pending."""
        names = list(balances or [])
        destination = f"contract:{self.nonce}:{uuid.uuid4().hex[:8]}"
        body: dict[str, Any] = {
            "amount": {"asset": asset, "amount": amount},
            "metadata": {},
            "balances": names,
            "destination": {"type": "ACCOUNT", "identifier": destination},
        }
        if pending:
            body["pending"] = True
        ex = self.api.call("debitWallet", path={"id": wallet_id}, body=body)
        try:
            taken = self.m.plan(wallet_id, asset, amount, names, datetime.now(UTC))
        except Refusal as refusal:
            check = _REFUSALS.get(refusal.code, "invalid_balances_refused")
            self.api.apply(check, ex, status=refusal.status, code=refusal.code, why=refusal.why)
            self.audit(wallet_id)
            return None
        if not self._ok(ex, 201 if pending else 204, "a debit the balances cover"):
            return None
        self.m.debit(wallet_id, asset, amount, names, datetime.now(UTC))
        hold_id = None
        if pending and isinstance(ex.data, dict) and ex.data.get("id"):
            hold_id = str(ex.data["id"])
            self.m.hold(hold_id, wallet_id, asset, amount, taken)
            self.destinations[hold_id] = destination
            self.read_hold(hold_id, before=None)
        self.audit(wallet_id)
        return hold_id

    # --- holds ---------------------------------------------------------------------------------
    def confirm(self, hold_id: str, amount: int = 0, *, final: bool = False) -> None:
        before = self.m.holds[hold_id].remaining
        body: dict[str, Any] = {"final": final}
        if amount:
            body["amount"] = amount
        ex = self.api.call("confirmHold", path={"hold_id": hold_id}, body=body)
        try:
            self.m.confirm(hold_id, amount, final)
        except Refusal as refusal:
            check = "closed_hold_refused" if refusal.code == "HOLD_CLOSED" else "hold_overconfirm_refused"
            self.api.apply(check, ex, status=refusal.status, code=refusal.code, why=refusal.why)
        else:
            self._ok(ex, 204, "confirm a hold")
        self.read_hold(hold_id, before=before)
        self.audit(self.m.holds[hold_id].wallet)

    def void(self, hold_id: str) -> None:
        before = self.m.holds[hold_id].remaining
        ex = self.api.call("voidHold", path={"hold_id": hold_id})
        try:
            self.m.void(hold_id)
        except Refusal as refusal:
            self.api.apply("closed_hold_refused", ex, status=refusal.status, code=refusal.code, why=refusal.why)
        else:
            self._ok(ex, 204, "void a hold")
        self.read_hold(hold_id, before=before)
        self.audit(self.m.holds[hold_id].wallet)

    def read_hold(self, hold_id: str, *, before: int | None) -> None:
        """The hold, and (read with it) the ledger account its confirmations paid."""
        hold = self.m.holds[hold_id]
        ledger = self.ledger if self.ledger_name else None
        beside = [] if ledger is None else [
            functools.partial(ledger.balances, str(self.ledger_name), self.destinations[hold_id])
        ]  # fmt: skip
        (ex,), shown = self.api.read_together([("getHold", {"path": {"holdID": hold_id}})], beside)
        if not self._ok(ex, 200, "read a hold"):
            return
        self.api.apply("hold_remaining_never_grows", ex, before=before)
        self.api.apply("hold_matches_model", ex, original=hold.original, remaining=hold.remaining)
        paid = hold.confirmed
        if shown and shown[0] is not None:
            paid = shown[0].get(hold.asset, 0)
        self.api.apply("hold_settlement_bounded", ex, paid=paid, returned=hold.returned)

    # --- reads -----------------------------------------------------------------------------------
    def audit(self, wallet_id: str) -> None:
        """Every balance of the wallet as the model has it; the summary's balances as the ledger has them. The
        reads go out together (no write of the suite's between them), then are judged in this order."""
        wallet = self.m.wallets[wallet_id]
        names = list(wallet.balances)
        reads = [("getWallet", {"path": {"id": wallet_id}})]
        reads += [("getBalance", {"path": {"id": wallet_id, "balanceName": name}}) for name in names]
        reads += [("getWalletSummary", {"path": {"id": wallet_id}})]
        ledger = self.ledger if self.ledger is not None and self.ledger_name else None
        beside = [
            functools.partial(ledger.balances, str(self.ledger_name), address(wallet_id, name)) for name in names
        ] if ledger is not None else []  # fmt: skip
        (read, *balances, summary), accounts = self.api.read_together(reads, beside)
        if self._ok(read, 200, "read a wallet"):
            self.api.apply("wallet_matches_model", read, expected=self.m.assets(wallet_id))
        for name, ex in zip(names, balances, strict=True):
            if self._ok(ex, 200, "read a balance"):
                self.api.apply("wallet_matches_model", ex, expected=self.m.assets(wallet_id, name))
        if not self._ok(summary, 200, "read a wallet's summary") or ledger is None or None in accounts:
            return  # None: the ledger API cannot be read, nothing to compare with
        self.api.apply("wallet_matches_ledger", summary, ledger=dict(zip(names, accounts, strict=True)))

    def lists(self, wallet_id: str) -> None:
        listed = self.api.list_all("listWallets", query={"metadata[contract]": self.nonce})
        if self._ok(listed, 200, "list wallets by metadata"):
            present = [w for w in self.m.wallets if self.m.wallets[w].metadata.get("contract") == self.nonce]
            self.api.apply("list_contains_created", listed, present=present)
        holds = [h for h, hold in self.m.holds.items() if hold.wallet == wallet_id]
        listed = self.api.list_all("getHolds", query={"walletID": wallet_id})
        if self._ok(listed, 200, "list a wallet's holds"):
            self.api.apply("list_contains_created", listed, present=holds)
