"""Reads of single records: a transaction, an account, the stats (``internal/api/v2``).

An unknown transaction or account, or one that did not exist yet at ``pit``, is 404 NOT_FOUND
``not found``. ``expand`` adds volumes: ``volumes`` (by insertion) and ``effectiveVolumes``
(by effective date), as of ``pit`` when given.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockserver.ledger import presenter as present
from mockserver.ledger.book import LedgerBook
from mockserver.ledger.errors import not_found
from mockserver.ledger.pipeline import Pipeline
from mockserver.ledger.system import check_name


class SingleReads(Pipeline):
    def get_transaction(
        self, name: str, tx_id: int, *, expand: tuple[str, ...] = (), pit: datetime | None = None
    ) -> dict[str, Any]:
        book = self.ledgers.book(name)
        tx = book.transaction(tx_id)
        if tx is None or (pit is not None and tx.timestamp > pit):
            raise not_found()
        return present.transaction(tx, volumes="volumes" in expand, effective="effectiveVolumes" in expand, pit=pit)

    def get_account(
        self, name: str, address: str, *, expand: tuple[str, ...] = (), pit: datetime | None = None
    ) -> dict[str, Any]:
        book = self.ledgers.book(name)
        found = book.accounts.get(address)
        if found is None or (pit is not None and found.first_usage > pit):
            raise not_found()
        return present.account(found, volumes="volumes" in expand, effective="effectiveVolumes" in expand, pit=pit)

    def all_transactions(self, name: str) -> list[dict[str, Any]]:
        """Every transaction of a ledger, oldest first (the control API's view); [] when unknown."""
        found = self.ledgers.books.get(name)
        return [present.transaction(tx) for tx in found.transactions.values()] if found is not None else []

    def stats(self, name: str) -> dict[str, Any]:
        """Every transaction (reverts included) and every account (``world`` and metadata-only
        ones included) of the ledger."""
        book = self.ledgers.book(name)
        return {"transactions": len(book.transactions), "accounts": len(book.accounts)}

    def ensure_ledger(self, name: str) -> LedgerBook:
        """The ledger, created as the release's v1 API creates one on first use (bucket = name)."""
        if name in self.ledgers.books:
            return self.ledgers.book(name)
        check_name(name)
        return self.ledgers.create(name, {"bucket": name}, self.clock.now())

    def account_v1(self, name: str, address: str) -> dict[str, Any]:
        """The v1 API's account (``GET /api/ledger/{ledger}/accounts/{address}``), which
        orchestration's ``GetAccount`` reads: the ledger is created on first use and an unknown
        address is an empty account (``internal/api/v1/controllers_accounts_read.go``)."""
        book = self.ensure_ledger(name)
        found = book.accounts.get(address)
        if found is None:
            return {"address": address, "metadata": {}, "volumes": {}}
        volumes = {asset: present.volume(v.input, v.output) for asset, v in found.volumes.items()}
        return {"address": address, "metadata": dict(found.metadata), "volumes": volumes}
