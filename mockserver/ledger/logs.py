"""The ledger's log: one entry per write, chained by a SHA-256 hash the way the release chains it.

The hash is computed by formancehq/ledger v2.4.6's database trigger (``internal/storage/bucket/
migrations/37-clean-database/up.sql``): SHA-256 over the previous log's hash (base64, quoted,
then a newline) and this log's JSON ``{"type","data":<memento>,"date","idempotencyKey","id":0,
"hash":null}`` plus a newline. The memento is the payload in Go's JSON without the volumes
(``internal/log.go``). The idempotency hash is SHA-256 of the command's input as Go's encoder
writes it, in URL-safe base64. Both are reproduced byte for byte (gojson.py).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import rfc3339
from mockserver.ledger import gojson
from mockserver.ledger.model import Posting, Transaction

NEW_TRANSACTION = "NEW_TRANSACTION"
SET_METADATA = "SET_METADATA"
DELETE_METADATA = "DELETE_METADATA"
REVERTED_TRANSACTION = "REVERTED_TRANSACTION"
INSERTED_SCHEMA = "INSERTED_SCHEMA"
TYPES = (NEW_TRANSACTION, SET_METADATA, DELETE_METADATA, REVERTED_TRANSACTION, INSERTED_SCHEMA)


def _postings(postings: tuple[Posting, ...]) -> list[dict[str, Any]]:
    return [p.as_json() for p in postings]


def _core_transaction(tx: Transaction, metadata: dict[str, str], *, with_reference: bool = True) -> dict[str, Any]:
    """The transaction as the memento stores it (``TransactionData`` + id + reverted)."""
    out: dict[str, Any] = {
        "postings": _postings(tx.postings),
        "metadata": gojson.sorted_map(metadata),
        "timestamp": rfc3339(tx.timestamp),
    }
    if with_reference and tx.reference:
        out["reference"] = tx.reference
    out["id"] = tx.id
    out["reverted"] = False
    return out


def new_transaction_memento(tx: Transaction, account_metadata: dict[str, dict[str, str]]) -> dict[str, Any]:
    accounts = {address: gojson.sorted_map(values) for address, values in gojson.sorted_map(account_metadata).items()}
    return {"transaction": _core_transaction(tx, tx.metadata), "accountMetadata": accounts}


def reverted_transaction_memento(original_id: int, revert: Transaction) -> dict[str, Any]:
    return {"revertedTransactionID": original_id, "transaction": _core_transaction(revert, revert.metadata)}


def set_metadata_payload(target_type: str, target_id: int | str, metadata: dict[str, str]) -> dict[str, Any]:
    return {"targetType": target_type, "targetId": target_id, "metadata": gojson.sorted_map(metadata)}


def delete_metadata_payload(target_type: str, target_id: int | str, key: str) -> dict[str, Any]:
    return {"targetType": target_type, "targetId": target_id, "key": key}


def chain_hash(
    previous: bytes | None,
    type_: str,
    memento: dict[str, Any],
    date: datetime,
    idempotency_key: str,
    *,
    records: bool = False,
) -> bytes:
    """The log hash of the release's trigger, chained on ``previous`` (``records``: the memento
    holds no float, see ``gojson.dumps_records``)."""
    head = b'"' + base64.b64encode(previous) + b'"\n' if previous is not None else b""
    body = (
        b'{"type":"'
        + type_.encode()
        + b'","data":'
        + (gojson.dumps_records(memento) if records else gojson.dumps(memento))
        + b',"date":"'
        + rfc3339(date).encode()
        + b'","idempotencyKey":"'
        + idempotency_key.encode("utf-8", "surrogatepass")
        + b'","id":0,"hash":null}\n'
    )
    return hashlib.sha256(head + body).digest()


def idempotency_hash(inputs: dict[str, Any], *, records: bool = False) -> str:
    """``ComputeIdempotencyHash``: SHA-256 of the input's Go encoding, URL-safe base64 (``records``:
    the input holds no float, see ``gojson.dumps_records``)."""
    digest = hashlib.sha256(gojson.encoder_line(inputs, records=records)).digest()
    return base64.urlsafe_b64encode(digest).decode()
