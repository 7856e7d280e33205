"""Schemas over HTTP: insert, read, list; the chart's syntax; the INSERTED_SCHEMA log and event."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from mockserver.ledger.errors import LedgerError
from tests.ledger.support_admin import Ledger, error, make_app

CHART = {
    "world": {".self": {}},
    "bank": {"$bankID": {".self": {}, "fees": {}}},
    "users": {"$userID": {".pattern": "^[0-9]{3}$", ".metadata": {"tier": {"default": "basic"}, "flag": {}}}},
}


@pytest.fixture
def api() -> Ledger:
    client = Ledger(make_app())
    client.create("main")
    return client


def insert(api: Ledger, version: str, body: dict[str, Any], **kwargs: Any) -> Any:
    return api.post(f"/main/schemas/{version}", json=body, **kwargs)


def test_a_schema_reads_back_normalised(api: Ledger) -> None:
    reply = insert(
        api,
        "v1",
        {
            "chart": CHART,
            "transactions": {
                "PAY": {"description": "pay", "script": "send [USD 1] (\n  source = @world\n  destination = @bank:1\n)"}
            },
        },
    )
    assert reply.status_code == 204, reply.text
    schema = api.get("/main/schemas/v1").json()["data"]
    assert schema == {
        "chart": {
            "bank": {"$bankID": {".self": {}, "fees": {}}},
            "users": {"$userID": {".metadata": {"flag": {}, "tier": {"default": "basic"}}, ".pattern": "^[0-9]{3}$"}},
            "world": {},  # .self only where an account also has sub-segments
        },
        "transactions": {
            "PAY": {"description": "pay", "script": "send [USD 1] (\n  source = @world\n  destination = @bank:1\n)"}
        },
        "version": "v1",
        "createdAt": "2025-01-01T00:00:00Z",
    }
    assert list(schema["chart"]) == ["bank", "users", "world"]  # Go sorts map keys


def test_insert_writes_a_log_and_an_event_and_puts_the_ledger_in_use(api: Ledger) -> None:
    insert(api, "v1", {"chart": {"world": {}}})
    book = api.book("main")
    log = book.logs[1]
    assert log.type == "INSERTED_SCHEMA"
    assert orjson.loads(log.data) == {
        "schema": {"chart": {"world": {}}, "version": "v1", "createdAt": "2025-01-01T00:00:00Z"}
    }
    assert log.hash is not None and log.schema_version is None
    event = api.events()[-1]
    assert event["type"] == "INSERTED_SCHEMA"
    assert event["payload"] == {
        "ledger": "main",
        "schema": {"chart": {"world": {}}, "version": "v1", "createdAt": "2025-01-01T00:00:00Z"},
    }
    assert book.info.state == "in-use"


def test_a_version_is_inserted_once(api: Ledger) -> None:
    insert(api, "v1", {"chart": {}})
    message = error(insert(api, "v1", {"chart": {"a": {}}}), 409, "SCHEMA_ALREADY_EXISTS")
    assert message == "unexpected error while forging log: schema version `v1` already exists"
    # the body is checked before the version: a bad body on an existing version is 400
    error(insert(api, "v1", {"transactions": {}}), 400, "VALIDATION")
    with pytest.raises(LedgerError) as caught:
        api.service.insert_schema("main", "v1", {"transactions": {}})
    assert (caught.value.status, caught.value.message) == (
        400,
        "unexpected error while forging log: creating schema: invalid schema: missing chart of accounts",
    )
    assert api.service.insert_schema("main", "v2", {"chart": None}).hit is False  # null reads as an empty chart


def test_idempotency_on_insert(api: Ledger) -> None:
    key = {"Idempotency-Key": "s1"}
    assert insert(api, "v1", {"chart": {}}, headers=key).status_code == 204
    replay = insert(api, "v1", {"chart": {}}, headers=key)
    assert replay.status_code == 204 and replay.headers["Idempotency-Hit"] == "true"
    message = error(insert(api, "v2", {"chart": {}}, headers=key), 400, "VALIDATION")
    assert message.startswith("invalid idempotency hash when using idempotency key 's1'")


def test_dry_run_and_schema_version_on_insert(api: Ledger) -> None:
    """The release reads both on every write route; the handler passes them when the spec declares them."""
    service = api.service
    service.insert_schema("main", "v1", {"chart": {}})
    service.insert_schema("main", "v2", {"chart": {}}, dry_run=True)
    error(api.get("/main/schemas/v2"), 404, "NOT_FOUND")
    assert api.book("main").log_ids == [1]
    with pytest.raises(LedgerError) as caught:
        service.insert_schema("main", "v3", {"chart": {}}, schema_version="nope")
    assert (caught.value.status, caught.value.code, caught.value.message) == (
        404,
        "NOT_FOUND",
        "unexpected error while forging log: schema version `nope` not found, latest available version is `v1`",
    )
    service.insert_schema("main", "v3", {"chart": {}}, schema_version="v1")
    assert api.book("main").logs[2].schema_version == "v1"


def test_reading_an_unknown_schema_or_ledger(api: Ledger) -> None:
    assert error(api.get("/main/schemas/v9"), 404, "NOT_FOUND") == "not found"
    error(api.get("/nowhere/schemas/v9"), 404, "LEDGER_NOT_FOUND")
    error(api.post("/nowhere/schemas/v9", json={"chart": {}}), 404, "LEDGER_NOT_FOUND")


def test_the_list_is_newest_first_and_pages(api: Ledger) -> None:
    assert api.get("/main/schemas").json() == {"cursor": {"pageSize": 15, "hasMore": False, "data": []}}
    for version in ("b", "c", "a"):
        insert(api, version, {"chart": {}})
        api.app.backend.clock.advance(1)
    listed = api.get("/main/schemas").json()["cursor"]
    assert [s["version"] for s in listed["data"]] == ["a", "c", "b"]
    assert [s["version"] for s in api.get("/main/schemas", params={"order": "asc"}).json()["cursor"]["data"]] == [
        "b",
        "c",
        "a",
    ]
    assert [
        s["version"] for s in api.get("/main/schemas", params={"sort": "version:asc"}).json()["cursor"]["data"]
    ] == ["a", "b", "c"]
    first = api.get("/main/schemas", params={"pageSize": 2, "sort": "createdAt"}).json()["cursor"]
    assert [s["version"] for s in first["data"]] == ["a", "c"] and first["hasMore"] is True
    second = api.get("/main/schemas", params={"cursor": first["next"]}).json()["cursor"]
    assert [s["version"] for s in second["data"]] == ["b"] and second["hasMore"] is False
    back = api.get("/main/schemas", params={"cursor": second["previous"]}).json()["cursor"]
    assert back["data"] == first["data"]


def test_list_mistakes(api: Ledger) -> None:
    for params in ({"sort": "version:up"}, {"cursor": "not-a-cursor"}, {"sort": "colour"}):
        error(api.get("/main/schemas", params=params), 400, "VALIDATION")
    with pytest.raises(LedgerError) as caught:
        api.service.list_schemas("main", sort="version:up")
    assert (caught.value.status, caught.value.message) == (400, "invalid order: up")
    with pytest.raises(LedgerError) as caught:
        api.service.list_schemas("main", sort="colour")
    assert caught.value.status == 400
    real = Ledger(make_app(quirks="real"))
    real.create("main")
    with pytest.raises(LedgerError) as caught:
        real.service.list_schemas("main", sort="colour")
    assert (caught.value.status, caught.value.code) == (500, "INTERNAL")  # the release's unmapped storage error


@pytest.mark.parametrize(
    ("chart", "message"),
    [
        ({"abc:abc": {}}, "invalid segment name: abc:abc"),
        ({"$user": {}}, "invalid key $user: root cannot have a variable segment"),
        ({".self": {}}, "invalid key .self: the root cannot be an account"),
        ({"users": {".pattern": "x"}}, "cannot have a pattern on a fixed segment"),
        (
            {"users": "x"},
            "invalid segment: json: cannot unmarshal string into Go value of type map[string]interface {}",
        ),
        ({"users": {"a b": {}}}, "invalid segment `users`: invalid address segment: a b"),
        (
            {"users": {"$a": {}, "$b": {}}},
            "invalid segment `users`: cannot have two variable segments with the same prefix",
        ),
        ({"users": {"fixed": {".pattern": "x"}}}, "invalid segment `users`: cannot have a pattern on a fixed segment"),
        ({"users": {"$id": {".pattern": 3}}}, "invalid segment `users`: pattern must be a string"),
        (
            {"users": {"$id": {".pattern": "(?=x)"}}},
            "invalid segment `users`: invalid pattern regex: error parsing regexp: "
            "invalid or unsupported Perl syntax: `(?=`",
        ),
        ({"users": {".self": {"a": 1}}}, "invalid segment `users`: .self must be an empty object"),
        (
            {"users": {".metadata": {"k": {"default": 1}}}},
            "invalid segment `users`: invalid default metadata: json: cannot unmarshal number "
            "into Go struct field ChartAccountMetadata.default of type string",
        ),
        (
            {"users": {".metadata": {}, "sub": {}}},
            "invalid segment `users`: cannot have .metadata on a non-account segment",
        ),
        ({"users": {".rules": {}, "sub": {}}}, "invalid segment `users`: cannot have .rules on a non-account segment"),
        (
            {"users": {"sub": {"deeper": {".metadata": {}, "leaf": {}}}}},
            "invalid segment `users`: invalid segment: invalid segment: cannot have .metadata on a non-account segment",
        ),
    ],
)
def test_chart_mistakes_are_400_with_the_releases_message(api: Ledger, chart: dict[str, Any], message: str) -> None:
    error(insert(api, "v1", {"chart": chart}), 400, "VALIDATION")  # the spec may refuse some first
    with pytest.raises(LedgerError) as caught:
        api.service.insert_schema("main", "v1", {"chart": chart})
    assert (caught.value.status, caught.value.code, caught.value.message) == (400, "VALIDATION", message)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"chart": {}, "transactions": {"T": {"script": "x", "runtime": "jvm"}}},
            "unexpected error while forging log: creating schema: invalid schema: "
            "unexpected runtime `jvm`: should be `machine` or `experimental-interpreter`",
        ),
        (
            {"chart": {}, "transactions": {"T": {"script": "send send"}}},
            "unexpected error while forging log: invalid schema: invalid template T: ",
        ),
    ],
)
def test_transaction_template_mistakes(api: Ledger, body: dict[str, Any], message: str) -> None:
    error(insert(api, "v1", body), 400, "VALIDATION")
    with pytest.raises(LedgerError) as caught:
        api.service.insert_schema("main", "v1", body)
    assert caught.value.status == 400 and caught.value.message.startswith(message)
