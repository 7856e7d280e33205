"""Logs export and import: the stream format, an exact round trip, and every refusal."""

from __future__ import annotations

import base64
import json

import pytest

from tests.ledger.support_admin import Ledger, book_state, error, make_app

STREAM = {"Content-Type": "application/octet-stream"}


def busy_ledger(client: Ledger, name: str = "source", **features: str) -> None:
    """A ledger whose logs hold every log type, back-dating, references, keys and a schema."""
    client.create(name, features=features) if features else client.create(name)
    # a query whose params are not in jsonb's key order: the log must keep the order it was given
    query = {"resource": "transactions", "params": {"pageSize": 3, "sort": "id:asc"}, "body": {"$match": {"id": 1}}}
    chart = {"world": {}, "users": {"$id": {".metadata": {"tier": {"default": "basic"}}}}, "bank": {}}
    assert client.post(f"/{name}/schemas/v1", json={"chart": chart, "queries": {"Q": query}}).status_code == 204
    client.send(name, "users:1", 500, reference="r1", metadata={"k": "<v&>"})
    client.app.backend.clock.advance(10)
    reply = client.post(
        f"/{name}/transactions",
        params={"schemaVersion": "v1"},
        headers={"Idempotency-Key": "ik-1"},
        json={
            "metadata": {},
            "postings": [{"source": "users:1", "destination": "users:2", "amount": 20, "asset": "USD"}],
            "accountMetadata": {"bank": {"x": "y"}},
        },
    )
    assert reply.status_code == 200, reply.text
    client.send(name, "bank", 7, timestamp="2024-01-01T00:00:00Z")
    client.app.backend.clock.advance(10)
    client.post(f"/{name}/transactions/1/metadata", json={"more": "1"})
    client.delete(f"/{name}/transactions/1/metadata/k")
    client.post(f"/{name}/accounts/users:9/metadata", json={"a": "b"})
    client.delete(f"/{name}/accounts/users:9/metadata/a")
    client.post(f"/{name}/transactions/2/revert", params={"atEffectiveDate": "true"})
    client.app.backend.clock.advance(10)


def test_export_is_one_json_log_a_line_oldest_first() -> None:
    client = Ledger(make_app())
    client.create("empty")
    exported = client.post("/empty/logs/export")
    assert (exported.status_code, exported.content) == (200, b"")
    assert exported.headers["content-type"] == "application/octet-stream"
    # through Connexion (an undeclared parameter keeps the gateway's fast path away) the same bytes
    assert client.post("/empty/logs/export", params={"x": "1"}).headers["content-type"] == "application/octet-stream"
    busy_ledger(client)
    lines = client.post("/source/logs/export").content.split(b"\n")
    assert lines[-1] == b""
    logs = [json.loads(line) for line in lines[:-1]]
    assert [log["id"] for log in logs] == list(range(1, 10))
    assert [log["type"] for log in logs][:2] == ["INSERTED_SCHEMA", "NEW_TRANSACTION"]
    assert list(logs[2]) == ["type", "data", "date", "idempotencyKey", "idempotencyHash", "id", "hash", "schemaVersion"]
    assert logs[2]["schemaVersion"] == "v1" and logs[2]["idempotencyKey"] == "ik-1"
    assert len(base64.b64decode(logs[0]["hash"])) == 32
    assert b"\\u003cv\\u0026\\u003e" in lines[1]  # Go's JSON escapes, byte for byte


@pytest.mark.parametrize("hashing", ["SYNC", "DISABLED"])
def test_an_export_imported_into_a_fresh_ledger_reproduces_it_exactly(hashing: str) -> None:
    client = Ledger(make_app())
    busy_ledger(client, HASH_LOGS=hashing)
    exported = client.post("/source/logs/export").content
    client.create("copy", features={"HASH_LOGS": hashing})
    events = len(client.events())
    reply = client.post("/copy/logs/import", content=exported, headers=STREAM)
    assert reply.status_code == 204, reply.text
    assert client.post("/copy/logs/export").content == exported
    source, copy = book_state(client.book("source")), book_state(client.book("copy"))
    assert {k: v for k, v in copy.items() if k != "counters"} == {k: v for k, v in source.items() if k != "counters"}
    assert copy["counters"][:4] == source["counters"][:4]
    assert copy["counters"][4] == "initializing"  # an import never puts the ledger in use
    assert len(client.events()) == events  # and publishes nothing
    for name in ("source", "copy"):
        assert client.get(f"/{name}/accounts/users:2").json()["data"]["metadata"] == {"tier": "basic"}
    # numbering goes on after the imported logs, and the reads agree
    for name in ("source", "copy"):
        assert client.send(name, "users:3", 1)["id"] == 5
    assert client.post("/copy/logs/export").content == client.post("/source/logs/export").content
    assert (
        client.get("/copy/transactions/2", params={"expand": "volumes"}).json()
        == client.get("/source/transactions/2", params={"expand": "volumes"}).json()
    )


def test_an_import_in_several_calls_and_only_while_initializing() -> None:
    client = Ledger(make_app())
    busy_ledger(client)
    lines = client.post("/source/logs/export").content.splitlines(keepends=True)
    client.create("copy")
    assert client.post("/copy/logs/import", content=b"".join(lines[:4]), headers=STREAM).status_code == 204
    assert client.post("/copy/logs/import", content=b"  \n".join(lines[4:]), headers=STREAM).status_code == 204
    assert client.post("/copy/logs/import", content=b"", headers=STREAM).status_code == 204
    client.send("copy", "bank", 1)
    message = error(client.post("/copy/logs/import", content=b"", headers=STREAM), 400, "IMPORT")
    assert message == "importing logs: ledger is not in initializing state"
    assert client.book("source").info.state == "in-use"
    error(client.post("/nowhere/logs/import", content=b"", headers=STREAM), 404, "LEDGER_NOT_FOUND")
    error(client.post("/nowhere/logs/export"), 404, "LEDGER_NOT_FOUND")


def test_ids_must_increase_and_the_logs_before_a_failure_stay() -> None:
    client = Ledger(make_app())
    busy_ledger(client)
    lines = client.post("/source/logs/export").content.splitlines(keepends=True)
    client.create("copy")
    reply = client.post("/copy/logs/import", content=lines[0] + lines[1] + lines[1], headers=STREAM)
    assert error(reply, 400, "IMPORT") == "importing logs: log 2 already exists"
    assert client.book("copy").log_ids == [1, 2]
    assert client.post("/copy/logs/import", content=b"".join(lines[2:]), headers=STREAM).status_code == 204
    assert client.post("/copy/logs/export").content == b"".join(lines)


def test_a_hash_that_does_not_match_is_refused_and_that_log_is_not_kept() -> None:
    client = Ledger(make_app())
    busy_ledger(client)
    logs = [json.loads(line) for line in client.post("/source/logs/export").content.splitlines()]
    forged = dict(logs[1], hash=base64.b64encode(b"\0" * 32).decode())
    stream = (json.dumps(logs[0]) + "\n" + json.dumps(forged)).encode()
    client.create("copy")
    message = error(client.post("/copy/logs/import", content=stream, headers=STREAM), 400, "IMPORT")
    expected = (
        f"importing logs: importing log 2: invalid hash, expected {logs[1]['hash']} got {forged['hash']} for log 2"
    )
    assert message == expected
    state = book_state(client.book("copy"))
    assert state["log_ids"] == [1] and state["transactions"] == {} and state["accounts"] == {}
    # a ledger that does not hash logs keeps what it is given
    client.create("unhashed", features={"HASH_LOGS": "DISABLED"})
    assert client.post("/unhashed/logs/import", content=stream, headers=STREAM).status_code == 204
    assert client.book("unhashed").logs[2].hash == b"\0" * 32


def test_ids_may_start_anywhere_and_have_holes() -> None:
    client = Ledger(make_app())
    busy_ledger(client)
    logs = [json.loads(line) for line in client.post("/source/logs/export").content.splitlines()]
    client.create("copy", features={"HASH_LOGS": "DISABLED"})
    stream = "\n".join(json.dumps(dict(log, id=log["id"] * 10)) for log in logs[:3])
    assert client.post("/copy/logs/import", content=stream.encode(), headers=STREAM).status_code == 204
    assert client.book("copy").log_ids == [10, 20, 30]


@pytest.mark.parametrize(
    "stream",
    [
        b'{"type": "NEW_TRANSACTION", "id": 1',  # malformed JSON
        b'{"type": "TELEPORTED", "id": 1, "date": "2025-01-01T00:00:00Z", "data": {}}',
        b'{"type": "SET_METADATA", "date": "2025-01-01T00:00:00Z", "data": {}}',  # no id
        b'{"type": "SET_METADATA", "id": 1, "date": "2025-01-01T00:00:00Z", "hash": null,'
        b' "data": {"targetType": "TRANSACTION", "targetId": 42, "metadata": {}}}',  # a transaction it does not have
    ],
)
def test_the_releases_500s_are_400s_in_spec_mode(stream: bytes) -> None:
    """Spec mode answers the import errors the spec declares (IMPORT), the release a 500."""
    spec, real = Ledger(make_app()), Ledger(make_app(quirks="real"))
    for client in (spec, real):
        client.create("copy", features={"HASH_LOGS": "DISABLED"})
    assert error(spec.post("/copy/logs/import", content=stream, headers=STREAM), 400, "IMPORT").startswith(
        "importing logs: "
    )
    message = error(real.post("/copy/logs/import", content=stream, headers=STREAM), 500, "INTERNAL")
    assert message == "Internal error. Consult logs/traces to have more details."
    assert spec.book("copy").log_ids == real.book("copy").log_ids == []


def test_a_ledger_written_by_an_atomic_bulk_is_still_importable_in_the_release() -> None:
    real = Ledger(make_app(quirks="real"))
    real.create("main")
    element = {
        "action": "CREATE_TRANSACTION",
        "data": {"metadata": {}, "postings": [{"source": "world", "destination": "a", "amount": 1, "asset": "USD"}]},
    }
    assert real.post("/main/_bulk", params={"atomic": "true"}, json=[element]).status_code == 200
    assert real.post("/main/logs/import", content=b"", headers=STREAM).status_code == 204
    spec = Ledger(make_app())
    spec.create("main")
    spec.post("/main/_bulk", params={"atomic": "true"}, json=[element])
    error(spec.post("/main/logs/import", content=b"", headers=STREAM), 400, "IMPORT")
