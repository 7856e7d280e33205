"""The ledger API's JSON: transactions, accounts, logs, ledgers, as v2.4.6 marshals them.

Field order follows the release's Go structs (``internal/transaction.go``, ``internal/account.go``,
``internal/log.go``, ``internal/ledger.go``); dates are RFC 3339 in UTC with microseconds at most.
Volumes are ``{"input", "output", "balance"}`` per asset.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import orjson

from mockserver.core.timefmt import timestamp
from mockserver.ledger.model import Account, LedgerInfo, Log, Transaction

Volumes = dict[str, dict[str, dict[str, int]]]


def _go_map(values: Mapping[str, str]) -> dict[str, str]:
    """A metadata map as the release writes it: Go's encoding/json sorts a map's keys."""
    return dict(sorted(values.items()))


def volume(input_: int, output: int) -> dict[str, int]:
    return {"input": input_, "output": output, "balance": input_ - output}


def _commit_volumes(tx: Transaction, *, effective: bool) -> tuple[Volumes, Volumes]:
    """(pre, post) commit volumes per account and asset touched by ``tx``."""
    last: dict[tuple[str, str], Any] = {}
    own: dict[tuple[str, str], list[int]] = {}
    for index, move in enumerate(tx.moves):
        posting = tx.postings[index // 2]
        key = (posting.destination if move.is_input else posting.source, posting.asset)
        last[key] = move
        sums = own.setdefault(key, [0, 0])
        sums[0 if move.is_input else 1] += move.amount
    post: Volumes = {}
    pre: Volumes = {}
    for (address, asset), move in last.items():
        got, sent = (move.eff_input, move.eff_output) if effective else (move.input, move.output)
        post.setdefault(address, {})[asset] = volume(got, sent)
        mine = own[(address, asset)]
        pre.setdefault(address, {})[asset] = volume(got - mine[0], sent - mine[1])
    return pre, post


def transaction(
    tx: Transaction,
    *,
    volumes: bool = False,
    effective: bool = False,
    pit: datetime | None = None,
) -> dict[str, Any]:
    """V2Transaction. ``volumes`` / ``effective`` add the pre/post-commit (effective) volumes;
    ``pit`` shows the metadata and revert state as they were then."""
    metadata = tx.metadata if pit is None else tx.metadata_at(pit)
    reverted_at = tx.reverted_at if pit is None or (tx.reverted_at is not None and tx.reverted_at <= pit) else None
    out: dict[str, Any] = {
        "postings": [p.as_json() for p in tx.postings],
        "metadata": _go_map(metadata),
        "timestamp": timestamp(tx.timestamp),
    }
    if tx.reference:
        out["reference"] = tx.reference
    out["id"] = tx.id
    out["insertedAt"] = timestamp(tx.inserted_at)
    out["updatedAt"] = timestamp(tx.updated_at)
    if reverted_at is not None:
        out["revertedAt"] = timestamp(reverted_at)
    pre = post = pre_eff = post_eff = None
    if volumes:
        pre, post = _commit_volumes(tx, effective=False)
        out["postCommitVolumes"] = post
    if effective:
        # Unless a back-dated move came in between, the effective volumes are the insertion ones
        # (volumes.py keeps the very same int objects then): the same maps, built once.
        same = pre is not None and all(m.eff_input is m.input and m.eff_output is m.output for m in tx.moves)
        pre_eff, post_eff = (pre, post) if same else _commit_volumes(tx, effective=True)
        out["postCommitEffectiveVolumes"] = post_eff
    if tx.template:
        out["template"] = tx.template
    out["reverted"] = reverted_at is not None
    if pre is not None:
        out["preCommitVolumes"] = pre
    if pre_eff is not None:
        out["preCommitEffectiveVolumes"] = pre_eff
    return out


def account(
    found: Account,
    *,
    volumes: bool = False,
    effective: bool = False,
    pit: datetime | None = None,
) -> dict[str, Any]:
    """V2Account; ``volumes`` / ``effective`` add its volumes per asset (at ``pit`` when given:
    by insertion date for volumes, by effective date for effective volumes)."""
    out: dict[str, Any] = {
        "address": found.address,
        "metadata": _go_map(found.metadata if pit is None else found.metadata_at(pit)),
        "firstUsage": timestamp(found.first_usage),
        "insertionDate": timestamp(found.insertion_date),
        "updatedAt": timestamp(found.updated_at),
    }
    if volumes:
        shown = _account_volumes(found, pit, effective=False)
        if shown:
            out["volumes"] = shown
    if effective:
        shown = _account_volumes(found, pit, effective=True)
        if shown:
            out["effectiveVolumes"] = shown
    return out


def _account_volumes(found: Account, pit: datetime | None, *, effective: bool) -> dict[str, dict[str, int]]:
    out = {}
    for asset, book in found.volumes.items():
        if pit is None:
            out[asset] = volume(book.input, book.output)
            continue
        seen = book.at_effective(pit) if effective else book.at_insertion(pit)
        if seen is not None:
            out[asset] = volume(*seen)
    return out


def log(entry: Log) -> dict[str, Any]:
    """V2Log: the payload as written, the hash in standard base64 (``null`` when not hashed)."""
    out: dict[str, Any] = {
        "type": entry.type,
        "data": orjson.Fragment(entry.data),
        "date": timestamp(entry.date),
        "idempotencyKey": entry.idempotency_key,
        "idempotencyHash": entry.idempotency_hash,
        "id": entry.id,
        "hash": base64.b64encode(entry.hash).decode() if entry.hash is not None else None,
    }
    if entry.schema_version:
        out["schemaVersion"] = entry.schema_version
    return out


def ledger(info: LedgerInfo, *, deleted_at: datetime | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "bucket": info.bucket,
        "metadata": _go_map(info.metadata),
        "features": _go_map(info.features),
        "id": info.id,
        "name": info.name,
        "addedAt": timestamp(info.added_at),
    }
    if deleted_at is not None:
        out["deletedAt"] = timestamp(deleted_at)
    return out
