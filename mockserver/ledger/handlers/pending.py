"""Operations of the spec the mock does not serve yet: a clear 501 in the ledger's Error shape.

Each area's handlers replace their entries as they land; the file disappears with the last.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.ledger.errors import LedgerError
from mockserver.ledger.service import LedgerService

PENDING = (
    "getMetrics",
    "v2InsertSchema",
    "v2GetSchema",
    "v2ListSchemas",
    "v2GetLedgerInfo",
    "v2CreateBulk",
    "v2ImportLogs",
    "v2ExportLogs",
    "v2RunQuery",
    "v2ListExporters",
    "v2CreateExporter",
    "v2GetExporterState",
    "v2UpdateExporter",
    "v2DeleteExporter",
    "v2DeleteBucket",
    "v2RestoreBucket",
    "v2ListPipelines",
    "v2CreatePipeline",
    "v2GetPipelineState",
    "v2DeletePipeline",
    "v2ResetPipeline",
    "v2StartPipeline",
    "v2StopPipeline",
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
