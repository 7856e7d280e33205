"""The official formance-sdk-python, unchanged, against the mock's ledger v2 administration:
bulk, schemas with their transaction and query templates, buckets, logs export and import,
ledger info and metrics. As in test_official_sdk_ledger.py, each call's effect is read back
through other calls of the SDK, as spec/ledger.v2.yaml describes it.

The SDK (9.x) asks a `ledger:read` token for runQuery, which the ledger checks as the write it is
(a POST): these tests run on a mock started with `--auth off`
(test_official_sdk_ledger_exporters.py pins the 403 a mock with auth answers).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from formance_sdk_python import SDK

from tests.ledger_sdk import (
    LEDGER,
    account,
    advance,
    balances,
    book,
    ledger_sdk,
    moves,
    posting,
    refused,
    stats,
    transaction,
)
from tests.support import LEDGERS, RunningMock, running_mock

DEPOSIT = """vars {
  account $user
  monetary $amount
}
send $amount (
  source = @world
  destination = $user
)
"""
SCHEMA: dict[str, Any] = {
    "chart": {
        "world": {},
        "users": {"$userID": {".pattern": "^[0-9]+$", ".metadata": {"tier": {"default": "bronze"}}}},
    },
    "transactions": {"DEPOSIT": {"description": "Credit a user", "runtime": "machine", "script": DEPOSIT}},
    "queries": {
        "USER_TRANSACTIONS": {
            "resource": "transactions",
            "vars": {"user": {"type": "string"}},
            "body": {"$match": {"account": "$user"}},
        }
    },
}


@pytest.fixture(scope="module")
def open_mock() -> Iterator[RunningMock]:
    with running_mock("--auth", "off", "--clock", "manual", "--seed", "7", "--fixtures", str(LEDGERS)) as server:
        yield server


@pytest.fixture
def sdk(open_mock: RunningMock) -> Iterator[SDK]:
    with ledger_sdk(open_mock, "sdk-ledger-open") as client:
        yield client


def create(*postings: tuple[str, str, int, str], **extra: Any) -> dict[str, Any]:
    """A bulk element creating a transaction of these postings."""
    return {
        "action": "CREATE_TRANSACTION",
        "data": {"postings": [posting(*p) for p in postings], "metadata": {}, **extra},
    }


def on(target_type: str, target_id: str | int, **data: Any) -> dict[str, Any]:
    """The ``data`` of a bulk metadata element on one account or transaction."""
    return {"targetType": target_type, "targetId": target_id, **data}


def test_bulk_runs_its_elements_in_order_each_as_the_single_call(sdk: SDK) -> None:
    v2 = sdk.ledger.v2
    elements = [
        {**create(("world", "users:1", 100, "USD/2"), metadata={"n": "1"}), "ik": "bulk-1"},
        {"action": "ADD_METADATA", "data": on("ACCOUNT", "users:1", metadata={"k": "v"})},
        {"action": "ADD_METADATA", "data": on("TRANSACTION", 1, metadata={"m": "x"})},
        {"action": "DELETE_METADATA", "data": on("TRANSACTION", 1, key="n")},
        {"action": "REVERT_TRANSACTION", "data": {"id": 1, "metadata": {"why": "bulk"}}},
    ]
    done = v2.create_bulk(request={"ledger": LEDGER, "request_body": elements})
    assert done.status_code == 200
    results = done.v2_bulk_response.data
    assert [(r.response_type, r.log_id) for r in results] == [
        ("CREATE_TRANSACTION", 1),
        ("ADD_METADATA", 2),
        ("ADD_METADATA", 3),
        ("DELETE_METADATA", 4),
        ("REVERT_TRANSACTION", 5),
    ]
    assert moves(results[0].data) == [("world", "users:1", 100, "USD/2")]
    assert moves(results[4].data) == [("users:1", "world", 100, "USD/2")]
    assert results[4].data.metadata == {"why": "bulk", "com.formance.spec/state/reverts": "1"}
    assert (transaction(sdk, 1).metadata, transaction(sdk, 1).reverted) == ({"m": "x"}, True)
    assert account(sdk, "users:1").metadata == {"k": "v"}
    assert stats(sdk) == (2, 2)

    credit, overdraft = create(("world", "users:3", 5, "USD/2")), create(("users:2", "shop", 5, "USD/2"))
    # Without continueOnFailure, what follows a failed element is not run; what preceded it stays.
    stopped = v2.create_bulk(request={"ledger": LEDGER, "request_body": [credit, overdraft, credit]})
    assert stopped.status_code == 400
    first, failed, skipped = stopped.v2_bulk_response.data
    assert (first.response_type, first.data.id) == ("CREATE_TRANSACTION", 3)
    assert (failed.response_type, failed.error_code, failed.log_id) == ("ERROR", "INSUFFICIENT_FUND", 0)
    assert (skipped.response_type, skipped.error_description) == ("ERROR", "context canceled")
    assert stats(sdk) == (3, 3)

    # Atomic: every element runs (continueOnFailure), then one failure rolls them all back.
    all_or_nothing = {"atomic": True, "continue_on_failure": True}
    atomic = v2.create_bulk(request={"ledger": LEDGER, "request_body": [credit, overdraft, credit], **all_or_nothing})
    assert atomic.status_code == 400
    kinds = [r.response_type for r in atomic.v2_bulk_response.data]
    assert kinds == ["CREATE_TRANSACTION", "ERROR", "CREATE_TRANSACTION"]
    assert stats(sdk) == (3, 3)
    assert balances(account(sdk, "users:3", expand="volumes").volumes) == {"USD/2": (5, 0, 5)}
    too_many = {"ledger": LEDGER, "request_body": [credit] * 101}
    refused(lambda: v2.create_bulk(request=too_many), 413, "BULK_SIZE_EXCEEDED")
    assert stats(sdk) == (3, 3)


def test_schemas_their_transaction_templates_and_query_templates(sdk: SDK, open_mock: RunningMock) -> None:
    v2 = sdk.ledger.v2
    insert = {"ledger": LEDGER, "version": "v1", "v2_schema_data": SCHEMA, "idempotency_key": "schema-1"}
    inserted = v2.insert_schema(request=insert)
    assert inserted.status_code == 204 and "idempotency-hit" not in inserted.raw_response.headers
    assert v2.insert_schema(request=insert).raw_response.headers["idempotency-hit"] == "true"
    advance(open_mock, 60)
    v2.insert_schema(request={"ledger": LEDGER, "version": "v2", "v2_schema_data": {"chart": {"bank": {}}}})
    again = {"ledger": LEDGER, "version": "v1", "v2_schema_data": SCHEMA}
    refused(lambda: v2.insert_schema(request=again), 409, "SCHEMA_ALREADY_EXISTS")

    schema = v2.get_schema(request={"ledger": LEDGER, "version": "v1"}).v2_schema_response.data
    assert schema.version == "v1" and schema.transactions["DEPOSIT"].script == DEPOSIT
    assert schema.chart["users"].additional_properties["$userID"].dot_pattern == "^[0-9]+$"
    assert schema.queries["USER_TRANSACTIONS"].body == {"$match": {"account": "$user"}}
    newest = v2.list_schemas(request={"ledger": LEDGER}).v2_schemas_cursor_response.cursor.data
    assert [s.version for s in newest] == ["v2", "v1"]
    oldest = v2.list_schemas(request={"ledger": LEDGER, "order": "asc"}).v2_schemas_cursor_response.cursor.data
    assert [s.version for s in oldest] == ["v1", "v2"]
    refused(lambda: v2.get_schema(request={"ledger": LEDGER, "version": "v9"}), 404, "NOT_FOUND")

    # v1's transaction template, run with schemaVersion: its postings, and the chart's default metadata.
    for user, amount in (("users:001", "USD/2 500"), ("users:002", "USD/2 70"), ("users:001", "USD/2 30")):
        body = {"script": {"template": "DEPOSIT", "vars": {"user": user, "amount": amount}}, "metadata": {}}
        v2.create_transaction(request={"ledger": LEDGER, "schema_version": "v1", "v2_post_transaction": body})
    first = transaction(sdk, 1)
    assert moves(first) == [("world", "users:001", 500, "USD/2")] and first.template == "DEPOSIT"
    assert account(sdk, "users:001").metadata == {"tier": "bronze"}
    logs = v2.list_logs(request={"ledger": LEDGER, "request_body": {}, "sort": "id:asc"})
    assert [log.type.value for log in logs.v2_logs_cursor_response.cursor.data][:3] == [
        "INSERTED_SCHEMA",
        "INSERTED_SCHEMA",
        "NEW_TRANSACTION",
    ]

    # v1's query template: the transactions of one user, newest first, a page at a time.
    def run(body: dict[str, Any]) -> Any:
        request = {"ledger": LEDGER, "id": "USER_TRANSACTIONS", "schema_version": "v1", "request_body": body}
        reply = v2.run_query(request=request)
        assert reply.raw_response.json()["resource"] == "transactions"
        return reply.one_of.cursor

    page = run({"vars": {"user": "users:001"}, "params": {"resource": "transactions", "page_size": 1}})
    assert [tx.id for tx in page.data] == [3] and page.has_more is True and page.page_size == 1
    following = run({"cursor": page.next})
    assert [tx.id for tx in following.data] == [1] and following.has_more is False
    assert [moves(tx) for tx in run({"vars": {"user": "users:002"}}).data] == [[("world", "users:002", 70, "USD/2")]]
    unknown = {"ledger": LEDGER, "id": "NOPE", "schema_version": "v1", "request_body": {}}
    refused(lambda: v2.run_query(request=unknown), 400, "VALIDATION")


def test_a_deleted_bucket_hides_its_ledgers_until_restored(sdk: SDK) -> None:
    v2 = sdk.ledger.v2
    v2.create_ledger(request={"ledger": "archive", "v2_create_ledger_request": {"bucket": "cold"}})
    book(sdk, ("world", "users:1", 10, "USD/2"), ledger="archive")
    assert v2.delete_bucket(request={"bucket": "cold"}).status_code == 204
    refused(lambda: v2.get_ledger(request={"ledger": "archive"}), 404, "NOT_FOUND")
    refused(lambda: stats(sdk, "archive"), 404, "LEDGER_NOT_FOUND")
    live = [item.name for item in v2.list_ledgers(request={"request_body": {}}).v2_ledger_list_response.cursor.data]
    assert "archive" not in live and LEDGER in live
    every = v2.list_ledgers(request={"request_body": {}, "include_deleted": True}).v2_ledger_list_response.cursor
    [deleted] = [item for item in every.data if item.name == "archive"]
    assert deleted.deleted_at is not None
    same_name = {"ledger": "archive", "v2_create_ledger_request": {}}
    refused(lambda: v2.create_ledger(request=same_name), 400, "LEDGER_ALREADY_EXISTS")

    assert v2.restore_bucket(request={"bucket": "cold"}).status_code == 204
    assert "deletedAt" not in v2.get_ledger(request={"ledger": "archive"}).raw_response.json()["data"]
    assert stats(sdk, "archive") == (1, 2)  # its transaction and accounts are back


def test_logs_exported_then_imported_rebuild_the_ledger(sdk: SDK) -> None:
    v2 = sdk.ledger.v2
    book(sdk, ("world", "users:1", 100, "USD/2"), reference="r-1", metadata={"order": "o-1"})
    book(sdk, ("users:1", "shop", 40, "USD/2"))
    v2.add_metadata_to_account(request={"ledger": LEDGER, "address": "shop", "request_body": {"kind": "store"}})
    v2.revert_transaction(request={"ledger": LEDGER, "id": 2})
    exported = v2.export_logs(request={"ledger": LEDGER})
    assert exported.status_code == 200
    stream = exported.raw_response.content
    assert [orjson.loads(line)["type"] for line in stream.splitlines()] == [
        "NEW_TRANSACTION",
        "NEW_TRANSACTION",
        "SET_METADATA",
        "REVERTED_TRANSACTION",
    ]  # oldest first, one JSON object a line

    v2.create_ledger(request={"ledger": "copy", "v2_create_ledger_request": {}})
    assert v2.import_logs(request={"ledger": "copy", "v2_import_logs_request": stream}).status_code == 204

    def everything(ledger: str) -> tuple[Any, ...]:
        txs = v2.list_transactions(request={"ledger": ledger, "request_body": {}}).v2_transactions_cursor_response
        accounts = v2.list_accounts(request={"ledger": ledger, "request_body": {}, "expand": "volumes"})
        logs = v2.list_logs(request={"ledger": ledger, "request_body": {}}).v2_logs_cursor_response
        return (
            [(t.id, moves(t), t.metadata, t.reference, t.reverted, t.timestamp) for t in txs.cursor.data],
            [(a.address, a.metadata, balances(a.volumes)) for a in accounts.v2_accounts_cursor_response.cursor.data],
            [(log.id, log.type, log.hash) for log in logs.cursor.data],
        )

    assert everything("copy") == everything(LEDGER)  # the same transactions, balances and hash chain
    assert book(sdk, ("world", "users:2", 1, "USD/2"), ledger="copy").id == 4  # ids go on after the import
    written = {"ledger": "copy", "v2_import_logs_request": stream}
    refused(lambda: v2.import_logs(request=written), 400, "IMPORT")  # a ledger written to is not importable


def test_ledger_info_and_metrics(sdk: SDK) -> None:
    info = sdk.ledger.v2.get_ledger_info(request={"ledger": LEDGER}).v2_ledger_info_response.data
    assert info.name == LEDGER
    migrations = info.storage.migrations
    assert [m.version for m in migrations] == [str(n) for n in range(1, 52)]  # v2.4.6's 51 migrations
    assert {m.state.value for m in migrations} == {"DONE"}
    refused(lambda: sdk.ledger.v2.get_ledger_info(request={"ledger": "nowhere"}), 404, "LEDGER_NOT_FOUND")

    metrics = sdk.ledger.v2.get_metrics().object
    assert {"Resource", "ScopeMetrics"} <= set(metrics) and isinstance(metrics["ScopeMetrics"], list)
