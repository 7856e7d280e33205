"""The official formance-sdk-python, unchanged, against the mock's ledger v2: what each call
returns and the state it leaves, read back through other calls of the SDK.

Ledgers, transactions (postings and Numscript), idempotency, reverts, metadata, accounts and
their volumes, counts, aggregates, logs and the server's info. The administrative operations
(bulk, schemas, queries, exporters, pipelines, buckets, logs import and export, ledger info,
metrics) are in test_official_sdk_ledger_admin.py and test_official_sdk_ledger_exporters.py.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

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
from tests.support import RunningMock

# A split payout, like the README's Numscript example and the demo's transaction 3.
SPLIT = """vars {
  monetary $amount
}
send $amount (
  source = @users:alice
  destination = {
    80% to @merchants:42
    remaining to @platform:fees
  }
)
set_tx_meta("kind", "split")
"""


@pytest.fixture
def sdk(mock_server: RunningMock) -> Iterator[SDK]:
    with ledger_sdk(mock_server, "sdk-ledger") as client:
        yield client


def test_ledgers_create_read_list_and_their_metadata(sdk: SDK) -> None:
    v2 = sdk.ledger.v2
    created = v2.create_ledger(
        request={"ledger": "archive", "v2_create_ledger_request": {"bucket": "cold", "metadata": {"team": "pay"}}}
    )
    assert created.status_code == 204
    ledger = v2.get_ledger(request={"ledger": "archive"}).v2_get_ledger_response.data
    assert (ledger.name, ledger.bucket, ledger.metadata) == ("archive", "cold", {"team": "pay"})
    assert ledger.features["HASH_LOGS"] == "SYNC" and len(ledger.features) == 5  # the defaults, all five
    shop = v2.get_ledger(request={"ledger": LEDGER}).v2_get_ledger_response.data
    assert (shop.bucket, shop.metadata) == ("_default", {}) and ledger.id == shop.id + 1

    listed = v2.list_ledgers(request={"request_body": {}}).v2_ledger_list_response.cursor
    assert [item.name for item in listed.data][-2:] == [LEDGER, "archive"] and listed.has_more is False
    assert [item.id for item in listed.data] == sorted(item.id for item in listed.data)
    in_bucket = v2.list_ledgers(request={"request_body": {"$match": {"bucket": "cold"}}})
    assert [item.name for item in in_bucket.v2_ledger_list_response.cursor.data] == ["archive"]

    v2.update_ledger_metadata(request={"ledger": "archive", "request_body": {"region": "eu", "team": "ops"}})
    assert v2.get_ledger(request={"ledger": "archive"}).v2_get_ledger_response.data.metadata == {
        "team": "ops",
        "region": "eu",
    }
    v2.delete_ledger_metadata(request={"ledger": "archive", "key": "team"})
    assert v2.get_ledger(request={"ledger": "archive"}).v2_get_ledger_response.data.metadata == {"region": "eu"}

    again = {"ledger": "archive", "v2_create_ledger_request": {"bucket": "other"}}
    refused(lambda: v2.create_ledger(request=again), 400, "LEDGER_ALREADY_EXISTS")
    refused(lambda: v2.get_ledger(request={"ledger": "nowhere"}), 404, "NOT_FOUND")
    refused(lambda: v2.read_stats(request={"ledger": "nowhere"}), 404, "LEDGER_NOT_FOUND")


def test_postings_and_a_numscript_split_book_and_read_back(sdk: SDK) -> None:
    v2 = sdk.ledger.v2
    deposit = book(sdk, ("world", "users:alice", 5000, "EUR/2"), reference="dep-1", metadata={"order": "o-1"})
    assert (deposit.id, deposit.reference, deposit.metadata, deposit.reverted) == (1, "dep-1", {"order": "o-1"}, False)
    assert balances(deposit.post_commit_volumes["users:alice"]) == {"EUR/2": (5000, 0, 5000)}
    assert balances(deposit.pre_commit_volumes["world"]) == {"EUR/2": (0, 0, 0)}

    script = {"script": {"plain": SPLIT, "vars": {"amount": "EUR/2 1000"}}, "metadata": {"payout": "p-1"}}
    split = v2.create_transaction(request={"ledger": LEDGER, "v2_post_transaction": script})
    payout = split.v2_create_transaction_response.data
    assert payout.id == 2 and moves(payout) == [
        ("users:alice", "merchants:42", 800, "EUR/2"),
        ("users:alice", "platform:fees", 200, "EUR/2"),
    ]
    assert payout.metadata == {"payout": "p-1", "kind": "split"}  # the body's and set_tx_meta's

    read = transaction(sdk, 2)
    assert (read.id, moves(read), read.metadata) == (2, moves(payout), payout.metadata)
    assert read.timestamp == read.inserted_at == payout.timestamp
    assert read.post_commit_volumes is None  # volumes only on request
    expanded = transaction(sdk, 2, expand="volumes")
    assert balances(expanded.post_commit_volumes["users:alice"]) == {"EUR/2": (5000, 1000, 4000)}

    alice = account(sdk, "users:alice", expand="volumes")
    assert alice.address == "users:alice" and balances(alice.volumes) == {"EUR/2": (5000, 1000, 4000)}
    assert account(sdk, "users:alice").volumes is None
    both = account(sdk, "users:alice", expand="volumes,effectiveVolumes")  # one read takes the value whole
    assert both.volumes is None and both.effective_volumes is None
    assert transaction(sdk, 2, expand="volumes,effectiveVolumes").post_commit_volumes is None
    assert balances(account(sdk, "merchants:42", expand="effectiveVolumes").effective_volumes) == {
        "EUR/2": (800, 0, 800)
    }
    refused(lambda: account(sdk, "users:nobody"), 404, "NOT_FOUND")
    refused(lambda: transaction(sdk, 3), 404, "NOT_FOUND")

    assert stats(sdk) == (2, 4)  # world, alice, the merchant and the fees
    counted = v2.count_transactions(request={"ledger": LEDGER, "request_body": {}})
    assert counted.status_code == 204 and counted.headers["count"] == ["2"]
    users = v2.count_accounts(request={"ledger": LEDGER, "request_body": {"$match": {"address": "users:"}}})
    assert users.headers["count"] == ["1"]


def test_lists_volumes_and_aggregated_balances(sdk: SDK) -> None:
    v2 = sdk.ledger.v2
    for n in range(1, 4):
        book(sdk, ("world", f"users:{n}", 100 * n, "USD/2"), metadata={"n": str(n)})
    book(sdk, ("world", "users:1", 7, "EUR/2"))

    first = v2.list_transactions(request={"ledger": LEDGER, "request_body": {}, "page_size": 3})
    page = first.v2_transactions_cursor_response.cursor
    assert [tx.id for tx in page.data] == [4, 3, 2] and page.has_more and page.page_size == 3  # newest first
    rest = v2.list_transactions(request={"ledger": LEDGER, "request_body": {}, "cursor": page.next})
    assert [tx.id for tx in rest.v2_transactions_cursor_response.cursor.data] == [1]
    matched = v2.list_transactions(request={"ledger": LEDGER, "request_body": {"$match": {"metadata[n]": "2"}}})
    assert [moves(tx) for tx in matched.v2_transactions_cursor_response.cursor.data] == [
        [("world", "users:2", 200, "USD/2")]
    ]

    listed = v2.list_accounts(request={"ledger": LEDGER, "request_body": {}, "expand": "volumes"})
    rows = {a.address: balances(a.volumes) for a in listed.v2_accounts_cursor_response.cursor.data}
    assert rows == {
        "users:1": {"USD/2": (100, 0, 100), "EUR/2": (7, 0, 7)},
        "users:2": {"USD/2": (200, 0, 200)},
        "users:3": {"USD/2": (300, 0, 300)},
        "world": {"USD/2": (0, 600, -600), "EUR/2": (0, 7, -7)},
    }

    volumes = v2.get_volumes_with_balances(request={"ledger": LEDGER, "request_body": {}})
    rows = volumes.v2_volumes_with_balance_cursor_response.cursor.data
    assert [(r.account, r.asset, r.input, r.output, r.balance) for r in rows] == [
        ("users:1", "EUR/2", 7, 0, 7),
        ("users:1", "USD/2", 100, 0, 100),
        ("users:2", "USD/2", 200, 0, 200),
        ("users:3", "USD/2", 300, 0, 300),
        ("world", "EUR/2", 0, 7, -7),
        ("world", "USD/2", 0, 600, -600),
    ]
    grouped = v2.get_volumes_with_balances(request={"ledger": LEDGER, "request_body": {}, "group_by": 1})
    assert [(r.account, r.asset, r.balance) for r in grouped.v2_volumes_with_balance_cursor_response.cursor.data] == [
        ("users", "EUR/2", 7),
        ("users", "USD/2", 600),
        ("world", "EUR/2", -7),
        ("world", "USD/2", -600),
    ]

    def aggregated(body: dict[str, Any]) -> dict[str, int]:
        reply = v2.get_balances_aggregated(request={"ledger": LEDGER, "request_body": body})
        return reply.v2_aggregate_balances_response.data

    assert aggregated({"$match": {"address": "users:"}}) == {"USD/2": 600, "EUR/2": 7}
    assert aggregated({}) == {"USD/2": 0, "EUR/2": 0}  # world included: every asset sums to zero
    assert aggregated({"$match": {"address": "merchants:"}}) == {}


def test_idempotency_key_replays_the_first_answer_once_booked(sdk: SDK) -> None:
    v2 = sdk.ledger.v2
    body = {"postings": [posting("world", "users:1", 100, "USD/2")], "metadata": {}}
    request = {"ledger": LEDGER, "v2_post_transaction": body, "idempotency_key": "pay-1"}
    first = v2.create_transaction(request=request)
    again = v2.create_transaction(request=request)
    assert "idempotency-hit" not in first.raw_response.headers
    assert again.raw_response.headers["idempotency-hit"] == "true"
    assert again.v2_create_transaction_response.data == first.v2_create_transaction_response.data
    assert stats(sdk) == (1, 2)
    assert balances(account(sdk, "users:1", expand="volumes").volumes) == {"USD/2": (100, 0, 100)}
    logs = v2.list_logs(request={"ledger": LEDGER, "request_body": {}})
    [log] = logs.raw_response.json()["cursor"]["data"]  # the SDK's V2Log leaves idempotencyKey out
    assert (log["type"], log["idempotencyKey"]) == ("NEW_TRANSACTION", "pay-1")

    other = {**request, "v2_post_transaction": {**body, "metadata": {"changed": "yes"}}}
    error = refused(lambda: v2.create_transaction(request=other), 400, "VALIDATION")
    assert "idempotency" in error.error_message
    metadata = {"ledger": LEDGER, "id": 1, "request_body": {"a": "1"}, "idempotency_key": "meta-1"}
    assert "idempotency-hit" not in v2.add_metadata_on_transaction(request=metadata).raw_response.headers
    replayed = v2.add_metadata_on_transaction(request=metadata)
    assert replayed.status_code == 204 and replayed.raw_response.headers["idempotency-hit"] == "true"


def test_reverts_book_the_opposite_transaction_once(sdk: SDK, mock_server: RunningMock) -> None:
    v2 = sdk.ledger.v2
    deposit = book(sdk, ("world", "users:1", 500, "USD/2"))
    advance(mock_server, 60)
    sale = book(sdk, ("users:1", "shop:main", 120, "USD/2"), ("users:1", "shop:fees", 30, "USD/2"), reference="s-1")
    advance(mock_server, 60)
    request = {
        "ledger": LEDGER,
        "id": sale.id,
        "v2_revert_transaction_request": {"metadata": {"why": "refund"}},
        "idempotency_key": "refund-1",
    }
    reverted = v2.revert_transaction(request=request)
    assert reverted.status_code == 201 and "idempotency-hit" not in reverted.raw_response.headers
    revert = reverted.v2_create_transaction_response.data
    assert revert.id == 3 and revert.reference is None and revert.timestamp > sale.timestamp  # dated now
    assert moves(revert) == [("shop:fees", "users:1", 30, "USD/2"), ("shop:main", "users:1", 120, "USD/2")]
    assert revert.metadata == {"why": "refund", "com.formance.spec/state/reverts": "2"}
    replayed = v2.revert_transaction(request=request)
    assert replayed.status_code == 201 and replayed.raw_response.headers["idempotency-hit"] == "true"
    assert replayed.v2_create_transaction_response.data == revert

    original = transaction(sdk, sale.id)
    assert (original.reverted, original.reverted_at, original.metadata) == (True, revert.inserted_at, {})
    assert transaction(sdk, 3).reverted is False
    assert stats(sdk) == (3, 4)
    assert balances(account(sdk, "users:1", expand="volumes").volumes) == {"USD/2": (650, 150, 500)}
    assert balances(account(sdk, "shop:main", expand="volumes").volumes) == {"USD/2": (120, 120, 0)}
    refused(lambda: v2.revert_transaction(request={"ledger": LEDGER, "id": sale.id}), 400, "ALREADY_REVERT")
    refused(lambda: v2.revert_transaction(request={"ledger": LEDGER, "id": 99}), 404, "NOT_FOUND")

    # users:1 spent what it received: reverting the deposit needs force.
    book(sdk, ("users:1", "shop:main", 400, "USD/2"))
    refused(lambda: v2.revert_transaction(request={"ledger": LEDGER, "id": 1}), 400, "INSUFFICIENT_FUND")
    forced = v2.revert_transaction(request={"ledger": LEDGER, "id": 1, "force": True, "at_effective_date": True})
    back = forced.v2_create_transaction_response.data
    assert moves(back) == [("users:1", "world", 500, "USD/2")]
    assert back.timestamp == deposit.timestamp < back.inserted_at  # dated as the original, inserted now
    assert balances(account(sdk, "users:1", expand="volumes").volumes) == {"USD/2": (650, 1050, -400)}


def test_metadata_on_transactions_and_accounts_and_the_log_of_every_write(sdk: SDK) -> None:
    v2 = sdk.ledger.v2
    book(sdk, ("world", "users:1", 10, "USD/2"), metadata={"order": "o-1"})
    v2.add_metadata_on_transaction(request={"ledger": LEDGER, "id": 1, "request_body": {"status": "paid"}})
    assert transaction(sdk, 1).metadata == {"order": "o-1", "status": "paid"}
    v2.delete_transaction_metadata(request={"ledger": LEDGER, "id": 1, "key": "order"})
    assert transaction(sdk, 1).metadata == {"status": "paid"}

    v2.add_metadata_to_account(request={"ledger": LEDGER, "address": "users:1", "request_body": {"tier": "gold"}})
    v2.add_metadata_to_account(request={"ledger": LEDGER, "address": "users:2", "request_body": {"tier": "new"}})
    assert account(sdk, "users:1").metadata == {"tier": "gold"}
    fresh = account(sdk, "users:2", expand="volumes")  # an account created by its metadata alone
    assert fresh.metadata == {"tier": "new"} and fresh.volumes is None  # no moves, no volumes
    v2.delete_account_metadata(request={"ledger": LEDGER, "address": "users:1", "key": "tier"})
    assert account(sdk, "users:1").metadata == {}
    gold = v2.list_accounts(request={"ledger": LEDGER, "request_body": {"$match": {"metadata[tier]": "new"}}})
    assert [a.address for a in gold.v2_accounts_cursor_response.cursor.data] == ["users:2"]
    assert stats(sdk) == (1, 3)

    logs = v2.list_logs(request={"ledger": LEDGER, "request_body": {}}).v2_logs_cursor_response.cursor.data
    assert [(log.id, log.type.value) for log in logs] == [
        (6, "DELETE_METADATA"),
        (5, "SET_METADATA"),
        (4, "SET_METADATA"),
        (3, "DELETE_METADATA"),
        (2, "SET_METADATA"),
        (1, "NEW_TRANSACTION"),
    ]  # newest first
    assert logs[-1].data.transaction.id == 1 and logs[-2].data.metadata == {"status": "paid"}
    assert (logs[0].data.target_type.value, logs[0].data.target_id, logs[0].data.key) == ("ACCOUNT", "users:1", "tier")
    hashes = [base64.b64decode(log.hash, validate=True) for log in logs]
    assert all(len(h) == 32 for h in hashes) and len(set(hashes)) == len(hashes)  # chained SHA-256
    oldest = v2.list_logs(request={"ledger": LEDGER, "request_body": {}, "page_size": 2, "sort": "id:asc"})
    assert [log.id for log in oldest.v2_logs_cursor_response.cursor.data] == [1, 2]


def test_refused_writes_and_dry_runs_leave_nothing(sdk: SDK) -> None:
    v2 = sdk.ledger.v2
    book(sdk, ("world", "users:1", 100, "USD/2"), reference="r-1")

    def write(body: dict[str, Any], **params: Any) -> Any:
        request = {"ledger": LEDGER, "v2_post_transaction": {"metadata": {}, **body}, **params}
        return lambda: v2.create_transaction(request=request)

    overdraft = {"postings": [posting("users:1", "shop", 101, "USD/2")]}
    refused(write(overdraft), 400, "INSUFFICIENT_FUND")
    refused(write({"postings": [posting("world", "users:1", 1, "USD/2")], "reference": "r-1"}), 409, "CONFLICT")
    refused(write({"postings": []}), 400, "NO_POSTINGS")
    refused(write({"script": {"plain": "send [USD/2 1] (", "vars": {}}}), 400, "COMPILATION_FAILED")
    refused(lambda: book(sdk, ("world", "x", 1, "USD/2"), ledger="nowhere"), 404, "LEDGER_NOT_FOUND")

    dry = write(overdraft, force=True, dry_run=True)()
    assert moves(dry.v2_create_transaction_response.data) == [("users:1", "shop", 101, "USD/2")]
    refused(lambda: account(sdk, "shop"), 404, "NOT_FOUND")
    assert stats(sdk) == (1, 2)
    assert balances(account(sdk, "users:1", expand="volumes").volumes) == {"USD/2": (100, 0, 100)}


def test_server_info(sdk: SDK) -> None:
    info = sdk.ledger.v2.get_info().v2_config_info
    assert (info.server, info.version) == ("ledger", "v2.4.6")
