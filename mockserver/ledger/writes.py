"""Creating and reverting transactions (formancehq/ledger v2.4.6 ``controller_default.go``).

Create: postings (or a script's postings) are checked against the funds rule, a reused
``reference`` is 409 CONFLICT, and the transaction is booked with its volumes. Revert: the
postings swapped and in reverse order, booked now (or at the original's timestamp with
``atEffectiveDate``), with the ``com.formance.spec/state/reverts`` metadata on the new
transaction; without ``force`` the original's destinations must not end below zero.

Schemas: both run under the ``schemaVersion`` they name (``guard``, schemas.py), which may put
a transaction template's script in place of the request's, check the postings against the
chart of accounts, and give accounts they create the chart's default metadata.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from mockserver.ledger import logs
from mockserver.ledger import presenter as present
from mockserver.ledger.book import LedgerBook
from mockserver.ledger.errors import (
    WRAP,
    already_revert,
    conflict,
    insufficient_fund,
    not_found,
    validation,
)
from mockserver.ledger.model import EMPTY, WORLD, Posting, Transaction
from mockserver.ledger.pipeline import Pipeline, Written
from mockserver.ledger.postings import ADDRESS, check_funds
from mockserver.ledger.request import TransactionRequest, sorted_accounts
from mockserver.ledger.scripts import run_script
from mockserver.ledger.system import string_map
from mockserver.ledger.volumes import Move

REVERTS_KEY = "com.formance.spec/state/reverts"


class TransactionWrites(Pipeline):
    numscript_engine: str  # the engine a script runs on unless the request picks another

    def create_transaction(
        self,
        name: str,
        body: Any,
        *,
        dry_run: bool = False,
        force: bool = False,
        idempotency_key: str | None = None,
        schema_version: str | None = None,
    ) -> Written:
        """``POST /v2/{ledger}/transactions``: postings or a script, checked and booked."""
        book = self.ledgers.book(name)
        if not isinstance(body, dict):
            raise validation("json: cannot unmarshal the body: expected an object")
        request = TransactionRequest.parse(body, force=force)
        if not self.real:
            _check_account_metadata_addresses(request.account_metadata)
        inputs = request.inputs()
        # Strings, integers and null only (the vars are normalised to strings): no float.
        digest = logs.idempotency_hash(inputs, records=True)
        replay = self._replay(book, idempotency_key, digest)
        if replay is not None:
            shown = orjson.loads(replay.data)["transaction"]
            self._publish("COMMITTED_TRANSACTIONS", {"ledger": name, "transactions": [shown], "accountMetadata": {}})
            return Written(shown, hit=True)
        guard = self._schema_guard(book, schema_version)
        request = guard.resolve_template(request)
        if request.postings is not None:
            postings, tx_meta, account_meta = request.postings, request.metadata, request.account_metadata
            check_funds(postings, book.balance, force=request.force)
        else:  # the engine checks funds, overdrafts and metadata itself
            postings, tx_meta, account_meta = run_script(
                book, request, default_engine=self.numscript_engine, real=self.real
            )
        now = self.clock.now()
        if request.reference and request.reference in book.references:
            if self.real:
                book.burn_transaction_id()  # the release's id sequence never rolls back
            raise conflict(f'{WRAP}failed to insert transaction: duplicate reference "{request.reference}"')
        guard.check_postings(postings)
        timestamp = request.timestamp or now
        if dry_run:
            preview = _preview(book, postings, tx_meta, timestamp, now, request.reference)
            preview.template = guard.template
            if self.real:
                book.burn_transaction_id()
            return Written(self._shown_preview(book, preview))
        tx = book.insert_transaction(
            postings,
            metadata=tx_meta,
            timestamp=timestamp,
            inserted_at=now,
            reference=request.reference,
            account_metadata=account_meta,
            defaults=guard.defaults,
            template=guard.template,
        )
        shown = self._shown(book, tx)
        accounts = sorted_accounts(account_meta)
        memento = logs.new_transaction_memento(tx, account_meta)
        data = {"transaction": shown, "accountMetadata": accounts}
        self._log(
            book,
            logs.NEW_TRANSACTION,
            memento,
            data,
            now,
            idempotency_key,
            inputs,
            guard.version,
            digest=digest,
            records=True,
        )
        self._publish("COMMITTED_TRANSACTIONS", {"ledger": name, "transactions": [shown], "accountMetadata": accounts})
        return Written(shown)

    def revert_transaction(
        self,
        name: str,
        tx_id: int,
        body: Any = None,
        *,
        force: bool = False,
        at_effective_date: bool = False,
        dry_run: bool = False,
        idempotency_key: str | None = None,
        schema_version: str | None = None,
    ) -> Written:
        """``POST /v2/{ledger}/transactions/{id}/revert``."""
        book = self.ledgers.book(name)
        if body is not None and not isinstance(body, dict):
            raise validation("expected JSON body with metadata")
        metadata = string_map((body or {}).get("metadata"))
        inputs = {
            "Force": force,
            "AtEffectiveDate": at_effective_date,
            "TransactionID": tx_id,
            "Metadata": dict(sorted(metadata.items())) or None,
        }
        digest = logs.idempotency_hash(inputs, records=True)  # booleans, an integer, strings: no float
        replay = self._replay(book, idempotency_key, digest, internal_on_mismatch=self.real)
        if replay is not None:
            return Written(orjson.loads(replay.data)["transaction"], hit=True)
        guard = self._schema_guard(book, schema_version)  # a revert is never checked against the chart
        original = book.transaction(tx_id)
        if original is None:
            raise not_found(f"{WRAP}not found")
        if original.reverted_at is not None:
            raise already_revert(f"{WRAP}already reverted, id: {tx_id}")
        postings = tuple(Posting(p.destination, p.source, p.amount, p.asset) for p in reversed(original.postings))
        if not force:
            _check_revert_funds(book, original, postings)
        now = self.clock.now()
        revert_meta = {**metadata, REVERTS_KEY: str(tx_id)}
        timestamp = original.timestamp if at_effective_date else now
        if dry_run:
            shown = self._shown_preview(book, _preview(book, postings, revert_meta, timestamp, now, None))
            if self.real:
                book.burn_transaction_id()  # after the preview took it, as the release's sequence does
            return Written(shown)
        original.reverted_at = original.updated_at = now
        revert = book.insert_transaction(
            postings, metadata=revert_meta, timestamp=timestamp, inserted_at=now, reference=None
        )
        shown = self._shown(book, revert)
        reverted = present.transaction(original, volumes=True)
        memento = logs.reverted_transaction_memento(tx_id, revert)
        data = {"revertedTransaction": reverted, "transaction": shown}
        self._log(
            book,
            logs.REVERTED_TRANSACTION,
            memento,
            data,
            now,
            idempotency_key,
            inputs,
            guard.version,
            digest=digest,
            records=True,
        )
        self._publish(
            "REVERTED_TRANSACTION", {"ledger": name, "revertedTransaction": reverted, "revertTransaction": shown}
        )
        return Written(shown)

    def _shown_preview(self, book: LedgerBook, preview: Transaction) -> dict[str, Any]:
        shown = self._shown(book, preview)
        # Its moves point back at it: without them the preview is freed with the answer, not left
        # as a cycle for a collector that never visits the frozen heap (state/gcpolicy.py).
        preview.moves = ()
        return shown


def _check_account_metadata_addresses(accounts: dict[str, dict[str, str]]) -> None:
    """Spec mode refuses an ``accountMetadata`` key that is no account address: the release does not
    check them (``internal/api/bulking/elements.go``) and creates an account ``""`` that its own
    ``V2Account`` cannot describe; ``--quirks real`` takes them as it does."""
    for address in accounts:
        if not ADDRESS.match(address):
            raise validation(f"invalid account address in accountMetadata: '{address}'")


def _check_revert_funds(book: LedgerBook, original: Transaction, postings: tuple[Posting, ...]) -> None:
    """The original's destinations (but ``world``), after the revert, must not be below zero."""
    balances: dict[tuple[str, str], int] = {}
    for posting in original.postings:
        key = (posting.destination, posting.asset)
        if posting.destination != WORLD and key not in balances:
            balances[key] = book.balance(*key)
    for posting in postings:
        for key, delta in (
            ((posting.source, posting.asset), -posting.amount),
            ((posting.destination, posting.asset), posting.amount),
        ):
            if key in balances:
                balances[key] += delta
    for (address, asset), value in balances.items():
        if value < 0:
            raise insufficient_fund(f"{WRAP}insufficient fund for {address}/{asset}")


def _preview(
    book: LedgerBook,
    postings: tuple[Posting, ...],
    metadata: dict[str, str],
    timestamp: datetime,
    now: datetime,
    reference: str | None,
) -> Transaction:
    """The transaction a write would book, with its volumes, written nowhere (``dryRun``)."""
    tx = Transaction(book.next_tx_id, postings, dict(metadata) if metadata else EMPTY, timestamp, now, reference)
    running: dict[tuple[str, str], list[int]] = {}
    moves = []
    for posting in postings:
        for address, is_input in ((posting.source, False), (posting.destination, True)):
            key = (address, posting.asset)
            if key not in running:
                account = book.accounts.get(address)
                volumes = account.volumes.get(posting.asset) if account is not None else None
                effective = volumes.at_effective(timestamp) if volumes is not None else None
                current = (volumes.input, volumes.output) if volumes is not None else (0, 0)
                running[key] = [*current, *(effective or (0, 0))]
            state = running[key]
            slot = 0 if is_input else 1
            state[slot] += posting.amount
            state[slot + 2] += posting.amount
            move = Move(tx, posting.amount, is_input, 0)
            move.input, move.output, move.eff_input, move.eff_output = state
            moves.append(move)
    tx.moves = tuple(moves)
    return tx
