"""Handlers of the ledger's operations beyond single writes and reads: bulk, schemas, query
templates, exporters and pipelines, buckets, logs import and export, ledger info, metrics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.core.bound import ServiceHandlers
from mockserver.core.requestctx import request_header
from mockserver.ledger.handlers.params import Reply, idempotency_key, written
from mockserver.ledger.service import LedgerService

OCTET_STREAM = {"Content-Type": "application/octet-stream"}


def _text(body: Any) -> Any:
    """A stream body as the service (and the state file) takes it: text, not bytes."""
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else body


class AdminHandlers(ServiceHandlers[LedgerService]):
    def registry(self) -> dict[str, Callable[..., Any]]:
        return {
            "getMetrics": self.get_metrics,
            "v2GetLedgerInfo": self.get_ledger_info,
            "v2CreateBulk": self.create_bulk,
            "v2InsertSchema": self.insert_schema,
            "v2GetSchema": self.get_schema,
            "v2ListSchemas": self.list_schemas,
            "v2RunQuery": self.run_query,
            "v2ImportLogs": self.import_logs,
            "v2ExportLogs": self.export_logs,
            "v2ListExporters": self.list_exporters,
            "v2CreateExporter": self.create_exporter,
            "v2GetExporterState": self.get_exporter,
            "v2UpdateExporter": self.update_exporter,
            "v2DeleteExporter": self.delete_exporter,
            "v2DeleteBucket": self.delete_bucket,
            "v2RestoreBucket": self.restore_bucket,
            "v2ListPipelines": self.list_pipelines,
            "v2CreatePipeline": self.create_pipeline,
            "v2GetPipelineState": self.get_pipeline,
            "v2DeletePipeline": self.delete_pipeline,
            "v2ResetPipeline": self.reset_pipeline,
            "v2StartPipeline": self.start_pipeline,
            "v2StopPipeline": self.stop_pipeline,
        }

    async def get_metrics(self) -> Reply:
        return self._s.metrics(), 200

    async def get_ledger_info(self, ledger: str) -> Reply:
        return {"data": self._s.ledger_info(ledger)}, 200

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

    async def list_exporters(self) -> Reply:
        return {"cursor": self._s.list_exporters()}, 200

    async def create_exporter(self, body: Any = None) -> Reply:
        return {"data": self._s.create_exporter(body)}, 201

    async def get_exporter(self, exporter_id: str) -> Reply:
        return {"data": self._s.get_exporter(exporter_id)}, 200

    async def update_exporter(self, exporter_id: str, body: Any = None) -> Reply:
        self._s.update_exporter(exporter_id, body)
        return None, 204

    async def delete_exporter(self, exporter_id: str) -> Reply:
        self._s.delete_exporter(exporter_id)
        return None, 204

    async def delete_bucket(self, bucket: str) -> Reply:
        self._s.delete_bucket(bucket)
        return None, 204

    async def restore_bucket(self, bucket: str) -> Reply:
        self._s.restore_bucket(bucket)
        return None, 204

    async def list_pipelines(self, ledger: str) -> Reply:
        return {"cursor": self._s.list_pipelines(ledger)}, 200

    async def create_pipeline(self, ledger: str, body: Any = None) -> Reply:
        return {"data": self._s.create_pipeline(ledger, body)}, 201

    async def get_pipeline(self, ledger: str, pipeline_id: str) -> Reply:
        return {"data": self._s.get_pipeline(ledger, pipeline_id)}, 200

    async def delete_pipeline(self, ledger: str, pipeline_id: str) -> Reply:
        self._s.delete_pipeline(ledger, pipeline_id)
        return None, 204

    async def reset_pipeline(self, ledger: str, pipeline_id: str) -> Reply:
        self._s.reset_pipeline(ledger, pipeline_id)
        return None, 202

    async def start_pipeline(self, ledger: str, pipeline_id: str) -> Reply:
        self._s.start_pipeline(ledger, pipeline_id)
        return None, 202

    async def stop_pipeline(self, ledger: str, pipeline_id: str) -> Reply:
        self._s.stop_pipeline(ledger, pipeline_id)
        return None, 202
