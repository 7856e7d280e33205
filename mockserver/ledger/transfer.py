"""Logs export and import (formancehq/ledger v2.4.6 ``controllers_logs_export.go`` /
``controllers_logs_import.go``, ``controller_default.go`` ``Import`` / ``importLog``).

Export: every log, ascending, one JSON object a line, as ``GET /logs`` shows them (amounts as
numbers, ``hash`` in base64 or null); an empty ledger exports nothing.

Import: a stream of such logs (whitespace between them; an array is not a stream), 204. Only
while the ledger is ``initializing`` (no single write went through; importing leaves it so, so
a ledger can be imported in several calls), and each log's id must be above the last one's.
Each log is replayed with its own ids, dates and idempotency key and written with its given id;
with ``HASH_LOGS=SYNC`` its hash is computed again and must equal the given one. Each log is
its own transaction: the logs before a failing one stay. No event is published. Refusals are
400 IMPORT ``importing logs: ...``.

Where the release answers 500 for a client's stream (malformed JSON: 500 with its fixed text;
an unknown log type or a log without id: a panic; a log whose target does not exist: 500),
spec mode answers 400 (VALIDATION for what does not decode, IMPORT for what does not apply)
and ``--quirks real`` the release's 500 with its fixed text.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import parse_rfc3339, timestamp
from mockserver.ledger import gojson, logs
from mockserver.ledger.book import HASHED, LedgerBook
from mockserver.ledger.errors import LedgerError, internal
from mockserver.ledger.model import Log, Posting, Transaction
from mockserver.ledger.pipeline import Pipeline
from mockserver.ledger.postings import parse_postings
from mockserver.ledger.savepoint import Savepoint
from mockserver.ledger.schema_ops import INSERTED_SCHEMA
from mockserver.ledger.schemas import SchemaGuard, parse_schema
from mockserver.ledger.system import string_map

INITIALIZING = "initializing"
_END = object()


def _import_error(message: str) -> LedgerError:
    return LedgerError(400, "IMPORT", f"importing logs: {message}")


class _Unapplicable(Exception):
    """A log the ledger cannot replay (the release: an unmapped storage error, 500)."""


def log_line(entry: Log) -> bytes:
    """One exported log: ``json.Encoder`` of ``ledger.Log``, newline included."""
    head = {"type": entry.type}
    tail: dict[str, Any] = {
        "date": timestamp(entry.date),
        "idempotencyKey": entry.idempotency_key,
        "idempotencyHash": entry.idempotency_hash,
        "id": entry.id,
        "hash": base64.b64encode(entry.hash).decode() if entry.hash is not None else None,
    }
    if entry.schema_version:
        tail["schemaVersion"] = entry.schema_version
    return gojson.dumps(head)[:-1] + b',"data":' + entry.data + b"," + gojson.dumps(tail)[1:] + b"\n"


class LogTransfer(Pipeline):
    def export_logs(self, name: str) -> bytes:
        """``POST /v2/{ledger}/logs/export``: the ledger's logs as a stream, oldest first."""
        book = self.ledgers.book(name)
        return b"".join(log_line(book.logs[log_id]) for log_id in book.log_ids)

    def import_logs(self, name: str, stream: Any) -> None:
        """``POST /v2/{ledger}/logs/import``: replay a stream of logs (see the module docstring)."""
        book = self.ledgers.book(name)
        if book.info.state != INITIALIZING:
            raise _import_error("ledger is not in initializing state")
        text = stream.decode("utf-8", "replace") if isinstance(stream, bytes) else stream or ""
        if not isinstance(text, str):  # a body that came decoded: one log, or a list (never a stream)
            text = json.dumps(text)
        logs_in = gojson.stream(text)
        while True:
            try:
                raw = next(logs_in, _END)
            except ValueError as exc:  # the logs before it are imported
                raise self._import_unreadable(f"reading input stream: {exc}") from None
            if raw is _END:
                return
            self._import_one(book, raw)

    def _import_unreadable(self, message: str) -> LedgerError:
        # v2.4.6 answers 500 (common.InternalServerError); its spec's import errors are IMPORT, so spec mode
        # answers that (spec/ledger.v2.yaml, ImportBadRequest).
        return internal() if self.real else _import_error(message)

    def _import_one(self, book: LedgerBook, raw: Any) -> None:
        entry = self._import_decode(raw)
        log_id = entry["id"]
        if book.log_ids and log_id <= book.log_ids[-1]:
            raise _import_error(f"log {log_id} already exists")
        state = book.info.state
        savepoint = Savepoint(book)
        try:
            written = self._import_apply(book, entry)
        except _Unapplicable as exc:
            savepoint.rollback()
            if self.real:
                raise internal() from None
            raise _import_error(f"importing log {log_id}: {exc}") from None
        except BaseException:
            savepoint.rollback()
            raise
        given = entry["hash"]
        if book.info.features.get("HASH_LOGS") == HASHED and written.hash != given:
            savepoint.rollback()
            expected = base64.b64encode(written.hash or b"").decode()
            got = base64.b64encode(given or b"").decode()
            raise _import_error(f"importing log {log_id}: invalid hash, expected {expected} got {got} for log {log_id}")
        if book.info.features.get("HASH_LOGS") != HASHED:
            written.hash = given  # no trigger: the column keeps what was imported
        savepoint.commit()
        book.info.state = state  # an import never puts the ledger in use

    def _import_decode(self, raw: Any) -> dict[str, Any]:
        """``ledger.Log`` as the stream decodes it."""
        if not isinstance(raw, dict):
            raise self._import_unreadable(
                f"json: cannot unmarshal {type(raw).__name__} into Go value of type ledger.Log"
            )
        if raw.get("type") not in logs.TYPES:
            raise self._import_unreadable(f"invalid log type: {raw.get('type')!r}")
        log_id = raw.get("id")
        if isinstance(log_id, bool) or not isinstance(log_id, int) or log_id < 0:
            raise self._import_unreadable("every log needs its id, a non-negative integer")
        data = raw.get("data")
        if not isinstance(data, dict):
            raise self._import_unreadable("json: cannot unmarshal the log's data: expected an object")
        try:
            date = parse_rfc3339(raw["date"]) if isinstance(raw.get("date"), str) else None
            given = raw.get("hash")
            digest = base64.b64decode(given, validate=True) if isinstance(given, str) else None
        except (ValueError, binascii.Error) as exc:
            raise self._import_unreadable(f"json: cannot unmarshal the log: {exc}") from None
        if date is None:
            raise self._import_unreadable("every log needs its date")
        keys = (raw.get("idempotencyKey") or "", raw.get("idempotencyHash") or "", raw.get("schemaVersion") or "")
        if not all(isinstance(value, str) for value in keys):
            raise self._import_unreadable("json: cannot unmarshal the log: idempotencyKey and the like are strings")
        return {"type": raw["type"], "data": data, "date": date, "id": log_id, "hash": digest, "keys": keys}

    def _import_apply(self, book: LedgerBook, entry: dict[str, Any]) -> Log:
        """Replay one log on the book (``importLog``) and write it with its id."""
        type_, data, date = entry["type"], entry["data"], entry["date"]
        key, idempotency_hash, version = entry["keys"]
        try:
            if type_ == logs.NEW_TRANSACTION:
                memento = self._import_transaction(book, data, version)
            elif type_ == logs.REVERTED_TRANSACTION:
                memento = self._import_revert(book, data)
            elif type_ == INSERTED_SCHEMA:
                memento = self._import_schema(book, data, date)
            else:
                memento = self._import_metadata(book, type_, data, date)
        except LedgerError as exc:
            raise _Unapplicable(exc.message) from None
        return book.append_log(
            type_,
            memento,
            data,
            date,
            idempotency_key=key,
            idempotency_hash=idempotency_hash,
            log_id=entry["id"],
            schema_version=version,
        )

    def _import_transaction(self, book: LedgerBook, data: dict[str, Any], version: str) -> dict[str, Any]:
        guard = SchemaGuard(version, None, strict=False)
        if version:
            guard.schema = book.schemas.get(version)
            if guard.schema is None:
                raise _Unapplicable("failed to find schema: not found")
        accounts = {str(a): string_map(m) for a, m in (data.get("accountMetadata") or {}).items()}
        tx = _book_transaction(book, data.get("transaction"), accounts, guard)
        return logs.new_transaction_memento(tx, accounts)

    def _import_revert(self, book: LedgerBook, data: dict[str, Any]) -> dict[str, Any]:
        reverted = data.get("revertedTransaction") or {}
        original = book.transaction(_int(reverted.get("id")))
        if original is None:
            raise _Unapplicable("failed to revert transaction: not found")
        if original.reverted_at is not None:
            raise _Unapplicable(f"failed to revert transaction: already reverted, id: {original.id}")
        at = _instant(reverted.get("revertedAt"))
        revert = _book_transaction(book, data.get("transaction"), {}, None)
        original.reverted_at = original.updated_at = at or revert.inserted_at
        return logs.reverted_transaction_memento(original.id, revert)

    def _import_schema(self, book: LedgerBook, data: dict[str, Any], date: datetime) -> dict[str, Any]:
        raw = data.get("schema") or {}
        version = raw.get("version") if isinstance(raw, dict) else None
        if not isinstance(version, str) or not version:
            raise _Unapplicable("failed to insert schema: the schema has no version")
        schema = parse_schema(version, raw)
        if version in book.schemas:
            raise _Unapplicable(f"failed to insert schema: schema version `{version}` already exists")
        schema.created_at = _instant(raw.get("createdAt")) or date
        book.schemas[version] = schema
        return {"schema": schema.as_json(stored=False)}

    def _import_metadata(self, book: LedgerBook, type_: str, data: dict[str, Any], date: datetime) -> dict[str, Any]:
        target_type, target = data.get("targetType"), data.get("targetId")
        if target_type == "TRANSACTION":
            tx = book.transaction(_int(target))
            if tx is None:
                raise _Unapplicable("failed to update transaction metadata: not found")
            if type_ == logs.SET_METADATA:
                values = string_map(data.get("metadata"))
                if any(tx.metadata.get(k) != v for k, v in values.items()):
                    tx.set_metadata({**tx.metadata, **values}, date)
                    tx.updated_at = date
                return logs.set_metadata_payload("TRANSACTION", tx.id, values)
            key = str(data.get("key") or "")
            if key in tx.metadata:
                tx.set_metadata({k: v for k, v in tx.metadata.items() if k != key}, date)
                tx.updated_at = date
            return logs.delete_metadata_payload("TRANSACTION", tx.id, key)
        if target_type != "ACCOUNT" or not isinstance(target, str):
            raise _Unapplicable(f"unknown type '{target_type}'")
        if type_ == logs.SET_METADATA:
            values = string_map(data.get("metadata"))
            book.touch_account(target, date, metadata=values)
            return logs.set_metadata_payload("ACCOUNT", target, values)
        key = str(data.get("key") or "")
        account = book.accounts.get(target)
        if account is not None and key in account.metadata:
            kept = account.updated_at
            account.set_metadata({k: v for k, v in account.metadata.items() if k != key}, date)
            account.updated_at = kept
        return logs.delete_metadata_payload("ACCOUNT", target, key)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Unapplicable("json: cannot unmarshal the transaction id: expected an integer")
    return value


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_rfc3339(value) if isinstance(value, str) else None
    except ValueError:
        raise _Unapplicable(f'parsing time "{value}": cannot parse') from None


def _book_transaction(
    book: LedgerBook, raw: Any, accounts: dict[str, dict[str, str]], guard: SchemaGuard | None
) -> Transaction:
    """A logged transaction booked as it was: its id, dates, reference and template."""
    if not isinstance(raw, dict):
        raise _Unapplicable("the log holds no transaction")
    tx_id = _int(raw.get("id"))
    if tx_id in book.transactions:
        raise _Unapplicable(f"failed to commit transaction: transaction {tx_id} already exists")
    reference = raw.get("reference") or None
    if reference is not None and reference in book.references:
        raise _Unapplicable(f'failed to commit transaction: duplicate reference "{reference}"')
    postings: tuple[Posting, ...] = parse_postings(raw.get("postings") or [])
    timestamp = _instant(raw.get("timestamp"))
    inserted_at = _instant(raw.get("insertedAt")) or timestamp
    if timestamp is None or inserted_at is None:
        raise _Unapplicable("the transaction has no timestamp")
    return book.insert_transaction(
        postings,
        metadata=string_map(raw.get("metadata")),
        timestamp=timestamp,
        inserted_at=inserted_at,
        reference=reference,
        account_metadata=accounts,
        tx_id=tx_id,
        defaults=guard.defaults if guard is not None else None,
        template=raw.get("template") or None,
    )
