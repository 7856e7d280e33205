"""The ledger vocabulary's reads: each read is checked against the suite's ledger model.

Single reads (a transaction, an account, stats), whole lists walked page by page (transactions, accounts,
volumes, logs), the aggregate, and `audit`, which reads everything a ledger's invariants speak of. The
writes (`ledger_actions.py`) build on these.
"""

from __future__ import annotations

from typing import Any

from contract_tests.checks.ledger_model import shown_volumes
from contract_tests.oracle.ledger_lists import expected_accounts, expected_transactions
from contract_tests.oracle.ledger_model import LedgerModel, TxRecord
from contract_tests.phases.checking import CheckedApi
from contract_tests.transport.client import Exchange

__all__ = ["TX_FIELDS", "LedgerReads"]

# What a transaction read shares with its creation answer (the volumes only when expanded; `updatedAt`,
# `reverted`, `revertedAt` and `metadata` move with later writes and are compared with the model instead).
TX_FIELDS = ("id", "postings", "timestamp", "reference", "insertedAt")


class LedgerReads:
    api: CheckedApi
    # Per ledger, its newest log's id and hash as last read, with the count of the suite's writes then.
    newest_read: dict[str, tuple[int, Any]]

    def _ok(self, ex: Exchange, why: str) -> bool:
        return self.api.apply("valid_request_accepted", ex, expected=ex.operation.success, why=why)

    # ---------------------------------------------------------------- single reads
    def read_transaction(self, m: LedgerModel, tx: TxRecord, *, expand: bool = False) -> Exchange:
        query = {"expand": "volumes"} if expand else None
        ex = self.api.call("getTransaction", path={"ledger": m.name, "id": tx.id}, query=query)
        if not self._ok(ex, "read a transaction"):
            return ex
        fields = (*TX_FIELDS, "postCommitVolumes", "preCommitVolumes") if expand else TX_FIELDS
        self.api.apply("read_matches_created", ex, created=tx.created, fields=fields)
        now = {"metadata": tx.metadata, "reverted": tx.reverted}
        self.api.apply("read_matches_created", ex, created=now, fields=("metadata", "reverted"))
        if tx.reverted:
            self.api.apply("revert_marks_original", ex, original=tx.id, postings=tx.postings)
        return ex

    def read_account(self, m: LedgerModel, address: str, *, check: str = "volumes_match_postings") -> Exchange:
        ex = self.api.call("getAccount", path={"ledger": m.name, "address": address}, query={"expand": "volumes"})
        if address not in m.accounts:
            self.api.apply("unknown_resource_not_found", ex, expected=404, why="an account never written")
            return ex
        if self._ok(ex, "read an account"):
            self.api.apply(check, ex, expected={address: m.volumes(address)})
            self.api.apply("balance_within_postings", ex, may_go_negative=m.may_go_negative)
            created = {"address": address, "metadata": m.account_metadata.get(address, {})}
            self.api.apply("read_matches_created", ex, created=created, fields=("address", "metadata"))
        return ex

    def read_stats(self, m: LedgerModel) -> Exchange:
        ex = self.api.call("readStats", path={"ledger": m.name})
        if self._ok(ex, "read a ledger's stats"):
            self.api.apply("stats_match_model", ex, expected=m.stats())
        return ex

    def newest_log(self, m: LedgerModel) -> Any:
        """The newest log's id and hash (what a refused write must leave as it was). A ledger's log changes only
        with a write, and the run's ledgers are written by this run alone: when the suite has sent no write since
        it last read it (`CheckedApi.writes`), that read is the answer."""
        known = self.newest_read.get(m.name)
        if known is not None and known[0] == self.api.writes:
            return known[1]
        newest = _newest(self.api.call("listLogs", path={"ledger": m.name}, query={"pageSize": 1}))
        self.newest_read[m.name] = (self.api.writes, newest)
        return newest

    # ---------------------------------------------------------------- whole lists
    def list_transactions(
        self, m: LedgerModel, filter_: dict[str, Any] | None = None, *, reverse: bool = False
    ) -> None:
        query = {"reverse": "true"} if reverse else {}
        body = filter_ if filter_ is not None else {}
        ex = self.api.list_all("listTransactions", path={"ledger": m.name}, query=query, body=body)
        if not self._ok(ex, "list transactions"):
            return
        expected = expected_transactions(m, filter_)
        self.api.apply("ledger_list_complete", ex, expected=expected, filter_=filter_)
        self.api.apply("ledger_filter_applied", ex, expected=expected, filter_=filter_)
        self.api.apply("ledger_list_ordered", ex, descending=not reverse)
        reads = {str(tx.id): tx.created for tx in m.transactions.values()}
        self.api.apply("list_matches_read", ex, reads=reads, fields=TX_FIELDS)

    def list_accounts(self, m: LedgerModel, filter_: dict[str, Any] | None = None) -> None:
        body = filter_ if filter_ is not None else {}
        ex = self.api.list_all("listAccounts", path={"ledger": m.name}, query={"expand": "volumes"}, body=body)
        if not self._ok(ex, "list accounts"):
            return
        expected = expected_accounts(m, filter_)
        self.api.apply("ledger_list_complete", ex, expected=expected, filter_=filter_)
        self.api.apply("ledger_filter_applied", ex, expected=expected, filter_=filter_)
        self.api.apply("ledger_list_ordered", ex, descending=False)
        self.api.apply("volumes_match_postings", ex, expected={a: m.volumes(a) for a in expected})
        self.api.apply("balance_within_postings", ex, may_go_negative=m.may_go_negative)
        if filter_ is None:
            self.api.apply("money_conserved", ex, assets=m.assets())

    def list_volumes(self, m: LedgerModel) -> None:
        ex = self.api.list_all("getVolumesWithBalances", path={"ledger": m.name}, body={})
        if not self._ok(ex, "list volumes"):
            return
        rows = {f"{a} {asset}" for a in m.moved_accounts() for asset in m.volumes(a)}
        self.api.apply("ledger_list_complete", ex, expected=rows)
        self.api.apply("ledger_filter_applied", ex, expected=rows)
        accounts = sorted(shown_volumes(ex))
        self.api.apply("volumes_match_postings", ex, expected={a: m.volumes(a) for a in accounts})

    def aggregate(self, m: LedgerModel) -> None:
        ex = self.api.call("getBalancesAggregated", path={"ledger": m.name}, body={})
        if self._ok(ex, "aggregate balances"):
            self.api.apply("money_conserved", ex, assets=m.assets())

    def read_logs(self, m: LedgerModel) -> None:
        ex = self.api.list_all("listLogs", path={"ledger": m.name}, body={})
        if not self._ok(ex, "list logs"):
            return
        self.api.apply("ledger_list_ordered", ex, descending=True)
        self.api.apply("log_chain_valid", ex)
        self.api.apply("logs_match_writes", ex, types=m.log_types, dense=not m.burnt_any)

    def audit(self, m: LedgerModel) -> None:
        """Every invariant a whole ledger must keep: counts, money, floors, volumes, the log."""
        self.read_stats(m)
        self.list_accounts(m)
        self.aggregate(m)
        self.read_logs(m)

    # ---------------------------------------------------------------- a refused write left nothing
    def unchanged(self, m: LedgerModel, accounts: set[str], log_before: Any) -> None:
        """After a refused write or a dry run: the counts, the accounts it named and the newest log are as the
        model (and the read before it) say. The reads go out together, then are judged in this order."""
        addresses = sorted(accounts)
        path = {"ledger": m.name}
        stats, *reads, logs = self.api.call_all(
            ("readStats", {"path": path}),
            *(("getAccount", {"path": {**path, "address": a}, "query": {"expand": "volumes"}}) for a in addresses),
            ("listLogs", {"path": path, "query": {"pageSize": 1}}),
        )
        data = stats.data if isinstance(stats.data, dict) else {}
        shown = {key: data.get(key) for key in ("transactions", "accounts")}
        self.api.apply("failed_write_changes_nothing", stats, what="stats", expected=m.stats(), actual=shown)
        for address, ex in zip(addresses, reads, strict=True):
            if address in m.accounts:
                actual: Any = (ex.data or {}).get("volumes") or {} if ex.status == 200 else ex.status
                expected: Any = m.volumes(address)
            else:
                actual, expected = ex.status, 404
            self.api.apply("failed_write_changes_nothing", ex, what="balances", expected=expected, actual=actual)
        after = _newest(logs)
        self.newest_read[m.name] = (self.api.writes, after)
        self.api.apply("failed_write_changes_nothing", logs, what="the log", expected=log_before, actual=after)


def _newest(ex: Exchange) -> Any:
    """The newest log's id and hash from a one-log page of `listLogs`."""
    page = ex.data if ex.status == 200 and isinstance(ex.data, list) else None
    if page is None:
        return ("unreadable", ex.status)
    return [(log.get("id"), log.get("hash")) for log in page if isinstance(log, dict)]
