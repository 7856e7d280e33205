"""Metadata writes on transactions and accounts (formancehq/ledger v2.4.6 ``controller_default.go``).

All answer 204 and write one log and one event, even when nothing changed. Adding merges;
account metadata creates the account when it never appeared. Deleting a transaction's key that
is not there is 404; deleting an account's key never fails and never creates the account.
Events carry ``targetId`` as a string, even for a transaction (``controller_with_events.go``).
Each runs under the ``schemaVersion`` it names (schemas.py): the log records it, and an account
created by metadata gets the chart's default metadata; no address is checked against the chart.
"""

from __future__ import annotations

from typing import Any

from mockserver.ledger import gojson, logs
from mockserver.ledger.errors import WRAP, not_found
from mockserver.ledger.pipeline import Pipeline, Written
from mockserver.ledger.system import string_map


class MetadataWrites(Pipeline):
    def add_transaction_metadata(
        self,
        name: str,
        tx_id: int,
        body: Any,
        *,
        dry_run: bool = False,
        idempotency_key: str | None = None,
        schema_version: str | None = None,
    ) -> Written:
        book = self.ledgers.book(name)
        metadata = string_map(body)
        inputs = {"TransactionID": tx_id, "Metadata": gojson.sorted_map(metadata)}
        if self._replay(book, idempotency_key, logs.idempotency_hash(inputs)) is not None:
            return Written(None, hit=True)
        guard = self._schema_guard(book, schema_version)
        tx = book.transaction(tx_id)
        if tx is None:
            raise not_found(f"{WRAP}not found")
        if dry_run:
            return Written(None)
        now = self.clock.now()
        if any(tx.metadata.get(k) != v for k, v in metadata.items()):
            tx.set_metadata({**tx.metadata, **metadata}, now)
            tx.updated_at = now
        payload = logs.set_metadata_payload("TRANSACTION", tx_id, metadata)
        self._log(book, logs.SET_METADATA, payload, payload, now, idempotency_key, inputs, guard.version)
        self._publish("SAVED_METADATA", {"ledger": name, **payload, "targetId": str(tx_id)})
        return Written(None)

    def delete_transaction_metadata(
        self,
        name: str,
        tx_id: int,
        key: str,
        *,
        dry_run: bool = False,
        idempotency_key: str | None = None,
        schema_version: str | None = None,
    ) -> Written:
        book = self.ledgers.book(name)
        inputs = {"TransactionID": tx_id, "Key": key}
        if self._replay(book, idempotency_key, logs.idempotency_hash(inputs)) is not None:
            return Written(None, hit=True)
        guard = self._schema_guard(book, schema_version)
        tx = book.transaction(tx_id)
        if tx is None or key not in tx.metadata:
            raise not_found(f"{WRAP}not found")
        if dry_run:
            return Written(None)
        now = self.clock.now()
        tx.set_metadata({k: v for k, v in tx.metadata.items() if k != key}, now)
        tx.updated_at = now
        payload = logs.delete_metadata_payload("TRANSACTION", tx_id, key)
        self._log(book, logs.DELETE_METADATA, payload, payload, now, idempotency_key, inputs, guard.version)
        self._publish("DELETED_METADATA", {"ledger": name, **payload, "targetId": str(tx_id)})
        return Written(None)

    def add_account_metadata(
        self,
        name: str,
        address: str,
        body: Any,
        *,
        dry_run: bool = False,
        idempotency_key: str | None = None,
        schema_version: str | None = None,
    ) -> Written:
        book = self.ledgers.book(name)
        metadata = string_map(body)
        inputs = {"Address": address, "Metadata": gojson.sorted_map(metadata) if body is not None else None}
        if self._replay(book, idempotency_key, logs.idempotency_hash(inputs)) is not None:
            return Written(None, hit=True)
        guard = self._schema_guard(book, schema_version)
        if dry_run:
            return Written(None)
        now = self.clock.now()
        book.touch_account(address, now, metadata=metadata, defaults=guard.defaults)
        payload = logs.set_metadata_payload("ACCOUNT", address, metadata)
        self._log(book, logs.SET_METADATA, payload, payload, now, idempotency_key, inputs, guard.version)
        self._publish("SAVED_METADATA", {"ledger": name, **payload})
        return Written(None)

    def delete_account_metadata(
        self,
        name: str,
        address: str,
        key: str,
        *,
        dry_run: bool = False,
        idempotency_key: str | None = None,
        schema_version: str | None = None,
    ) -> Written:
        book = self.ledgers.book(name)
        inputs = {"Address": address, "Key": key}
        if self._replay(book, idempotency_key, logs.idempotency_hash(inputs)) is not None:
            return Written(None, hit=True)
        guard = self._schema_guard(book, schema_version)
        if dry_run:
            return Written(None)
        now = self.clock.now()
        account = book.accounts.get(address)
        if account is not None and key in account.metadata:
            kept = account.updated_at  # the release's delete leaves updated_at alone
            account.set_metadata({k: v for k, v in account.metadata.items() if k != key}, now)
            account.updated_at = kept
        payload = logs.delete_metadata_payload("ACCOUNT", address, key)
        self._log(book, logs.DELETE_METADATA, payload, payload, now, idempotency_key, inputs, guard.version)
        self._publish("DELETED_METADATA", {"ledger": name, **payload})
        return Written(None)
