"""The ledger's log hash chain, recomputed from the recipe the spec documents (`V2Log.hash`).

    hash(n) = SHA-256( ['"' + base64(hash(n-1)) + '"\\n']  +  J  +  '\\n' ),  J =
    {"type":"<type>","data":<memento>,"date":"<date>","idempotencyKey":"<key>","id":0,"hash":null}

`<memento>` is the compact Go JSON of the payload in which a transaction is reduced to
`{"postings","metadata","timestamp","reference" (only when set),"id","reverted":false}`, and a
`REVERTED_TRANSACTION` payload is `{"revertedTransactionID", "transaction"}`. Object keys keep that order,
metadata maps are sorted by key, and `<`, `>`, `&` (and U+2028, U+2029) are escaped as Go escapes them.
`<key>` is the raw idempotency key, `<date>` the log's `date` as listed. Written from the spec alone: the
suite's oracle shares no code with any implementation.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from typing import Any

__all__ = ["chain_problems", "go_json", "log_hash", "memento"]

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def go_json(value: Any) -> str:
    """`json.Marshal` as Go writes it: compact, raw UTF-8, HTML-sensitive characters escaped."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for character, escape in _GO_ESCAPES.items():
        text = text.replace(character, escape)
    return text


def _sorted(mapping: Any) -> Any:
    return {key: mapping[key] for key in sorted(mapping)} if isinstance(mapping, dict) else mapping


def _reduced(tx: dict[str, Any]) -> dict[str, Any]:
    """A transaction as the memento keeps it (volumes, dates and revert state left out)."""
    postings = [
        {
            "source": p.get("source"),
            "destination": p.get("destination"),
            "amount": p.get("amount"),
            "asset": p.get("asset"),
        }
        for p in tx.get("postings") or []
    ]
    out: dict[str, Any] = {"postings": postings, "metadata": _sorted(tx.get("metadata") or {})}
    out["timestamp"] = tx.get("timestamp")
    if tx.get("reference"):
        out["reference"] = tx["reference"]
    out["id"] = tx.get("id")
    out["reverted"] = False
    return out


def memento(log: dict[str, Any]) -> Any:
    """The payload the hash covers, for any log type."""
    data = log.get("data") or {}
    kind = log.get("type")
    if kind == "NEW_TRANSACTION":
        accounts = _sorted(data.get("accountMetadata") or {})
        accounts = {address: _sorted(values) for address, values in accounts.items()}
        return {"transaction": _reduced(data.get("transaction") or {}), "accountMetadata": accounts}
    if kind == "REVERTED_TRANSACTION":
        original = (data.get("revertedTransaction") or {}).get("id")
        return {"revertedTransactionID": original, "transaction": _reduced(data.get("transaction") or {})}
    if kind in ("SET_METADATA", "DELETE_METADATA"):
        body = dict(data)
        if isinstance(body.get("metadata"), dict):
            body["metadata"] = _sorted(body["metadata"])
        return body
    return data


def log_hash(previous: str | None, log: dict[str, Any]) -> str:
    """The `hash` a log must carry after `previous` (the hash of the log before it, base64; None for the first)."""
    body = (
        f'{{"type":"{log.get("type")}","data":{go_json(memento(log))},"date":"{log.get("date")}",'
        f'"idempotencyKey":"{log.get("idempotencyKey") or ""}","id":0,"hash":null}}'
    )
    head = b""
    if previous is not None:
        head = b'"' + base64.b64encode(base64.b64decode(previous)) + b'"\n'
    return base64.b64encode(hashlib.sha256(head + body.encode("utf-8", "surrogatepass") + b"\n").digest()).decode()


def chain_problems(logs: Iterable[dict[str, Any]]) -> list[str]:
    """What is wrong with a ledger's whole log, read oldest first: ids not increasing, a hash that does not
    recompute from the one before it. Logs without a hash (`HASH_LOGS` off) only have their order checked."""
    problems: list[str] = []
    previous_id: int | None = None
    previous_hash: str | None = None
    for log in logs:
        ident = log.get("id")
        if previous_id is not None and (not isinstance(ident, int) or ident <= previous_id):
            problems.append(f"log id {ident} after {previous_id}")
        wanted = None
        stored = log.get("hash")
        if stored is not None:
            try:
                wanted = log_hash(previous_hash, log)
            except (binascii.Error, ValueError, TypeError) as exc:
                problems.append(f"log {ident}: the previous hash does not decode ({exc})")
            if wanted is not None and stored != wanted:
                problems.append(f"log {ident}: hash {stored} does not recompute (expected {wanted})")
        previous_id = ident if isinstance(ident, int) else previous_id
        previous_hash = stored if isinstance(stored, str) else previous_hash
    return problems
