"""Buckets, ledger info, metrics; every operation decoded by the official SDK; the handler
registry against the spec; and the new writes replayed from a ``--state-file`` command log."""

from __future__ import annotations

from typing import Any

import pytest
from formance_sdk_python.models import ledger as sdk_ledger
from orchestration_spec import LEDGER_SPEC

from mockserver.config import Settings
from mockserver.core.clock import make_clock
from mockserver.ledger.administration import MIGRATIONS
from mockserver.ledger.handlers import LedgerApi
from mockserver.stack import spec
from mockserver.state import recording
from mockserver.state.recording import CommandSpec, Recorder, recording_backend
from tests.ledger.support_admin import Ledger, book_state, error, make_app, sdk_for


@pytest.fixture
def api() -> Ledger:
    client = Ledger(make_app())
    client.create("a1", bucket="alpha")
    client.create("a2", bucket="alpha")
    client.create("b1", bucket="beta")
    return client


def test_deleting_a_bucket_hides_its_ledgers_until_it_is_restored(api: Ledger) -> None:
    api.send("a1", "x")
    assert api.delete("/_/buckets/alpha").status_code == 204
    for name in ("a1", "a2"):
        assert error(api.get(f"/{name}"), 404, "NOT_FOUND") == "not found"
        error(api.post(f"/{name}/transactions", json={"metadata": {}, "postings": []}), 404, "LEDGER_NOT_FOUND")
        error(api.get(f"/{name}/_info"), 404, "LEDGER_NOT_FOUND")
    assert [b.info.name for b in api.service.ledgers.visible()] == ["b1"]
    assert [b.info.name for b in api.service.ledgers.visible(include_deleted=True)] == ["a1", "a2", "b1"]
    assert api.service.ledgers.deleted_at("a1") == api.app.backend.clock.now()
    error(api.post("/a1", json={}), 400, "LEDGER_ALREADY_EXISTS")  # the name is still taken
    api.create("a3", bucket="alpha")  # a new ledger in a deleted bucket is live
    assert api.get("/a3").status_code == 200
    assert api.post("/_/buckets/alpha/restore").status_code == 204
    assert api.get("/a1/stats").json()["data"]["transactions"] == 1
    assert api.service.ledgers.deleted_at("a1") is None


def test_an_unknown_bucket_is_404_in_spec_mode_and_204_in_the_release(api: Ledger) -> None:
    assert error(api.delete("/_/buckets/nowhere"), 404, "NOT_FOUND") == "bucket 'nowhere' not found"
    error(api.post("/_/buckets/nowhere/restore"), 404, "NOT_FOUND")
    assert api.post("/_/buckets/beta/restore").status_code == 204  # known, not deleted: nothing to do
    real = Ledger(make_app(quirks="real"))
    assert real.delete("/_/buckets/nowhere").status_code == 204
    assert real.post("/_/buckets/nowhere/restore").status_code == 204


def test_ledger_info_lists_the_51_migrations_of_its_bucket(api: Ledger) -> None:
    api.app.backend.clock.advance(30)
    api.create("a4", bucket="alpha")
    info = api.get("/a4/_info").json()["data"]
    assert info["name"] == "a4"
    migrations = info["storage"]["migrations"]
    assert len(migrations) == len(MIGRATIONS) == 51
    assert migrations[0] == {
        "version": "1",
        "name": "Initialize schema",
        "state": "DONE",
        "date": "2025-01-01T00:00:00Z",  # when the bucket was created, by a1
        "terminatedAt": "2025-01-01T00:00:00Z",
    }
    assert migrations[-1]["version"] == "51"
    assert migrations[-1]["name"] == "Add transactions id desc index for pagination performance"
    error(api.get("/nowhere/_info"), 404, "LEDGER_NOT_FOUND")


def test_metrics_are_the_otel_in_memory_shape(api: Ledger) -> None:
    api.send("a1", "x")
    reply = api.client.get("/api/ledger/_/metrics")
    assert reply.status_code == 200
    body = reply.json()
    assert body["Resource"] == [{"Key": "service.name", "Value": {"Type": "STRING", "Value": "ledger"}}]
    (scope,) = body["ScopeMetrics"]
    counts = {p["Attributes"][0]["Value"]["Value"]: p["Value"] for p in scope["Metrics"][0]["Data"]["DataPoints"]}
    assert counts == {"a1": 1, "a2": 0, "b1": 0}


def test_the_registry_serves_every_operation_of_the_spec() -> None:
    registry = LedgerApi(lambda: make_app().backend.ledger).registry()
    operations = {
        op["operationId"]
        for item in spec(LEDGER_SPEC)["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert set(registry) == operations


def test_the_official_sdk_decodes_every_answer() -> None:
    app = make_app()
    with sdk_for(app) as sdk:
        v2 = sdk.ledger.v2
        v2.create_ledger(request={"ledger": "main", "v2_create_ledger_request": {}})
        schema = {
            "chart": {"world": {}, "users": {"$id": {".metadata": {"tier": {"default": "basic"}}}}},
            "queries": {"Q": {"resource": "accounts"}},
        }
        v2.insert_schema(request={"ledger": "main", "version": "v1", "v2_schema_data": schema})
        assert v2.get_schema(request={"ledger": "main", "version": "v1"}).v2_schema_response.data.version == "v1"
        listed = v2.list_schemas(request={"ledger": "main"}).v2_schemas_cursor_response.cursor
        assert [s.version for s in listed.data] == ["v1"]
        bulk = v2.create_bulk(
            request={
                "ledger": "main",
                "request_body": [
                    {
                        "action": "CREATE_TRANSACTION",
                        "data": {
                            "metadata": {},
                            "postings": [{"source": "world", "destination": "users:1", "amount": 10, "asset": "USD"}],
                        },
                    },
                    {
                        "action": "ADD_METADATA",
                        "data": {"target_type": "ACCOUNT", "target_id": "users:1", "metadata": {"a": "b"}},
                    },
                ],
            }
        )
        assert [r.response_type for r in bulk.v2_bulk_response.data] == ["CREATE_TRANSACTION", "ADD_METADATA"]
        failed = v2.create_bulk(
            request={"ledger": "main", "request_body": [{"action": "REVERT_TRANSACTION", "data": {"id": 99}}]}
        )
        assert (
            failed.v2_bulk_response.data[0].error_code == "INTERNAL"
        )  # the release keeps seven codes in a bulk, INTERNAL for the rest
        with pytest.raises(sdk_ledger.ErrorsV2ErrorResponse):
            v2.run_query(request={"ledger": "main", "id": "NOPE", "schema_version": "v1", "request_body": {}})
        info = v2.get_ledger_info(request={"ledger": "main"}).v2_ledger_info_response.data
        assert info.name == "main" and len(info.storage.migrations) == 51
        assert v2.get_metrics().object["Resource"][0]["Key"] == "service.name"
        exported = v2.export_logs(request={"ledger": "main"})
        stream = exported.raw_response.content
        assert stream.count(b"\n") == 3
        v2.create_ledger(request={"ledger": "copy", "v2_create_ledger_request": {}})
        v2.import_logs(request={"ledger": "copy", "v2_import_logs_request": stream})
        assert app.backend.ledger.export_logs("copy") == stream
        created = v2.create_exporter(
            request={"driver": "http", "config": {"url": "http://sink"}}
        ).v2_create_exporter_response.data
        assert (
            v2.get_exporter_state(request={"exporter_id": created.id}).v2_get_exporter_state_response.data.driver
            == "http"
        )
        assert [e.id for e in v2.list_exporters().v2_exporters_cursor_response.cursor.data] == [created.id]
        v2.update_exporter(
            request={"exporter_id": created.id, "v2_exporter_configuration": {"driver": "noop", "config": {}}}
        )
        pipeline = v2.create_pipeline(
            request={"ledger": "main", "v2_create_pipeline_request": {"exporter_id": created.id}}
        ).v2_create_pipeline_response.data
        state = v2.get_pipeline_state(
            request={"ledger": "main", "pipeline_id": pipeline.id}
        ).v2_get_pipeline_state_response.data
        assert state.last_log_id == 3
        assert [
            p.id for p in v2.list_pipelines(request={"ledger": "main"}).v2_pipelines_cursor_response.cursor.data
        ] == [pipeline.id]
        v2.stop_pipeline(request={"ledger": "main", "pipeline_id": pipeline.id})
        v2.reset_pipeline(request={"ledger": "main", "pipeline_id": pipeline.id})
        v2.start_pipeline(request={"ledger": "main", "pipeline_id": pipeline.id})
        v2.delete_pipeline(request={"ledger": "main", "pipeline_id": pipeline.id})
        v2.delete_exporter(request={"exporter_id": created.id})
        v2.delete_bucket(request={"bucket": "_default"})
        with pytest.raises(sdk_ledger.ErrorsV2ErrorResponse) as caught:
            v2.get_ledger_info(request={"ledger": "main"})
        assert caught.value.data.error_code == sdk_ledger.V2ErrorsEnum.LEDGER_NOT_FOUND
        v2.restore_bucket(request={"bucket": "_default"})
        assert v2.get_ledger_info(request={"ledger": "main"}).v2_ledger_info_response.data.name == "main"


# --- --state-file: the new writes replay from the command log ---------------------------------
NEW_WRITES = (
    "ledger.create_bulk",
    "ledger.insert_schema",
    "ledger.import_logs",
    "ledger.create_exporter",
    "ledger.update_exporter",
    "ledger.delete_exporter",
    "ledger.create_pipeline",
    "ledger.start_pipeline",
    "ledger.stop_pipeline",
    "ledger.reset_pipeline",
    "ledger.delete_pipeline",
    "ledger.delete_bucket",
    "ledger.restore_bucket",
)


def test_the_new_writes_replay_into_the_same_ledgers(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the integrator registers in ``recording.COMMANDS`` (with the core ledger writes)."""
    commands = (*recording.COMMANDS, CommandSpec("ledger.create_ledger"), *(CommandSpec(op) for op in NEW_WRITES))
    monkeypatch.setattr(recording, "COMMANDS", commands)
    settings = Settings(clock="manual", seed=3, auth=False)

    def run(backend: Any) -> None:
        ledger = backend.ledger
        ledger.create_ledger("main", {})
        ledger.insert_schema("main", "v1", {"chart": {"world": {}, "a": {}}})
        ledger.create_bulk(
            "main",
            [
                {
                    "action": "CREATE_TRANSACTION",
                    "data": {"postings": [{"source": "world", "destination": "a", "amount": 3, "asset": "USD"}]},
                }
            ],
            schema_version="v1",
        )
        ledger.create_bulk(
            "main",
            "//script\nsend [USD 1] (\n  source = @a\n  destination = @world\n)\n",
            content_type="application/vnd.formance.ledger.api.v2.bulk+script-stream",
        )
        exporter = ledger.create_exporter({"driver": "noop", "config": {}})["id"]
        pipeline = ledger.create_pipeline("main", {"exporterID": exporter})["id"]
        ledger.stop_pipeline("main", pipeline)
        ledger.create_ledger("copy", {})
        ledger.import_logs("copy", ledger.export_logs("main").decode())
        ledger.delete_bucket("_default")

    first, recorder = _recorded(settings)
    run(first)
    second, replayer = _recorded(settings)
    replayer.replay(recorder.lines)
    assert not replayer.divergences
    for name in ("main", "copy"):
        assert book_state(second.ledger.ledgers.books[name]) == book_state(first.ledger.ledgers.books[name])
    assert second.ledger.list_exporters() == first.ledger.list_exporters()
    assert second.ledger.replication.pipelines == first.ledger.replication.pipelines
    assert second.ledger.ledgers.deleted == first.ledger.ledgers.deleted


def _recorded(settings: Settings) -> tuple[Any, Recorder]:
    return recording_backend(settings, make_clock(settings.clock))
