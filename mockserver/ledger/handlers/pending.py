"""Operations of the spec the mock does not serve yet: a clear 501 in the ledger's Error shape.

Each area's handlers replace their entries as they land; the file disappears with the last.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.ledger.errors import LedgerError
from mockserver.ledger.service import LedgerService

PENDING = (
    "v2ListLedgers",
    "v2CountAccounts",
    "v2ListAccounts",
    "v2CountTransactions",
    "v2ListTransactions",
    "v2GetBalancesAggregated",
    "v2GetVolumesWithBalances",
    "v2ListLogs",
)


class PendingHandlers:
    def __init__(self, current: Callable[[], LedgerService]) -> None:
        self._current = current

    def registry(self) -> dict[str, Callable[..., Any]]:
        return {operation_id: _pending(operation_id) for operation_id in PENDING}


def _pending(operation_id: str) -> Callable[..., Any]:
    async def handler(**_: Any) -> tuple[Any, int]:
        raise LedgerError(501, "INTERNAL", f"{operation_id} is not served by this mock yet")

    return handler
