"""The official formance-sdk-python, unchanged, decodes the mock's lists, counts and aggregates."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from formance_sdk_python import SDK
from formance_sdk_python.models import shared

from mockserver.testing import serve_mock


@pytest.fixture(scope="module")
def sdk() -> Iterator[SDK]:
    with (
        serve_mock(clock="manual", seed=0) as mock,
        SDK(server_url=mock.url, security=shared.Security(client_id="sdk", client_secret="s")) as client,
    ):
        v2 = client.ledger.v2
        v2.create_ledger(request={"ledger": "main", "v2_create_ledger_request": {}})
        for i in range(3):
            posting = {"source": "world", "destination": f"users:{i}", "amount": 10 * (i + 1), "asset": "USD/2"}
            v2.create_transaction(
                request={"ledger": "main", "v2_post_transaction": {"postings": [posting], "metadata": {"i": str(i)}}}
            )
        yield client


def test_transactions_accounts_and_counts(sdk: SDK) -> None:
    v2 = sdk.ledger.v2
    page = v2.list_transactions(
        request={"ledger": "main", "request_body": {}, "page_size": 2, "expand": "volumes"}
    ).v2_transactions_cursor_response.cursor
    assert [tx.id for tx in page.data] == [3, 2] and page.has_more is True and page.page_size == 2
    assert page.data[0].post_commit_volumes["users:2"]["USD/2"].balance == 30
    following = v2.list_transactions(request={"ledger": "main", "request_body": {}, "cursor": page.next})
    assert [tx.id for tx in following.v2_transactions_cursor_response.cursor.data] == [1]
    accounts = v2.list_accounts(
        request={"ledger": "main", "request_body": {"$match": {"address": "users:"}}}
    ).v2_accounts_cursor_response.cursor
    assert [a.address for a in accounts.data] == ["users:0", "users:1", "users:2"]
    counted = v2.count_transactions(request={"ledger": "main", "request_body": {"$match": {"metadata[i]": "1"}}})
    assert counted.headers["count"] == ["1"]


def test_volumes_balances_logs_and_ledgers(sdk: SDK) -> None:
    v2 = sdk.ledger.v2
    volumes = v2.get_volumes_with_balances(
        request={"ledger": "main", "request_body": {}, "group_by": 1}
    ).v2_volumes_with_balance_cursor_response.cursor.data
    assert [(row.account, row.balance) for row in volumes] == [("users", 60), ("world", -60)]
    balances = v2.get_balances_aggregated(
        request={"ledger": "main", "request_body": {"$match": {"address": "users:"}}}
    ).v2_aggregate_balances_response.data
    assert balances == {"USD/2": 60}
    logs = v2.list_logs(request={"ledger": "main", "request_body": {}}).v2_logs_cursor_response.cursor.data
    assert [log.id for log in logs] == [3, 2, 1] and logs[0].type.value == "NEW_TRANSACTION"
    assert logs[0].data.transaction.id == 3 and logs[0].data.account_metadata == {} and logs[0].hash
    ledgers = v2.list_ledgers(request={"request_body": {}}).v2_ledger_list_response.cursor.data
    assert [ledger.name for ledger in ledgers] == ["main"] and ledgers[0].bucket == "_default"
