"""The wallets' transactions (formancehq/wallets v2.1.5 ``pkg/manager.go`` ``ListTransactions``,
``pkg/transaction.go``).

Every ledger transaction marked ``wallets/transaction: "true"``, newest first; with
``walletID``, only those that touch the wallet's **main** account (as a source or a
destination): a credit to a secondary balance, or a debit taking only from one, is not listed
for the wallet, nor a hold's confirmation (unless ``final`` brought money back to main).
"""

from __future__ import annotations

from typing import Any

from mockserver.ledger.errors import LedgerError
from mockserver.wallets import keys, paging, records
from mockserver.wallets.base import WalletsBase
from mockserver.wallets.paging import Query


class TransactionOps(WalletsBase):
    def list_transactions(self, query: Query | None = None) -> dict[str, Any]:
        query = query or {}
        found = paging.page(query, self.real)
        conditions = {f"metadata[{keys.TRANSACTION}]": keys.TRUE}
        wallet_id = paging.first(query, "walletID")
        if wallet_id:
            conditions["account"] = self.chart.main(wallet_id)
        try:
            listed = self.books.transactions(conditions, page_size=found.size, cursor=found.cursor)["cursor"]
        except LedgerError as exc:
            raise self._refused(exc, "listing transactions: ") from None
        data = [records.transaction(tx, self.ledger_name) for tx in listed["data"]]
        return paging.envelope(found, listed, data)
