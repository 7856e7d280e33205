"""A wallet's secondary balances: create, read, list (formancehq/wallets v2.1.5 ``pkg/manager.go``
``CreateBalance``, ``GetBalance``, ``ListBalances``; ``pkg/balance.go``).

A balance is the account ``wallets:<id>:<name>`` marked ``wallets/balances: "true"``; its name
(as sent, dashes kept), expiry and priority are metadata. Creating one reads that account first
(one already marked is 400 ``balance already exists``; one that exists unmarked is taken over),
then writes the metadata without the request's ``Idempotency-Key``. The wallet itself is never
looked up: a balance can be made for any id, and listing an unknown wallet's balances is an
empty list.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.timefmt import rfc3339
from mockserver.wallets import errors, keys, paging, records, requests
from mockserver.wallets.base import WalletsBase
from mockserver.wallets.paging import Query


class BalanceOps(WalletsBase):
    def create_balance(self, wallet_id: str, body: Any = None) -> dict[str, Any]:
        """``POST /wallets/{id}/balances``: 201 with ``{name, expiresAt, priority}``. An expiry in
        the past is accepted (the balance is expired at once)."""
        request = requests.new_balance(body)
        address = self.chart.balance(wallet_id, request.name)
        if records.is_balance(self._read(address)):
            raise errors.validation(errors.BALANCE_ALREADY_EXISTS)
        expires = rfc3339(request.expires_at) if request.expires_at is not None else ""
        metadata = keys.balance_metadata(wallet_id, request.name, expires, request.priority)
        self._set_metadata(address, metadata)
        return records.balance({"metadata": metadata})

    def get_balance(self, wallet_id: str, name: str) -> dict[str, Any]:
        """``GET /wallets/{id}/balances/{name}``: the balance and its assets (``main`` too). An
        account that is no balance is 404; no account is 404 in spec mode (v2.2.0), and v2.1.5's
        500 with ``--quirks real``."""
        account = self._read(self.chart.balance(wallet_id, name))
        if account is None:
            raise self._missing(errors.BALANCE_NOT_EXISTS)
        if not records.is_balance(account):
            raise errors.NotFoundEmpty(errors.BALANCE_NOT_EXISTS)
        return records.expanded_balance(account)

    def list_balances(self, wallet_id: str, query: Query | None = None) -> dict[str, Any]:
        """``GET /wallets/{id}/balances``: main and the secondary balances, by address, without
        assets. ``metadata[k]=v`` filters on client metadata, which only the main account carries."""
        query = query or {}
        found = paging.page(query, self.real)
        filters = {keys.IS_BALANCE: keys.TRUE, keys.WALLET_ID: wallet_id}
        filters.update(keys.encode_custom(paging.metadata_filters(query)))
        listed = self._accounts(found, filters)
        return paging.envelope(found, listed, [records.balance(a) for a in listed["data"]])
