"""Handlers of the ledger's lists, counts and aggregates: the query string and body, as sent.

The release reads parameters the spec does not declare (``query``, ``oot``, ``expand`` where
it answers 500, ``use_insertion_date``) and reads every value as text, so these handlers hand
the service the raw query string (Connexion's request scope), not Connexion's typed
arguments; a request the gateway answers on its fast path has only declared parameters, each
once, and its typed arguments are turned back into text. HEAD counts answer 204 with ``Count``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from connexion import context as connexion_context

from mockserver.core import requestctx
from mockserver.core.bound import ServiceHandlers
from mockserver.ledger.handlers.params import Reply
from mockserver.ledger.service import LedgerService

_NOT_QUERY = frozenset({"self", "ledger", "body"})
_PYTHONIC = {
    "page_size": "pageSize",
    "insertion_date": "insertionDate",
    "use_insertion_date": "useInsertionDate",
    "include_deleted": "includeDeleted",
    "group_by": "groupBy",
    "end_time": "endTime",
    "start_time": "startTime",
}


def query_params(operation_id: str, declared: dict[str, Any]) -> dict[str, list[str]]:
    """The request's query parameters as text, every value of a repeated one kept: the raw query
    string, from Connexion's request context or the gateway's fast path. ``declared`` are the
    handler's arguments, read back as text only when neither names this operation (a direct call)."""
    try:  # Connexion's context of the request it serves; unbound on the gateway's fast path
        served = connexion_context.operation.operation_id
        raw = connexion_context.scope.get("query_string", b"")
    except RuntimeError:
        served, raw = requestctx.fast_query() or (None, b"")
    if served == operation_id:
        return parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
    out: dict[str, list[str]] = {}
    for name, value in declared.items():
        if value is None or name in _NOT_QUERY:
            continue
        values = value if isinstance(value, list) else [value]
        out[_PYTHONIC.get(name, name)] = [_text(item) for item in values]
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ListHandlers(ServiceHandlers[LedgerService]):
    def registry(self) -> dict[str, Callable[..., Any]]:
        return {
            "v2ListLedgers": self.list_ledgers,
            "v2CountAccounts": self.count_accounts,
            "v2ListAccounts": self.list_accounts,
            "v2CountTransactions": self.count_transactions,
            "v2ListTransactions": self.list_transactions,
            "v2GetBalancesAggregated": self.get_balances_aggregated,
            "v2GetVolumesWithBalances": self.get_volumes_with_balances,
            "v2ListLogs": self.list_logs,
        }

    # Each handler names exactly the query parameters the spec declares: Connexion passes those,
    # the fast path too, and an argument named after an undeclared one (``query``) would have
    # Connexion log an error on every request carrying it. The service reads the raw query string.
    async def list_ledgers(
        self, body: Any = None, page_size: Any = None, cursor: Any = None, sort: Any = None,
        include_deleted: Any = None,
    ) -> Reply:  # fmt: skip
        return self._s.list_ledgers(query_params("v2ListLedgers", locals()), body), 200

    async def list_accounts(
        self, ledger: str, body: Any = None, page_size: Any = None, cursor: Any = None, sort: Any = None,
        pit: Any = None, expand: Any = None,
    ) -> Reply:  # fmt: skip
        return self._s.list_accounts(ledger, query_params("v2ListAccounts", locals()), body), 200

    async def count_accounts(self, ledger: str, body: Any = None, pit: Any = None) -> Reply:
        count = self._s.count_accounts(ledger, query_params("v2CountAccounts", locals()), body)
        return None, 204, {"Count": str(count)}

    async def list_transactions(
        self, ledger: str, body: Any = None, page_size: Any = None, cursor: Any = None, sort: Any = None,
        order: Any = None, reverse: Any = None, pit: Any = None, expand: Any = None,
    ) -> Reply:  # fmt: skip
        return self._s.list_transactions(ledger, query_params("v2ListTransactions", locals()), body), 200

    async def count_transactions(self, ledger: str, body: Any = None, pit: Any = None) -> Reply:
        count = self._s.count_transactions(ledger, query_params("v2CountTransactions", locals()), body)
        return None, 204, {"Count": str(count)}

    async def get_balances_aggregated(
        self, ledger: str, body: Any = None, pit: Any = None, use_insertion_date: Any = None
    ) -> Reply:
        found = self._s.aggregate_balances(ledger, query_params("v2GetBalancesAggregated", locals()), body)
        return {"data": found}, 200

    async def get_volumes_with_balances(
        self, ledger: str, body: Any = None, page_size: Any = None, cursor: Any = None, sort: Any = None,
        end_time: Any = None, start_time: Any = None, insertion_date: Any = None, group_by: Any = None,
    ) -> Reply:  # fmt: skip
        return self._s.volumes_with_balances(ledger, query_params("v2GetVolumesWithBalances", locals()), body), 200

    async def list_logs(
        self, ledger: str, body: Any = None, page_size: Any = None, cursor: Any = None, sort: Any = None,
        pit: Any = None,
    ) -> Reply:  # fmt: skip
        return self._s.list_logs(ledger, query_params("v2ListLogs", locals()), body), 200
