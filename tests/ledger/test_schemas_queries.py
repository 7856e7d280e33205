"""Query templates: checked when their schema is inserted, filled in when run."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.ledger.errors import LedgerError
from mockserver.ledger.queries import ResourceQuery
from tests.ledger.support_admin import Ledger, error, make_app

DEPOSITS = {
    "resource": "transactions",
    "params": {"pageSize": 5, "sort": "timestamp:asc", "expand": ["volumes"]},
    "vars": {"category": "string", "minimum": {"type": "int", "default": 10}, "since": "date", "open": "boolean"},
    "body": {
        "$and": [
            {"$match": {"metadata[category]": "$category:deposit"}},
            {"$gte": {"id": "${minimum}"}},
            {"$not": {"$lt": {"timestamp": "${since}"}}},
            {"$in": {"destination": ["bank:${category}", "world"]}},
            {"$match": {"reverted": "${open}"}},
            {"$exists": {"metadata": "note_$category"}},
        ]
    },
}


@pytest.fixture
def api() -> Ledger:
    client = Ledger(make_app())
    client.create("main")
    assert client.post("/main/schemas/v1", json={"chart": {}, "queries": {"DEPOSITS": DEPOSITS}}).status_code == 204
    return client


def refusal(api: Ledger, queries: dict[str, Any]) -> str:
    with pytest.raises(LedgerError) as caught:
        api.service.insert_schema("main", "bad", {"chart": {}, "queries": queries})
    assert caught.value.status == 400 and caught.value.code == "VALIDATION"
    return caught.value.message


PREFIX = "unexpected error while forging log: creating schema: invalid schema: "


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ({"resource": "ledgers"}, PREFIX + "unknown resource kind: ledgers"),
        ({"resource": "accounts", "params": {"groupBy": 1}}, PREFIX + "invalid params: unknown field: `groupBy`"),
        ({"resource": "accounts", "params": {"sort": "address:up"}}, PREFIX + "invalid params: invalid order: up"),
        ({"resource": "accounts", "params": {"sort": ":asc"}}, PREFIX + 'invalid params: invalid sort column: ":asc"'),
        ({"resource": "accounts", "params": {"sort": "balance"}}, PREFIX + "invalid sort column `balance`"),
        ({"resource": "volumes", "params": {"sort": "account", "groupBy": 2, "insertionDate": True}}, None),
        (
            {"resource": "logs", "vars": {"n": {"type": "int", "default": "x"}}},
            PREFIX + "failed to validate variable declarations: invalid default for variable `n`: "
            "invalid value `x` for type `int`: value doesn't match expected type",
        ),
        (
            {"resource": "logs", "vars": {"n": "float"}},
            "invalid type `float`, expected one of `boolean`, `date`, `int`, `string`",
        ),
        (
            {"resource": "logs", "body": {"$match": {"colour": "red"}}},
            PREFIX + "failed to validate filter body: unknown field: colour",
        ),
        (
            {"resource": "logs", "body": {"$match": {"Type": "x"}}},
            PREFIX + "failed to validate filter body: invalid field name",
        ),
        (
            {"resource": "logs", "body": {"$match": {"type": "$nope"}}},
            PREFIX + "failed to validate filter body: variable `nope` is not declared",
        ),
        (
            {"resource": "logs", "body": {"$match": {"type": "$1"}}},
            PREFIX + "failed to validate filter body: expected a lowercase char, got '1' instead",
        ),
        (
            {"resource": "logs", "body": {"$match": {"type": "${a"}}, "vars": {"a": "string"}},
            PREFIX + "failed to validate filter body: expected '}', got EOF instead",
        ),
        (
            {"resource": "logs", "body": {"$match": {"id": "$n"}}, "vars": {"n": "int"}},
            PREFIX + 'failed to validate filter body: expected a "${variable}" string or a plain value, got `$n`',
        ),
        (
            {"resource": "logs", "body": {"$match": {"id": "${n}"}}, "vars": {"n": "string"}},
            PREFIX + "failed to validate filter body: cannot use variable `n` as type `int`",
        ),
        (
            {"resource": "logs", "body": {"$match": {"date": "2024-01-01T00:00:00Z"}}},
            PREFIX + 'failed to validate filter body: expected a "${variable}" string or a plain value, '
            "got `2024-01-01T00:00:00Z`",
        ),
        (
            {"resource": "logs", "body": {"$exists": {"type": "x"}}},
            PREFIX
            + "failed to validate filter body: $exists can only be called on a map field, got: queries.TypeString",
        ),
        (
            {"resource": "logs", "body": {"$in": {"type": "x"}}},
            PREFIX + "failed to validate filter body: expected array, got `string`",
        ),
        (
            {"resource": "logs", "body": {"$near": {"type": "x"}}},
            PREFIX + "failed to validate filter body: unexpected operator $near",
        ),
        (
            {"resource": "logs", "body": {"$match": {"id": 1.5}}},
            PREFIX + "failed to validate filter body: provided json number was not an integer",
        ),
        (
            {"resource": "logs", "body": {"$match": {"id": True}}},
            PREFIX
            + "failed to validate filter body: invalid value `true` for type `int`: value doesn't match expected type",
        ),
        (
            {"resource": "transactions", "body": {"$match": {"metadata": "x"}}},
            PREFIX + 'failed to validate filter body: expected a "${variable}" string or a plain value, got `x`',
        ),
        ({"resource": "volumes", "body": {"$match": {"account": "a"}}}, None),
    ],
)
def test_templates_are_checked_when_the_schema_is_inserted(
    api: Ledger, template: dict[str, Any], message: str | None
) -> None:
    if message is None:
        api.service.insert_schema("main", "ok", {"chart": {}, "queries": {"Q": template}})
    else:
        assert refusal(api, {"Q": template}) == message


def test_the_template_reads_back_with_typed_vars_and_jsonb_ordered_raw_parts(api: Ledger) -> None:
    query = api.get("/main/schemas/v1").json()["data"]["queries"]["DEPOSITS"]
    assert query["vars"]["category"] == {"type": "string"}
    assert query["vars"]["minimum"] == {"type": "int", "default": 10}
    assert list(query["params"]) == ["sort", "expand", "pageSize"]  # jsonb: by length, then bytes


def test_running_needs_a_schema_and_a_known_template(api: Ledger) -> None:
    message = error(api.post("/main/queries/DEPOSITS/run", params={"schemaVersion": "v9"}, json={}), 400, "VALIDATION")
    assert message == "schema version [v9]: failed to find schema: not found"
    message = error(api.post("/main/queries/NOPE/run", params={"schemaVersion": "v1"}, json={}), 400, "VALIDATION")
    assert message == "schema version [v1]: unknown query template: NOPE"
    error(api.post("/nowhere/queries/NOPE/run", params={"schemaVersion": "v1"}, json={}), 404, "LEDGER_NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"vars": {"minimum": "ten"}},
            "failed to resolve query template: invalid value `ten` for type `int`: value doesn't match expected type",
        ),
        (
            {"vars": {"open": True, "since": "2024-01-01T00:00:00Z"}},
            "failed to resolve query template: invalid filter on key metadata[category]: missing variable: category",
        ),
        (
            {"vars": {"category": "c", "open": True}},
            "failed to resolve query template: invalid filter on key timestamp: missing variable: `since`",
        ),
        (
            {"vars": {"category": "c", "since": "2024-01-01T00:00:00Z", "open": "yes"}},
            "failed to resolve query template: invalid value `yes` for type `boolean`: "
            "value doesn't match expected type",
        ),
        (
            {"vars": {"category": 1.5, "since": "2024-01-01T00:00:00Z", "open": True}},
            "failed to resolve query template: invalid value `1.5` for type `string`: "
            "value doesn't match expected type",
        ),
        (
            {
                "vars": {"category": "c", "since": "2024-01-01T00:00:00Z", "open": True},
                "params": {"sort": "id:sideways"},
            },
            "failed to resolve query template: invalid order: sideways",  # the filter resolves first
        ),
    ],
)
def test_variables_and_params_that_do_not_resolve(api: Ledger, body: dict[str, Any], message: str) -> None:
    error(api.post("/main/queries/DEPOSITS/run", params={"schemaVersion": "v1"}, json=body), 400, "VALIDATION")
    with pytest.raises(LedgerError) as caught:  # the release's text (the spec may refuse a sort first)
        api.service.run_query("main", "DEPOSITS", body, schema_version="v1")
    assert (caught.value.status, caught.value.code, caught.value.message) == (400, "VALIDATION", message)


def test_a_run_hands_the_resolved_query_to_the_lists(api: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[ResourceQuery] = []

    def list_resource(name: str, query: ResourceQuery) -> dict[str, Any]:
        seen.append(query)
        return {"pageSize": query.page_size, "hasMore": False, "data": [{"id": 1, "b": 2, "a": {"z": 1, "y": 2}}]}

    monkeypatch.setattr(api.service, "list_resource", list_resource, raising=False)  # what the lists provide
    vars_ = {"category": "cash", "since": "2024-01-01T00:00:00Z", "open": False, "undeclared": "ignored"}
    body = {"vars": vars_, "params": {"pageSize": 500, "endTime": "2025-01-01T00:00:00Z"}}
    reply = api.post("/main/queries/DEPOSITS/run", params={"schemaVersion": "v1", "pageSize": 3}, json=body)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {
        "cursor": {"data": [{"a": {"y": 2, "z": 1}, "b": 2, "id": 1}], "hasMore": False, "pageSize": 100},
        "resource": "transactions",
    }
    assert list(reply.json()["cursor"]) == ["data", "hasMore", "pageSize"]  # re-encoded through a Go map
    query = seen[0]
    assert query.filter == {
        "$and": [
            {"$match": {"metadata[category]": "cash:deposit"}},
            {"$gte": {"id": 10}},
            {"$not": {"$lt": {"timestamp": "2024-01-01T00:00:00Z"}}},
            {"$in": {"destination": ["bank:cash", "world"]}},
            {"$match": {"reverted": False}},
            {"$exists": {"metadata": "note_cash"}},
        ]
    }
    # the call's params replace the template's endTime/startTime/expand/pageSize; sort stays
    assert (query.sort, query.order, query.expand, query.page_size) == ("timestamp", "asc", (), 100)
    assert query.pit is not None and query.pit.year == 2025 and query.oot is None
    api.post("/main/queries/DEPOSITS/run", params={"schemaVersion": "v1"}, json={"cursor": "next-page"})
    assert seen[1] == ResourceQuery("transactions", cursor="next-page")


def test_resource_defaults_when_nothing_says_otherwise(api: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    api.service.insert_schema(
        "main", "v2", {"chart": {}, "queries": {"V": {"resource": "volumes"}, "A": {"resource": "accounts"}}}
    )
    seen: list[ResourceQuery] = []
    monkeypatch.setattr(
        api.service,
        "list_resource",
        lambda name, query: seen.append(query) or {"hasMore": False, "data": []},
        raising=False,
    )
    for template in ("V", "A"):
        api.post(f"/main/queries/{template}/run", params={"schemaVersion": "v2"}, json={})
    assert [(q.sort, q.order, q.page_size, q.filter, q.options) for q in seen] == [
        ("account", "asc", 15, None, {"insertionDate": False, "groupBy": 0}),
        ("address", "asc", 15, None, {}),
    ]


def test_a_run_answers_the_page_the_list_route_would(api: Ledger) -> None:
    """Through the ledger's own lists: the template's filter and the call's page size shape the page."""
    api.service.insert_schema("main", "v3", {"chart": {}, "queries": {"BIG": {"resource": "transactions",
        "body": {"$gte": {"id": 2}}, "params": {"sort": "id:asc"}}}})  # fmt: skip
    for amount in (10, 20, 30):
        body = {"postings": [{"source": "world", "destination": "bank:cash", "amount": amount, "asset": "USD"}]}
        api.service.create_transaction("main", body, schema_version="v3")
    reply = api.post("/main/queries/BIG/run", params={"schemaVersion": "v3"}, json={"params": {"pageSize": 1}})
    assert reply.status_code == 200, reply.text
    page = reply.json()["cursor"]
    assert [tx["id"] for tx in page["data"]] == [2] and page["hasMore"] is True and page["pageSize"] == 1
    listed = api.service.list_transactions("main", {"pageSize": "1", "sort": "id:asc"}, {"$gte": {"id": 2}})
    assert page["data"] == listed["cursor"]["data"]
