"""Exporters (``/v2/_/exporters``) and pipelines (``/v2/{ledger}/pipelines``), as formancehq/ledger
v2.4.6 serves them when started with ``--experimental-exporters`` and an embedded worker
(``internal/replication/manager.go``, ``internal/api/v2/controllers_exporters_*.go`` and
``controllers_pipeline_*.go``). The mock serves them enabled; it validates drivers (drivers.py)
but never sends a log anywhere. A running pipeline has "exported" every log of its ledger at
once: its ``lastLogID`` is the ledger's last log id; stopping it freezes that, reset clears it.

As the release: creating a pipeline starts it; the list holds every ledger's pipelines, and
read/start/stop/reset/delete find a pipeline by id whatever the ledger in the path (which must
exist: LEDGER_NOT_FOUND); deleting an exporter deletes its pipelines; updating one restarts
its running pipelines with the new configuration. ``enabled`` is always true, ``error`` never set.

Spec mode departs where the release answers 500 for a client's mistake, or fails what the spec
promises: a pipeline for an unknown exporter is 400 VALIDATION ``exporter '<id>' not found``
(the release: 500 with PostgreSQL's foreign-key error); reading or starting an unknown pipeline
is 404 NOT_FOUND (the release: 500 ``sql: no rows in result set``); deleting a stopped
pipeline deletes it (the release: 404, its delete stops the pipeline first); a stopped pipeline
stays stopped (the release's worker restarts every enabled pipeline within a minute: with
``--quirks real`` a pipeline stopped 60 s ago on the mock's clock is running again); the lists
carry the ``pageSize`` the spec requires (the release leaves it out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mockserver.core.ids import IdSource
from mockserver.core.timefmt import timestamp
from mockserver.ledger.chart import go_kind
from mockserver.ledger.drivers import DriverError, validate_config
from mockserver.ledger.errors import LedgerError, not_found, validation
from mockserver.ledger.pipeline import Pipeline

SYNC_PERIOD = timedelta(minutes=1)  # --worker-pipelines-sync-period


@dataclass(slots=True)
class Exporter:
    id: str
    created_at: datetime
    driver: str
    config: Any

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "createdAt": timestamp(self.created_at), "driver": self.driver, "config": self.config}


@dataclass(slots=True)
class ExportPipeline:
    ledger: str
    exporter_id: str
    created_at: datetime
    id: str
    running: bool = True
    stopped_at: datetime | None = None
    last_log_id: int | None = None  # what a stopped pipeline had exported


class Replication:
    """The exporters and pipelines of the tenant (the release's system store)."""

    def __init__(self) -> None:
        self.exporters: dict[str, Exporter] = {}
        self.pipelines: dict[str, ExportPipeline] = {}


def _config(body: Any) -> tuple[str, Any]:
    if not isinstance(body, dict):
        raise validation(f"json: cannot unmarshal {go_kind(body)} into Go value of type ledger.ExporterConfiguration")
    driver = body.get("driver") or ""
    if not isinstance(driver, str):
        raise validation(
            f"json: cannot unmarshal {go_kind(driver)} into Go struct field ExporterConfiguration.driver of type string"
        )
    return driver, body.get("config", ...)


def _checked(driver: str, config: Any) -> str | None:
    try:
        if config is ...:
            validate_config(driver)
        else:
            validate_config(driver, config)
    except DriverError as exc:
        return f"driver '{driver}' invalid: {exc}"
    return None


class ReplicationOps(Pipeline):
    replication: Replication
    ids: IdSource

    # --- exporters -------------------------------------------------------------------------------
    def list_exporters(self) -> dict[str, Any]:
        """Every exporter in one page."""
        return self._one_page([e.as_json() for e in self.replication.exporters.values()])

    def _one_page(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        """A cursor holding everything. The release's has no ``pageSize`` (its paginator's 0,
        left out by omitempty), which the SDK refuses to decode without: the spec requires it with
        the release's own value, 0 (these lists have no page size), and spec mode sends it."""
        if self.real:
            return {"hasMore": False, "data": items}
        return {"pageSize": 0, "hasMore": False, "data": items}

    def create_exporter(self, body: Any) -> dict[str, Any]:
        driver, config = _config(body)
        problem = _checked(driver, config)
        if problem:
            raise validation(f"failed to create exporter: {problem}")
        exporter = Exporter(self.ids.uuid(), self.clock.now(), driver, None if config is ... else config)
        self.replication.exporters[exporter.id] = exporter
        return exporter.as_json()

    def get_exporter(self, exporter_id: str) -> dict[str, Any]:
        return self._exporter_stored(exporter_id).as_json()

    def update_exporter(self, exporter_id: str, body: Any) -> None:
        """The configuration is checked before the exporter is looked up."""
        driver, config = _config(body)
        problem = _checked(driver, config)
        if problem:
            raise validation(problem)
        exporter = self._exporter_stored(exporter_id)
        exporter.driver, exporter.config = driver, None if config is ... else config
        if self.real:  # the release's update ends with a sync, which starts every enabled pipeline
            for pipeline in self.replication.pipelines.values():
                self._pipeline_start(pipeline)

    def delete_exporter(self, exporter_id: str) -> None:
        self._exporter_stored(exporter_id)
        del self.replication.exporters[exporter_id]
        for pipeline_id in [p.id for p in self.replication.pipelines.values() if p.exporter_id == exporter_id]:
            del self.replication.pipelines[pipeline_id]  # ON DELETE CASCADE

    def _exporter_stored(self, exporter_id: str) -> Exporter:
        found = self.replication.exporters.get(exporter_id)
        if found is None:
            raise not_found(f"exporter '{exporter_id}' not found")
        return found

    # --- pipelines -------------------------------------------------------------------------------
    def list_pipelines(self, name: str) -> dict[str, Any]:
        """Every pipeline of every ledger, as the release's list (it takes no ledger)."""
        self.ledgers.book(name)
        return self._one_page([self._pipeline_json(p) for p in self.replication.pipelines.values()])

    def create_pipeline(self, name: str, body: Any) -> dict[str, Any]:
        self.ledgers.book(name)
        if not isinstance(body, dict | type(None)):
            raise validation(f"json: cannot unmarshal {go_kind(body)} into Go value of type v2.PipelineConfiguration")
        exporter_id = (body or {}).get("exporterID") or ""
        if not isinstance(exporter_id, str):
            raise validation("json: cannot unmarshal exporterID: expected a string")
        if exporter_id not in self.replication.exporters:
            if self.real:  # the foreign key, which the handler does not map
                raise LedgerError(
                    500,
                    "INTERNAL",
                    'ERROR: insert or update on table "pipelines" violates foreign key constraint '
                    '"pipelines_exporter_id_fkey" (SQLSTATE=23503)',
                )
            raise validation(f"exporter '{exporter_id}' not found")
        if any(p.ledger == name and p.exporter_id == exporter_id for p in self.replication.pipelines.values()):
            raise validation(f"pipeline '{name}/{exporter_id}' already exists")
        pipeline = ExportPipeline(name, exporter_id, self.clock.now(), self.ids.uuid())
        self.replication.pipelines[pipeline.id] = pipeline
        created = self._pipeline_json(pipeline)
        created.pop("lastLogID", None)  # the release answers the pipeline as stored, before its first push
        return created

    def get_pipeline(self, name: str, pipeline_id: str) -> dict[str, Any]:
        self.ledgers.book(name)
        return self._pipeline_json(self._pipeline_stored(pipeline_id))

    def start_pipeline(self, name: str, pipeline_id: str) -> None:
        self.ledgers.book(name)
        pipeline = self._pipeline_stored(pipeline_id)
        if self._pipeline_running(pipeline, self.clock.now()):
            raise validation(f"pipeline '{pipeline_id}' already started")
        self._pipeline_start(pipeline)

    def stop_pipeline(self, name: str, pipeline_id: str) -> None:
        self.ledgers.book(name)
        pipeline = self.replication.pipelines.get(pipeline_id)
        now = self.clock.now()
        if pipeline is None or not self._pipeline_running(pipeline, now):
            raise not_found(f"pipeline '{pipeline_id}' not found")
        pipeline.last_log_id = self._pipeline_exported(pipeline)
        pipeline.running, pipeline.stopped_at = False, now

    def reset_pipeline(self, name: str, pipeline_id: str) -> None:
        """From the first log again; a running pipeline goes on running (and catches up)."""
        self.ledgers.book(name)
        pipeline = self.replication.pipelines.get(pipeline_id)
        if pipeline is None:
            raise not_found(f"pipeline '{pipeline_id}' not found")
        pipeline.last_log_id = None

    def delete_pipeline(self, name: str, pipeline_id: str) -> None:
        self.ledgers.book(name)
        pipeline = self.replication.pipelines.get(pipeline_id)
        if pipeline is None or (self.real and not self._pipeline_running(pipeline, self.clock.now())):
            raise not_found(f"pipeline '{pipeline_id}' not found")
        del self.replication.pipelines[pipeline_id]

    def _pipeline_stored(self, pipeline_id: str) -> ExportPipeline:
        found = self.replication.pipelines.get(pipeline_id)
        if found is None:
            if self.real:  # the store's raw sql.ErrNoRows, which the manager does not map
                raise LedgerError(500, "INTERNAL", "sql: no rows in result set")
            raise not_found(f"pipeline '{pipeline_id}' not found")
        return found

    def _pipeline_running(self, pipeline: ExportPipeline, now: datetime) -> bool:
        if pipeline.running:
            return True
        # --quirks real: the worker's sync loop has started it again
        return self.real and pipeline.stopped_at is not None and now >= pipeline.stopped_at + SYNC_PERIOD

    def _pipeline_start(self, pipeline: ExportPipeline) -> None:
        pipeline.running, pipeline.stopped_at = True, None

    def _pipeline_exported(self, pipeline: ExportPipeline) -> int | None:
        if not self._pipeline_running(pipeline, self.clock.now()):
            return pipeline.last_log_id
        book = self.ledgers.books.get(pipeline.ledger)
        return book.log_ids[-1] if book is not None and book.log_ids else pipeline.last_log_id

    def _pipeline_json(self, pipeline: ExportPipeline) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ledger": pipeline.ledger,
            "exporterID": pipeline.exporter_id,
            "createdAt": timestamp(pipeline.created_at),
            "id": pipeline.id,
            "enabled": True,
        }
        last = self._pipeline_exported(pipeline)
        if last is not None:
            out["lastLogID"] = last
        return out
