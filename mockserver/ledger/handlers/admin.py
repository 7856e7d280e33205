"""Handlers of the ledger's operations beyond single writes and reads: bulk, schemas, query
templates, exporters and pipelines, buckets, logs import and export, ledger info, metrics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.core.requestctx import request_header
from mockserver.ledger.handlers.params import Reply, idempotency_key, written
from mockserver.ledger.service import LedgerService

OCTET_STREAM = {"Content-Type": "application/octet-stream"}


def _text(body: Any) -> Any:
    """A stream body as the service (and the state file) takes it: text, not bytes."""
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else body


class AdminHandlers:
    def __init__(self, current: Callable[[], LedgerService]) -> None:
        self._current = current

    @property
    def _s(self) -> LedgerService:
        return self._current()

    def registry(self) -> dict[str, Callable[..., Any]]:
        return {
            "v2CreateBulk": self.create_bulk,
            "v2InsertSchema": self.insert_schema,
            "v2GetSchema": self.get_schema,
            "v2ListSchemas": self.list_schemas,
            "v2RunQuery": self.run_query,
            "v2ImportLogs": self.import_logs,
            "v2ExportLogs": self.export_logs,
        }

    async def create_bulk(
        self,
        ledger: str,
        body: Any = None,
        continue_on_failure: bool = False,
        atomic: bool = False,
        parallel: bool = False,
        schema_version: str | None = None,
    ) -> Reply:
        answer = self._s.create_bulk(
            ledger,
            _text(body),
            content_type=request_header("Content-Type"),
            continue_on_failure=continue_on_failure,
            atomic=atomic,
            parallel=parallel,
            schema_version=schema_version,
        )
        return answer.payload, answer.status

    async def insert_schema(
        self, ledger: str, version: str, body: Any = None, dry_run: bool = False, schema_version: str | None = None
    ) -> Reply:
        done = self._s.insert_schema(
            ledger, version, body, dry_run=dry_run, idempotency_key=idempotency_key(), schema_version=schema_version
        )
        return written(None, 204, done.hit)

    async def get_schema(self, ledger: str, version: str) -> Reply:
        return {"data": self._s.get_schema(ledger, version)}, 200

    async def list_schemas(
        self,
        ledger: str,
        cursor: str | None = None,
        page_size: int | None = None,
        sort: str | None = None,
        order: str | None = None,
    ) -> Reply:
        page = self._s.list_schemas(ledger, page_size=page_size, cursor=cursor, sort=sort, order=order)
        return {"cursor": page}, 200

    async def run_query(
        self, ledger: str, id_: str, body: Any = None, schema_version: str | None = None, **_: Any
    ) -> Reply:
        return self._s.run_query(ledger, id_, body, schema_version=schema_version), 200

    async def import_logs(self, ledger: str, body: Any = None) -> Reply:
        self._s.import_logs(ledger, _text(body))
        return None, 204

    async def export_logs(self, ledger: str) -> Reply:
        return self._s.export_logs(ledger), 200, OCTET_STREAM
