"""Exporters and pipelines: stateful resources, driver configurations, the release's answers."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.ledger.errors import LedgerError
from tests.ledger.support_admin import Ledger, error, make_app

HTTP = {
    "driver": "http",
    "config": {"url": "https://sink.example/logs", "batching": {"maxItems": 10, "flushInterval": "2s"}},
}


@pytest.fixture
def api() -> Ledger:
    client = Ledger(make_app())
    client.create("main")
    client.create("other")
    return client


@pytest.fixture
def real() -> Ledger:
    client = Ledger(make_app(quirks="real"))
    client.create("main")
    return client


def exporter(client: Ledger, body: dict[str, Any] = HTTP) -> str:
    reply = client.post("/_/exporters", json=body)
    assert reply.status_code == 201, reply.text
    return str(reply.json()["data"]["id"])


def pipeline(client: Ledger, exporter_id: str, ledger: str = "main") -> dict[str, Any]:
    reply = client.post(f"/{ledger}/pipelines", json={"exporterID": exporter_id})
    assert reply.status_code == 201, reply.text
    return dict(reply.json()["data"])


def test_exporters_are_created_read_listed_updated_and_deleted(api: Ledger) -> None:
    assert api.get("/_/exporters").json() == {"cursor": {"pageSize": 0, "hasMore": False, "data": []}}
    created = api.post("/_/exporters", json=HTTP).json()["data"]
    assert list(created) == ["id", "createdAt", "driver", "config"]
    assert (created["driver"], created["config"], created["createdAt"]) == (
        "http",
        HTTP["config"],
        "2025-01-01T00:00:00Z",
    )
    assert api.get(f"/_/exporters/{created['id']}").json()["data"] == created
    assert api.get("/_/exporters").json()["cursor"]["data"] == [created]
    assert api.put(f"/_/exporters/{created['id']}", json={"driver": "stdout", "config": {}}).status_code == 204
    assert api.get(f"/_/exporters/{created['id']}").json()["data"]["driver"] == "stdout"
    assert api.delete(f"/_/exporters/{created['id']}").status_code == 204
    message = error(api.get(f"/_/exporters/{created['id']}"), 404, "NOT_FOUND")
    assert message == f"exporter '{created['id']}' not found"
    error(api.delete(f"/_/exporters/{created['id']}"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"driver": "kafka", "config": {}},
            "driver 'kafka' invalid: validating config for exporter 'kafka': driver 'kafka' not found",
        ),
        (
            {"driver": "clickhouse"},
            "driver 'clickhouse' invalid: exporter 'clickhouse' has malformed configuration: "
            "unexpected end of JSON input",
        ),
        (
            {"driver": "clickhouse", "config": {}},
            "driver 'clickhouse' invalid: exporter 'clickhouse' has invalid configuration: dsn is required",
        ),
        (
            {"driver": "http", "config": {"url": ""}},
            "driver 'http' invalid: exporter 'http' has invalid configuration: empty url",
        ),
        (
            {"driver": "http", "config": {"url": "/relative"}},
            "driver 'http' invalid: exporter 'http' has invalid configuration: invalid url, host, must be defined",
        ),
        (
            {"driver": "elasticsearch", "config": {}},
            "driver 'elasticsearch' invalid: exporter 'elasticsearch' has invalid configuration: "
            "elasticsearch endpoint is required",
        ),
        (
            {"driver": "elasticsearch", "config": {"endpoint": "http://es", "authentication": {"username": "u"}}},
            "driver 'elasticsearch' invalid: exporter 'elasticsearch' has invalid configuration: authentication "
            "configuration is invalid: username and password must be defined together",
        ),
        (
            {"driver": "noop", "config": {"batching": {"maxItems": -1}}},
            "driver 'noop' invalid: exporter 'noop' has invalid configuration: flushBytes must be greater than 0",
        ),
        (
            {"driver": "noop", "config": {"batching": {"flushInterval": "soon"}}},
            "driver 'noop' invalid: exporter 'noop' has malformed configuration: time: invalid duration \"soon\"",
        ),
    ],
)
def test_driver_configurations_are_checked(api: Ledger, body: dict[str, Any], message: str) -> None:
    error(api.post("/_/exporters", json=body), 400, "VALIDATION")  # the spec refuses some first
    with pytest.raises(LedgerError) as caught:
        api.service.create_exporter(body)
    assert (caught.value.status, caught.value.message) == (400, "failed to create exporter: " + message)
    known = exporter(api, {"driver": "noop", "config": {}})
    # an update checks the configuration first, then looks the exporter up
    for target in (known, "unknown"):
        error(api.put(f"/_/exporters/{target}", json=body), 400, "VALIDATION")
        with pytest.raises(LedgerError) as caught:
            api.service.update_exporter(target, body)
        assert (caught.value.status, caught.value.message) == (400, message)
    error(api.put("/_/exporters/unknown", json={"driver": "noop", "config": {}}), 404, "NOT_FOUND")
    assert api.get("/_/exporters").json()["cursor"]["data"][0]["id"] == known


def test_a_pipeline_starts_at_once_and_exports_every_log(api: Ledger) -> None:
    exporter_id = exporter(api)
    created = pipeline(api, exporter_id)
    assert list(created) == ["ledger", "exporterID", "createdAt", "id", "enabled"]
    assert (created["ledger"], created["exporterID"], created["enabled"]) == ("main", exporter_id, True)
    api.send("main", "alice")
    api.send("main", "bob")
    assert api.get(f"/main/pipelines/{created['id']}").json()["data"]["lastLogID"] == 2
    message = error(api.post(f"/main/pipelines/{created['id']}/start"), 400, "VALIDATION")
    assert message == f"pipeline '{created['id']}' already started"
    assert api.post(f"/main/pipelines/{created['id']}/stop").status_code == 202
    api.send("main", "carol")
    assert api.get(f"/main/pipelines/{created['id']}").json()["data"]["lastLogID"] == 2  # stopped: frozen
    error(api.post(f"/main/pipelines/{created['id']}/stop"), 404, "NOT_FOUND")
    assert api.post(f"/main/pipelines/{created['id']}/reset").status_code == 202
    assert "lastLogID" not in api.get(f"/main/pipelines/{created['id']}").json()["data"]
    assert api.post(f"/main/pipelines/{created['id']}/start").status_code == 202
    assert api.get(f"/main/pipelines/{created['id']}").json()["data"]["lastLogID"] == 3


def test_pipelines_are_listed_across_ledgers_and_found_by_id_alone(api: Ledger) -> None:
    exporter_id = exporter(api)
    first, second = pipeline(api, exporter_id, "main"), pipeline(api, exporter_id, "other")
    listed = api.get("/main/pipelines").json()["cursor"]
    assert listed == {"pageSize": 0, "hasMore": False, "data": [first, second]}  # the release's list takes no ledger
    assert api.get(f"/main/pipelines/{second['id']}").json()["data"]["ledger"] == "other"
    message = error(api.post("/main/pipelines", json={"exporterID": exporter_id}), 400, "VALIDATION")
    assert message == f"pipeline 'main/{exporter_id}' already exists"
    error(api.get("/nowhere/pipelines"), 404, "LEDGER_NOT_FOUND")
    error(api.post("/nowhere/pipelines", json={"exporterID": exporter_id}), 404, "LEDGER_NOT_FOUND")


def test_deleting_an_exporter_deletes_its_pipelines(api: Ledger) -> None:
    kept, dropped = exporter(api), exporter(api, {"driver": "noop", "config": {}})
    survivor = pipeline(api, kept)
    pipeline(api, dropped, "other")
    assert api.delete(f"/_/exporters/{dropped}").status_code == 204
    assert [p["id"] for p in api.get("/main/pipelines").json()["cursor"]["data"]] == [survivor["id"]]


def test_unknown_pipelines_and_exporters_spec_mode(api: Ledger) -> None:
    message = error(api.post("/main/pipelines", json={"exporterID": "nope"}), 400, "VALIDATION")
    assert message == "exporter 'nope' not found"
    for call in (api.get, api.delete):
        assert error(call("/main/pipelines/nope"), 404, "NOT_FOUND") == "pipeline 'nope' not found"
    for action in ("start", "stop", "reset"):
        assert error(api.post(f"/main/pipelines/nope/{action}"), 404, "NOT_FOUND") == "pipeline 'nope' not found"


def test_unknown_pipelines_and_exporters_real_quirks(real: Ledger) -> None:
    assert real.get("/_/exporters").json() == {"cursor": {"hasMore": False, "data": []}}  # no pageSize
    message = error(real.post("/main/pipelines", json={"exporterID": "nope"}), 500, "INTERNAL")
    assert "violates foreign key constraint" in message
    assert error(real.get("/main/pipelines/nope"), 500, "INTERNAL") == "sql: no rows in result set"
    assert error(real.post("/main/pipelines/nope/start"), 500, "INTERNAL") == "sql: no rows in result set"
    error(real.post("/main/pipelines/nope/stop"), 404, "NOT_FOUND")
    error(real.post("/main/pipelines/nope/reset"), 404, "NOT_FOUND")


def test_a_stopped_pipeline_spec_mode_stays_stopped_and_can_be_deleted(api: Ledger) -> None:
    created = pipeline(api, exporter(api))
    api.post(f"/main/pipelines/{created['id']}/stop")
    api.app.backend.clock.advance(3600)
    assert api.post(f"/main/pipelines/{created['id']}/start").status_code == 202  # it was still stopped
    api.post(f"/main/pipelines/{created['id']}/stop")
    assert api.delete(f"/main/pipelines/{created['id']}").status_code == 204


def test_a_stopped_pipeline_real_quirks_restarts_and_cannot_be_deleted(real: Ledger) -> None:
    created = pipeline(real, exporter(real))
    real.post(f"/main/pipelines/{created['id']}/stop")
    message = error(real.delete(f"/main/pipelines/{created['id']}"), 404, "NOT_FOUND")  # its delete stops it first
    assert message == f"pipeline '{created['id']}' not found"
    real.app.backend.clock.advance(59)
    assert real.post(f"/main/pipelines/{created['id']}/start").status_code == 202
    real.post(f"/main/pipelines/{created['id']}/stop")
    real.app.backend.clock.advance(60)  # the worker's sync loop started it again
    error(real.post(f"/main/pipelines/{created['id']}/start"), 400, "VALIDATION")
    assert real.delete(f"/main/pipelines/{created['id']}").status_code == 204


def test_updating_an_exporter_restarts_pipelines_in_the_release(real: Ledger, api: Ledger) -> None:
    for client in (api, real):
        exporter_id = exporter(client)
        created = pipeline(client, exporter_id)
        client.post(f"/main/pipelines/{created['id']}/stop")
        client.put(f"/_/exporters/{exporter_id}", json={"driver": "noop", "config": {}})
        started = client.post(f"/main/pipelines/{created['id']}/start").status_code
        assert started == (400 if client is real else 202)
