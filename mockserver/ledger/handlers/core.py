"""Handlers of the ledger's core operations: ledgers, transactions, accounts, metadata, info."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.core.bound import ServiceHandlers
from mockserver.ledger.handlers.lists import query_params
from mockserver.ledger.handlers.params import Reply, expansions, idempotency_key, instant, written
from mockserver.ledger.service import LedgerService


class CoreHandlers(ServiceHandlers[LedgerService]):
    def registry(self) -> dict[str, Callable[..., Any]]:
        return {
            "v2GetInfo": self.get_info,
            "v2GetLedger": self.get_ledger,
            "v2CreateLedger": self.create_ledger,
            "v2UpdateLedgerMetadata": self.update_ledger_metadata,
            "v2DeleteLedgerMetadata": self.delete_ledger_metadata,
            "v2ReadStats": self.read_stats,
            "v2GetAccount": self.get_account,
            "v2AddMetadataToAccount": self.add_metadata_to_account,
            "v2DeleteAccountMetadata": self.delete_account_metadata,
            "v2CreateTransaction": self.create_transaction,
            "v2GetTransaction": self.get_transaction,
            "v2AddMetadataOnTransaction": self.add_metadata_on_transaction,
            "v2DeleteTransactionMetadata": self.delete_transaction_metadata,
            "v2RevertTransaction": self.revert_transaction,
        }

    async def get_info(self) -> Reply:
        return self._s.server_info(), 200

    async def get_ledger(self, ledger: str) -> Reply:
        return {"data": self._s.get_ledger(ledger)}, 200

    async def create_ledger(self, ledger: str, body: Any = None) -> Reply:
        self._s.create_ledger(ledger, body)
        return None, 204

    async def update_ledger_metadata(self, ledger: str, body: Any = None) -> Reply:
        self._s.update_ledger_metadata(ledger, body)
        return None, 204

    async def delete_ledger_metadata(self, ledger: str, key: str) -> Reply:
        self._s.delete_ledger_metadata(ledger, key)
        return None, 204

    async def read_stats(self, ledger: str) -> Reply:
        return {"data": self._s.stats(ledger)}, 200

    async def get_account(self, ledger: str, address: str, expand: Any = None, pit: str | None = None) -> Reply:
        expanded = _expand("v2GetAccount", expand)
        return {"data": self._s.get_account(ledger, address, expand=expanded, pit=instant(pit))}, 200

    async def add_metadata_to_account(
        self, ledger: str, address: str, body: Any = None, dry_run: bool = False, schema_version: str | None = None
    ) -> Reply:
        done = self._s.add_account_metadata(
            ledger, address, body, dry_run=dry_run, idempotency_key=idempotency_key(), schema_version=schema_version
        )
        return written(None, 204, done.hit)

    async def delete_account_metadata(
        self, ledger: str, address: str, key: str, dry_run: bool = False, schema_version: str | None = None
    ) -> Reply:
        done = self._s.delete_account_metadata(
            ledger, address, key, dry_run=dry_run, idempotency_key=idempotency_key(), schema_version=schema_version
        )
        return written(None, 204, done.hit)

    async def create_transaction(
        self,
        ledger: str,
        body: Any = None,
        dry_run: bool = False,
        force: bool = False,
        schema_version: str | None = None,
    ) -> Reply:
        done = self._s.create_transaction(
            ledger, body, dry_run=dry_run, force=force, idempotency_key=idempotency_key(), schema_version=schema_version
        )
        return written({"data": done.payload}, 200, done.hit)

    async def get_transaction(self, ledger: str, id_: int, expand: Any = None, pit: str | None = None) -> Reply:
        expanded = _expand("v2GetTransaction", expand)
        return {"data": self._s.get_transaction(ledger, id_, expand=expanded, pit=instant(pit))}, 200

    async def add_metadata_on_transaction(
        self, ledger: str, id_: int, body: Any = None, dry_run: bool = False, schema_version: str | None = None
    ) -> Reply:
        done = self._s.add_transaction_metadata(
            ledger, id_, body, dry_run=dry_run, idempotency_key=idempotency_key(), schema_version=schema_version
        )
        return written(None, 204, done.hit)

    async def delete_transaction_metadata(
        self, ledger: str, id_: int, key: str, dry_run: bool = False, schema_version: str | None = None
    ) -> Reply:
        done = self._s.delete_transaction_metadata(
            ledger, id_, key, dry_run=dry_run, idempotency_key=idempotency_key(), schema_version=schema_version
        )
        return written(None, 204, done.hit)

    async def revert_transaction(
        self,
        ledger: str,
        id_: int,
        body: Any = None,
        force: bool = False,
        at_effective_date: bool = False,
        dry_run: bool = False,
        schema_version: str | None = None,
    ) -> Reply:
        done = self._s.revert_transaction(
            ledger,
            id_,
            body,
            force=force,
            at_effective_date=at_effective_date,
            dry_run=dry_run,
            idempotency_key=idempotency_key(),
            schema_version=schema_version,
        )
        return written({"data": done.payload}, 201, done.hit)


def _expand(operation_id: str, value: Any) -> tuple[str, ...]:
    """Every ``expand`` of the request, read from its query string: Connexion passes only the last
    of a repeated parameter it declares as a string, and the release reads them all."""
    return expansions(query_params(operation_id, {"expand": value}).get("expand"))
