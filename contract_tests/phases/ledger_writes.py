"""What every ledger write of the suite shares, and the metadata writes.

Every write with an `Idempotency-Key` goes through `_keyed`: a key the model has seen with the same input
must replay the first answer, with another input must be refused, and only a new key runs the write for
real. A predicted refusal is followed by `unchanged`, which reads that the refused write left nothing
behind. When the server disagrees with the model the finding is recorded and the model follows the server,
so one bug is reported once, not at every later step.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from contract_tests.oracle.ledger_model import LedgerModel, Remembered, TxRecord
from contract_tests.phases.checking import CheckedApi
from contract_tests.phases.ledger_reads import LedgerReads
from contract_tests.transport.client import Exchange

__all__ = ["TRUE", "LedgerNames", "LedgerWrites", "signature_of"]

TRUE = "true"  # the contract's spelling of a true query flag


class LedgerNames:
    """Names of the ledgers one run creates: unique to the run, so that a server keeping earlier runs' ledgers
    (or another run at the same time) never shares one with it."""

    def __init__(self) -> None:
        self.nonce = uuid.uuid4().hex[:10]
        self.count = 0

    def fresh(self, purpose: str = "m") -> str:
        self.count += 1
        return f"contract-{self.nonce}-{purpose}{self.count}"


def signature_of(operation: str, path: dict[str, Any], options: dict[str, Any], body: Any) -> str:
    """What the server's idempotency hash covers: the command, its path ids, its options and its body."""
    return json.dumps([operation, path, options, body], sort_keys=True, default=str)


class LedgerWrites(LedgerReads):
    def __init__(self, api: CheckedApi, names: LedgerNames) -> None:
        self.api = api
        self.names = names
        self.newest_read = {}

    def new_ledger(self, purpose: str = "m") -> LedgerModel | None:
        name = self.names.fresh(purpose)
        ex = self.api.call("createLedger", path={"ledger": name}, body={})
        return LedgerModel(name) if self._ok(ex, "create a ledger") else None

    # ---------------------------------------------------------------- the pipeline
    def _send(self, operation: str, m: LedgerModel, path: dict[str, Any], query: dict[str, Any], body: Any,
              key: str | None) -> Exchange:  # fmt: skip
        headers = {"Idempotency-Key": key} if key else None
        return self.api.call(
            operation, path={"ledger": m.name, **path}, query=query or None, body=body, headers=headers
        )

    def _keyed(self, m: LedgerModel, key: str | None, signature: str, send: Callable[[], Exchange],
               touched: set[str]) -> Exchange | None:  # fmt: skip
        """Replay or refuse a write whose key the model has seen; None when the write must run for real."""
        first = m.keys.get(key) if key else None
        if first is None:
            return None
        if first.signature == signature:
            ex = send()
            self.api.apply("idempotent_replay", ex, first=first)
            return ex
        before = self.newest_log(m)
        ex = send()
        why = "an Idempotency-Key reused with another input"
        self.api.apply("idempotency_conflict_rejected", ex, status=400, code="VALIDATION", why=why)
        if ex.status >= 400:
            self.unchanged(m, touched, before)
        return ex

    def _remember(self, m: LedgerModel, key: str | None, signature: str, ex: Exchange) -> None:
        """A successful first call: no `Idempotency-Hit` on it, and its key now replays it."""
        self.api.apply("idempotent_replay", ex, first=None)
        if key:
            m.keys[key] = Remembered(signature, ex.status, ex.response.content)

    def _refused(self, m: LedgerModel, ex: Exchange, check: str, status: int, code: str, why: str,
                 touched: set[str], before: Any) -> bool:  # fmt: skip
        """A write the model refuses: True when the server refused it too (and then it must have left nothing);
        False when the server accepted it, and the caller follows the server."""
        self.api.apply(check, ex, status=status, code=code, why=why)
        if ex.status < 400:
            return False
        self.unchanged(m, touched, before)
        return True

    # ---------------------------------------------------------------- metadata
    def add_tx_metadata(
        self, m: LedgerModel, tx: TxRecord, metadata: dict[str, str], *, key: str | None = None
    ) -> None:
        path = {"id": tx.id}
        signature = signature_of("addMetadataOnTransaction", path, {}, metadata)

        def send() -> Exchange:
            return self._send("addMetadataOnTransaction", m, path, {}, metadata, key)

        if self._keyed(m, key, signature, send, set()) is None:
            ex = send()
            if self._ok(ex, "set a transaction's metadata"):
                tx.metadata.update(metadata)
                m.logged("SET_METADATA")
                self._remember(m, key, signature, ex)

    def delete_tx_metadata(self, m: LedgerModel, tx: TxRecord, name: str, *, key: str | None = None) -> None:
        path = {"id": tx.id, "key": name}
        signature = signature_of("deleteTransactionMetadata", path, {}, None)

        def send() -> Exchange:
            return self._send("deleteTransactionMetadata", m, path, {}, None, key)

        if self._keyed(m, key, signature, send, set()) is not None:
            return
        before = self.newest_log(m)
        ex = send()
        if name not in tx.metadata:
            self.api.apply("unknown_resource_not_found", ex, expected=404, why="delete a key the transaction lacks")
            if ex.status >= 400:
                self.unchanged(m, set(), before)
                return
        if self._ok(ex, "delete a transaction's metadata key"):
            tx.metadata.pop(name, None)
            m.logged("DELETE_METADATA")
            self._remember(m, key, signature, ex)

    def add_account_metadata(self, m: LedgerModel, address: str, metadata: dict[str, str], *,
                             key: str | None = None) -> None:  # fmt: skip
        path = {"address": address}
        signature = signature_of("addMetadataToAccount", path, {}, metadata)

        def send() -> Exchange:
            return self._send("addMetadataToAccount", m, path, {}, metadata, key)

        if self._keyed(m, key, signature, send, {address}) is None:
            ex = send()
            if self._ok(ex, "set an account's metadata (creating it)"):
                m.accounts.add(address)
                m.account_metadata.setdefault(address, {}).update(metadata)
                m.logged("SET_METADATA")
                self._remember(m, key, signature, ex)

    def delete_account_metadata(self, m: LedgerModel, address: str, name: str, *, key: str | None = None) -> None:
        path = {"address": address, "key": name}
        signature = signature_of("deleteAccountMetadata", path, {}, None)

        def send() -> Exchange:
            return self._send("deleteAccountMetadata", m, path, {}, None, key)

        if self._keyed(m, key, signature, send, {address}) is None:
            ex = send()
            # Always 204, a log even when nothing changed; the account is not created.
            if self._ok(ex, "delete an account's metadata key"):
                m.account_metadata.get(address, {}).pop(name, None)
                m.logged("DELETE_METADATA")
                self._remember(m, key, signature, ex)
