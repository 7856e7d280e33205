"""Wallets: create, read, list, update, and the summary of a wallet's funds.

A wallet is its main account ``wallets:<id>:main``, typed ``wallets.primary`` by its metadata
(formancehq/wallets v2.1.5 ``pkg/manager.go`` ``CreateWallet``, ``GetWallet``, ``ListWallets``,
``UpdateWallet``, ``GetWalletSummary``; ``pkg/wallet.go``). Creating one is a single metadata
write, without the request's ``Idempotency-Key`` (the release ignores it there: a retried
create makes a second wallet); updating one rewrites all its metadata with the key. Nothing is
kept outside the ledger.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockserver.core.timefmt import rfc3339
from mockserver.wallets import errors, keys, paging, records, requests
from mockserver.wallets.base import WalletsBase
from mockserver.wallets.godecode import empty_body_message
from mockserver.wallets.paging import Query


class WalletOps(WalletsBase):
    def create_wallet(self, body: Any = None) -> dict[str, Any]:
        """``POST /wallets``: a fresh id (UUID v4), created now; 201 with the wallet, no assets yet."""
        request = requests.new_wallet(body)
        return self._new_wallet(self.ids.uuid(), request.name, request.metadata, self.clock.now())

    def _new_wallet(self, wallet_id: str, name: str, custom: dict[str, str], created: datetime) -> dict[str, Any]:
        metadata = keys.wallet_metadata(wallet_id, name, rfc3339(created), custom)
        self._set_metadata(self.chart.main(wallet_id), metadata)
        return records.wallet({"metadata": metadata}, self.ledger_name)

    def get_wallet(self, wallet_id: str) -> dict[str, Any]:
        """``GET /wallets/{id}``: the wallet and its main balance's assets. An account that is no
        wallet (one a credit created) is 404; no account at all is 404 in spec mode, and v2.1.5's
        500 ``getting account: ...: account not found`` with ``--quirks real``."""
        account = self._read(self.chart.main(wallet_id))
        if account is None:
            raise self._missing(errors.WALLET_NOT_FOUND, "getting account: ")
        if not records.is_primary(account):
            raise errors.NotFoundEmpty(errors.WALLET_NOT_FOUND)
        return records.wallet(account, self.ledger_name)

    def list_wallets(self, query: Query | None = None) -> dict[str, Any]:
        """``GET /wallets``: ``name`` (exact), ``metadata[k]=v`` and ``expand=balances`` (that exact
        value: the main balance's assets; otherwise they are ``{}``), by address (the id without
        dashes, ascending)."""
        query = query or {}
        found = paging.page(query, self.real)
        filters = {keys.SPEC_TYPE: keys.PRIMARY, **keys.encode_custom(paging.metadata_filters(query))}
        if paging.first(query, "name"):
            filters[keys.WALLET_NAME] = paging.first(query, "name")
        volumes = paging.first(query, "expand") == "balances"
        listed = self._accounts(found, filters, volumes)
        return paging.envelope(found, listed, [records.wallet(a, self.ledger_name) for a in listed["data"]])

    def update_wallet(
        self, wallet_id: str, body: Any = None, *, idempotency_key: str = "", content_type: str | None = None
    ) -> None:
        """``PATCH /wallets/{id}``: the client's metadata merged into the wallet's (keys are never
        removed), written back whole with the request's ``Idempotency-Key``. Any wallet the ledger
        cannot read is 404, in both modes (``pkg/manager.go:436-444``)."""
        if body is None:
            raise errors.validation(empty_body_message(content_type))
        merged = requests.patch(body)
        account = self._read(self.chart.main(wallet_id))
        if account is None or not records.is_primary(account):
            raise errors.NotFoundEmpty(errors.WALLET_NOT_FOUND)
        stored = account.get("metadata") or {}
        custom = {**keys.extract_custom(stored), **merged}
        self._set_metadata(self.chart.main(wallet_id), {**stored, **keys.encode_custom(custom)}, idempotency_key)

    def wallet_summary(self, wallet_id: str) -> dict[str, Any]:
        """``GET /wallets/{id}/summary``: every balance with its assets, and per asset the funds
        available (not expired), expired, expirable (available but with an expiry) and on hold
        (what remains on the wallet's holds, closed ones adding 0). An unknown wallet has an empty
        summary (200), in the release and here."""
        now = self.clock.now()
        summary: dict[str, Any] = {"balances": [], "availableFunds": {}, "expiredFunds": {}}
        summary.update(expirableFunds={}, holdFunds={})
        for account in self._every({keys.WALLET_ID: wallet_id}):
            shown = records.expanded_balance(account)
            summary["balances"].append(shown)
            expires = records.expiry(account)
            for asset, amount in shown["assets"].items():
                if expires is not None and expires < now:
                    _add(summary["expiredFunds"], asset, amount)
                    continue
                if expires is not None:
                    _add(summary["expirableFunds"], asset, amount)
                _add(summary["availableFunds"], asset, amount)
        for account in self._every({keys.HOLD_WALLET_ID: wallet_id}):
            held = records.expanded_hold(account)
            _add(summary["holdFunds"], held["asset"], held["remaining"] or 0)
        for key in ("availableFunds", "expiredFunds", "expirableFunds", "holdFunds"):
            summary[key] = dict(sorted(summary[key].items()))
        return summary

    def control_view(self) -> list[dict[str, Any]]:
        """The control API's and the inspector's wallets: each with all its balances (asset -> amount)."""
        shown = []
        for account in self._every({keys.SPEC_TYPE: keys.PRIMARY}):
            wallet = records.wallet(account, self.ledger_name, strict=False)
            balances = {
                records.expanded_balance(b).get("name", ""): records.assets(b)
                for b in self._every({keys.WALLET_ID: wallet["id"]})
            }
            order = ("id", "metadata", "name", "createdAt", "ledger")
            shown.append({**{key: wallet[key] for key in order}, "balances": balances})
        return shown


def _add(funds: dict[str, int], asset: str, amount: int) -> None:
    funds[asset] = funds.get(asset, 0) + amount
