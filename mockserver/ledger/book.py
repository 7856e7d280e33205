"""One ledger's records and the primitive writes on them (no rule is checked here).

Ids are per ledger and start at 1, for transactions and logs alike (formancehq/ledger v2.4.6
``internal/storage/bucket/default_bucket.go``; its e2e tests expect a fresh ledger's first
transaction to be 1). Indexes kept beside the records: references, idempotency keys, and the
transactions touching each account, so reads by id, by reference and by account never scan.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.ledger import gojson, logs
from mockserver.ledger.model import EMPTY, Account, DeferredDigest, LedgerInfo, Log, Posting, Transaction
from mockserver.ledger.volumes import Move

HASHED = "SYNC"
# The metadata a chart of accounts gives an account when it is created (schemas.py).
Defaults = Callable[[str], dict[str, str]]


class LedgerBook:
    def __init__(self, info: LedgerInfo) -> None:
        self.info = info
        self.accounts: dict[str, Account] = {}
        self.transactions: dict[int, Transaction] = {}
        self.tx_ids: list[int] = []  # ascending: keyset pages bisect into it
        self.references: dict[str, int] = {}
        self.logs: dict[int, Log] = {}
        self.log_ids: list[int] = []
        self.idempotency: dict[str, Log] = {}
        self.by_account: dict[str, list[int]] = {}  # address -> ids of the transactions touching it
        # version -> schemas.Schema (which imports this module), in insertion (creation) order
        self.schemas: dict[str, Any] = {}
        self.next_tx_id = 1
        self.next_log_id = 1
        self._seq = 0
        self._last_hash: bytes | None = None

    # --- reads ---------------------------------------------------------------------------
    def balance(self, address: str, asset: str) -> int:
        account = self.accounts.get(address)
        return account.balance(asset) if account is not None else 0

    def transaction(self, tx_id: int) -> Transaction | None:
        return self.transactions.get(tx_id)

    @property
    def feature(self) -> dict[str, str]:
        return self.info.features

    # --- writes --------------------------------------------------------------------------
    def touch_account(
        self,
        address: str,
        when: datetime,
        *,
        first_usage: datetime | None = None,
        metadata: dict[str, str] | None = None,
        defaults: Defaults | None = None,
    ) -> Account:
        """Upsert as the release does: a new account dates itself ``when`` (first usage: the
        transaction's timestamp) and takes the chart's ``defaults`` under the given metadata;
        an existing one takes an earlier first usage and merges metadata, its ``updatedAt``
        moving only when one of the two changed (``internal/storage/ledger/accounts.go``)."""
        account = self.accounts.get(address)
        if account is None:
            account = self.accounts[address] = Account(address, when, first_usage)
            seeded = {**defaults(address), **(metadata or {})} if defaults is not None else metadata
            if seeded:
                account.metadata = dict(seeded)
            return account
        if first_usage is not None and first_usage < account.first_usage:
            account.first_usage = first_usage
            account.updated_at = when
        if metadata and any(account.metadata.get(k) != v for k, v in metadata.items()):
            account.set_metadata({**account.metadata, **metadata}, when)
        return account

    def insert_transaction(
        self,
        postings: tuple[Posting, ...],
        *,
        metadata: dict[str, str],
        timestamp: datetime,
        inserted_at: datetime,
        reference: str | None,
        account_metadata: dict[str, dict[str, str]] | None = None,
        tx_id: int | None = None,
        defaults: Defaults | None = None,
        template: str | None = None,
    ) -> Transaction:
        """Book the postings (funds already checked) and upsert every account they touch."""
        tx = Transaction(
            tx_id or self.next_tx_id, postings, dict(metadata) if metadata else EMPTY, timestamp, inserted_at, reference
        )
        tx.template = template
        self.next_tx_id = max(self.next_tx_id, tx.id + 1)
        moves = []
        # One insertion sequence number for all the transaction's moves (one int object, not one a
        # move): two of its moves on one account and asset keep their order as list order.
        self._seq += 1
        seq = self._seq
        for posting in postings:
            for address, is_input in ((posting.source, False), (posting.destination, True)):
                account = self.touch_account(address, inserted_at, first_usage=timestamp, defaults=defaults)
                move = Move(tx, posting.amount, is_input, seq)
                account.book(posting.asset).add(move)
                moves.append(move)
                touched = self.by_account.setdefault(address, [])
                if not touched or touched[-1] != tx.id:
                    touched.append(tx.id)
        tx.moves = tuple(moves)
        for address, values in (account_metadata or {}).items():
            self.touch_account(address, inserted_at, metadata=values, defaults=defaults)
        self.transactions[tx.id] = tx
        self.tx_ids.append(tx.id)
        if reference:
            self.references[reference] = tx.id
        return tx

    def append_log(
        self,
        type_: str,
        memento: dict[str, Any],
        data: dict[str, Any],
        date: datetime,
        *,
        idempotency_key: str = "",
        idempotency_hash: str | DeferredDigest = "",
        log_id: int | None = None,
        schema_version: str | None = None,
        records: bool = False,
    ) -> Log:
        """Write a log; its hash chains on the previous one when the ledger hashes logs (the
        schema version a write ran under is kept but never hashed: migration 37's trigger).
        ``records``: memento and data hold no float (see ``gojson.dumps_records``)."""
        digest = None
        if self.info.features.get("HASH_LOGS", HASHED) == HASHED:
            digest = logs.chain_hash(self._last_hash, type_, memento, date, idempotency_key, records=records)
            self._last_hash = digest
        payload = gojson.dumps_records(data) if records else gojson.dumps(data)
        log = Log(log_id or self.next_log_id, type_, payload, date, idempotency_key, idempotency_hash, digest)
        log.schema_version = schema_version or None
        self.next_log_id = max(self.next_log_id, log.id + 1)
        self.logs[log.id] = log
        self.log_ids.append(log.id)
        if idempotency_key:
            self.idempotency[idempotency_key] = log
        self.info.state = "in-use"
        return log

    def burn_transaction_id(self) -> int:
        """An id a write took and gave back (``--quirks real``: a sequence never rolls back)."""
        self.next_tx_id += 1
        return self.next_tx_id - 1
