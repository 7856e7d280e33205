"""The ledger vocabulary's transaction writes: book postings (or dry-run them) and revert, each predicted by
the suite's model first and judged against the prediction (the pipeline they share: `ledger_writes.py`).

Shared by the ledger invariants (fixed scenarios) and the ledger state machine. After a booking the answer
must carry the next id, what was sent, and volumes equal to the model's; after a revert, the original's
postings reversed with the reverts metadata, and every account it touched back to its balance without it.
"""

from __future__ import annotations

import copy
from typing import Any

from contract_tests.oracle.ledger_model import REVERTS_KEY, LedgerModel, TxRecord, reversed_postings
from contract_tests.phases.ledger_writes import TRUE, LedgerWrites, signature_of
from contract_tests.transport.client import Exchange

__all__ = ["LedgerActions"]


class LedgerActions(LedgerWrites):
    def create(self, m: LedgerModel, postings: list[dict[str, Any]], *, force: bool = False,
               metadata: dict[str, str] | None = None, reference: str | None = None, key: str | None = None,
               dry_run: bool = False) -> TxRecord | None:  # fmt: skip
        """Book postings (or dry-run them); the model predicts the answer before the request goes."""
        body: dict[str, Any] = {"postings": postings, "metadata": metadata or {}}
        if reference:
            body["reference"] = reference
        query = {**({"force": TRUE} if force else {}), **({"dryRun": TRUE} if dry_run else {})}
        signature = signature_of("createTransaction", {}, {"force": force}, body)
        touched = {p[side] for p in postings for side in ("source", "destination")}

        def send() -> Exchange:
            return self._send("createTransaction", m, {}, query, body, key)

        if self._keyed(m, key, signature, send, touched) is not None:
            return None
        short = m.short_of_funds(postings, force=force)
        clash = short is None and bool(reference) and reference in m.references
        before = self.newest_log(m) if short or clash or dry_run else None
        ex = send()
        if short is not None:
            why = f"{short} cannot pay its posting"
            if self._refused(m, ex, "overdraft_refused", 400, "INSUFFICIENT_FUND", why, touched, before):
                return None
        elif clash:
            m.burn()  # the real release takes an id before it meets the reference clash
            why = "a reference used before"
            if self._refused(m, ex, "reference_conflict_rejected", 409, "CONFLICT", why, touched, before):
                return None
        if not self._ok(ex, "book postings") or not isinstance(ex.data, dict):
            return None
        self._check_booking(m, ex, postings, force)
        self.api.apply("read_matches_created", ex, created=body, fields=("postings", "metadata", "reference"))
        if dry_run:
            m.burn()
            self.unchanged(m, touched, before)
            return None
        tx_id = ex.data.get("id")
        if not isinstance(tx_id, int):
            return None
        m.book(tx_id, postings, force=force)
        record = TxRecord(tx_id, postings, dict(metadata or {}), ex.data, reference)
        record.request = {
            "postings": postings,
            "force": force,
            "metadata": metadata,
            "reference": reference,
            "key": key,
        }
        m.transactions[tx_id] = record
        if reference:
            m.references.add(reference)
        m.logged("NEW_TRANSACTION")
        self._remember(m, key, signature, ex)
        return record

    def _check_booking(self, m: LedgerModel, ex: Exchange, postings: list[dict[str, Any]], force: bool,
                       check: str = "volumes_match_postings") -> None:  # fmt: skip
        """A booking's answer: the next id, and post-commit volumes that are the model's after it."""
        low, high = m.id_range()
        self.api.apply("ledger_ids_dense", ex, low=low, high=high)
        after = copy.deepcopy(m)
        after.book(high, postings, force=force)
        # Post-commit volumes cover exactly the (account, asset) pairs of the postings.
        moved = {(p[side], p["asset"]) for p in postings for side in ("source", "destination")}
        expected: dict[str, dict[str, dict[str, int]]] = {}
        for account, asset in moved:
            expected.setdefault(account, {})[asset] = after.volumes(account)[asset]
        self.api.apply(check, ex, expected=expected)
        self.api.apply("balance_within_postings", ex, may_go_negative=after.may_go_negative)

    def revert(self, m: LedgerModel, tx: TxRecord, *, force: bool = False, at_effective_date: bool = False,
               dry_run: bool = False, key: str | None = None,
               metadata: dict[str, str] | None = None) -> TxRecord | None:  # fmt: skip
        """Revert a transaction (or dry-run it): refused when reverted before, or when a destination of the
        original could not give back what it received (unless forced)."""
        body = {"metadata": metadata} if metadata else {}
        options = {"force": force, "atEffectiveDate": at_effective_date}
        query = {k: TRUE for k, v in {**options, "dryRun": dry_run}.items() if v}
        signature = signature_of("revertTransaction", {"id": tx.id}, options, body)
        touched = {p[side] for p in tx.postings for side in ("source", "destination")}

        def send() -> Exchange:
            return self._send("revertTransaction", m, {"id": tx.id}, query, body, key)

        if self._keyed(m, key, signature, send, touched) is not None:
            return None
        short = None if force or tx.reverted else m.revert_short(tx)
        before = self.newest_log(m) if tx.reverted or short or dry_run else None
        ex = send()
        if tx.reverted:
            why = "a transaction reverted before"
            if self._refused(m, ex, "already_reverted_rejected", 400, "ALREADY_REVERT", why, touched, before):
                return None
        elif short is not None:
            why = f"the revert would leave {short} below zero"
            if self._refused(m, ex, "overdraft_refused", 400, "INSUFFICIENT_FUND", why, touched, before):
                return None
        if not self._ok(ex, "revert a transaction") or not isinstance(ex.data, dict):
            return None
        postings = reversed_postings(tx.postings)
        self._check_booking(m, ex, postings, force, check="revert_restores_balances")
        self.api.apply("revert_marks_original", ex, original=tx.id, postings=tx.postings)
        if dry_run:
            m.burn()
            self.unchanged(m, touched, before)
            return None
        revert_id = ex.data.get("id")
        if not isinstance(revert_id, int):
            return None
        m.book(revert_id, postings, force=force)
        tx.reverted = True
        record = TxRecord(revert_id, postings, {**(metadata or {}), REVERTS_KEY: str(tx.id)}, ex.data)
        m.transactions[revert_id] = record
        m.logged("REVERTED_TRANSACTION")
        self._remember(m, key, signature, ex)
        for address in sorted(touched):
            self.read_account(m, address, check="revert_restores_balances")
        return record
