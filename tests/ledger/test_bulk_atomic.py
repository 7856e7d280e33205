"""Atomic bulks: all or nothing. A failed one leaves the ledger exactly as it was (records,
volumes in both orders, logs and their hashes, idempotency keys, events), and a later write
behaves as if it never happened."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.core.bus import EventBus
from mockserver.core.clock import ManualClock
from mockserver.ledger.service import LedgerService
from tests.ledger.support_admin import Ledger, book_state, make_app

PAST = "2024-06-01T00:00:00Z"


def create(destination: str, amount: int = 100, *, source: str = "world", **data: Any) -> dict[str, Any]:
    posting = {"source": source, "destination": destination, "amount": amount, "asset": data.pop("asset", "USD")}
    return {"action": "CREATE_TRANSACTION", "data": {"metadata": {}, "postings": [posting], **data}}


def history(api: Ledger) -> None:
    """A ledger with something of everything a bulk can touch."""
    api.create("main")
    api.send("main", "alice", 500, reference="ref-1")
    api.send("main", "bob", 300, timestamp="2024-01-01T00:00:00Z")
    api.send("main", "bob", 50, source="alice", metadata={"note": "x"}, accountMetadata={"alice": {"tier": "gold"}})
    api.post("/main/transactions/3/metadata", json={"extra": "1"})
    api.post("/main/accounts/carol/metadata", json={"kind": "new"}, headers={"Idempotency-Key": "meta-1"})
    api.app.backend.clock.advance(60)
    api.send("main", "alice", 7, reference="ref-2")
    api.post("/main/transactions/4/revert")
    api.app.backend.clock.advance(60)


FAILING_BULK = [
    create("alice", 20, timestamp=PAST),  # back-dated: shifts the effective volumes of later moves
    create("dave", 5, asset="EUR", accountMetadata={"bob": {"vip": "yes"}, "erin": {"k": "v"}}, reference="ref-3"),
    create("alice", 3, asset="EUR", source="dave"),  # a new asset on an existing account
    {"action": "ADD_METADATA", "data": {"targetType": "TRANSACTION", "targetId": 3, "metadata": {"note": "y"}}},
    {"action": "DELETE_METADATA", "data": {"targetType": "TRANSACTION", "targetId": 3, "key": "extra"}},
    {"action": "ADD_METADATA", "data": {"targetType": "ACCOUNT", "targetId": "alice", "metadata": {"tier": "x"}}},
    {"action": "DELETE_METADATA", "data": {"targetType": "ACCOUNT", "targetId": "carol", "key": "kind"}},
    {"action": "REVERT_TRANSACTION", "data": {"id": 2, "atEffectiveDate": True}},
    {**create("frank", 1), "ik": "bulk-key"},
    {"action": "REVERT_TRANSACTION", "data": {"id": 9}},  # reverts a transaction of this very bulk
    create("zed", 10_000, source="bob"),  # fails: insufficient funds
]


def test_a_failed_atomic_bulk_leaves_the_ledger_byte_identical() -> None:
    api, twin = Ledger(make_app()), Ledger(make_app(slot="twin"))
    history(api)
    history(twin)
    before, events = book_state(api.book("main")), list(api.events())

    reply = api.post("/main/_bulk", params={"atomic": "true", "continueOnFailure": "true"}, json=FAILING_BULK)

    assert reply.status_code == 400
    results = reply.json()["data"]
    # the answer still lists every element's own result: the successes with data and log ids
    assert [r["responseType"] for r in results] == [e["action"] for e in FAILING_BULK[:-1]] + ["ERROR"]
    assert [r["logID"] for r in results] == [*range(8, 18), 0]
    assert results[-1]["errorCode"] == "INSUFFICIENT_FUND"
    assert book_state(api.book("main")) == before
    assert api.events() == events
    # what comes next is what would have come without the bulk: ids, volumes, log hashes
    for client in (api, twin):
        client.send("main", "alice", 1, timestamp=PAST, reference="ref-3")
        client.post("/main/_bulk", json=[{**create("frank", 2), "ik": "bulk-key"}])
    assert book_state(api.book("main")) == book_state(twin.book("main"))  # log bytes and hashes included


def test_without_continue_on_failure_the_rest_is_skipped_and_nothing_stays() -> None:
    api = Ledger(make_app())
    history(api)
    before = book_state(api.book("main"))
    reply = api.post(
        "/main/_bulk", params={"atomic": "true"}, json=[create("a"), create("b", source="nobody"), create("c")]
    )
    assert [r.get("errorDescription") for r in reply.json()["data"]][2] == "context canceled"
    assert book_state(api.book("main")) == before


def test_a_successful_atomic_bulk_commits_everything_and_then_publishes() -> None:
    api = Ledger(make_app())
    api.create("main")
    reply = api.post(
        "/main/_bulk",
        params={"atomic": "true"},
        json=[create("a"), create("b"), {"action": "REVERT_TRANSACTION", "data": {"id": 1}}],
    )
    assert reply.status_code == 200
    assert api.get("/main/stats").json()["data"] == {"transactions": 3, "accounts": 3}
    types = [e["type"] for e in api.events()]
    assert types == ["COMMITTED_TRANSACTIONS", "COMMITTED_TRANSACTIONS", "REVERTED_TRANSACTION"]
    assert api.book("main").info.state == "in-use"


def test_real_quirks_keep_the_ids_drawn_and_the_ledger_importable() -> None:
    api = Ledger(make_app(quirks="real"))
    api.create("main")
    api.post("/main/_bulk", params={"atomic": "true"}, json=[create("a"), create("b"), create("c", source="nobody")])
    assert api.get("/main/stats").json()["data"]["transactions"] == 0
    assert api.send("main", "a")["id"] == 3  # PostgreSQL sequences never roll back
    other = Ledger(make_app(quirks="real"))
    other.create("main")
    assert other.post("/main/_bulk", params={"atomic": "true"}, json=[create("a")]).status_code == 200
    assert other.book("main").info.state == "initializing"  # written below the release's state tracker


# --- the same, for any history and any bulk ---------------------------------------------------
ACCOUNTS = st.sampled_from(["world", "a", "b", "c:1", "c:2"])
TIMES = st.sampled_from([None, "2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z", "2030-01-01T00:00:00Z"])


@st.composite
def writes(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["create", "create", "create", "tx-meta", "account-meta", "revert", "delete-meta"]))
    if kind == "create":
        data: dict[str, Any] = {"metadata": {}, "force": True}
        data["postings"] = [
            {
                "source": draw(ACCOUNTS),
                "destination": draw(ACCOUNTS),
                "amount": draw(st.integers(0, 50)),
                "asset": draw(st.sampled_from(["USD", "EUR"])),
            }
            for _ in range(draw(st.integers(1, 3)))
        ]
        stamp = draw(TIMES)
        if stamp:
            data["timestamp"] = stamp
        return {"action": "CREATE_TRANSACTION", "data": data}
    target = draw(st.integers(1, 6))
    if kind == "tx-meta":
        return {
            "action": "ADD_METADATA",
            "data": {"targetType": "TRANSACTION", "targetId": target, "metadata": {"k": draw(st.sampled_from("xyz"))}},
        }
    if kind == "account-meta":
        return {
            "action": "ADD_METADATA",
            "data": {
                "targetType": "ACCOUNT",
                "targetId": draw(ACCOUNTS),
                "metadata": {"k": draw(st.sampled_from("xyz"))},
            },
        }
    if kind == "delete-meta":
        return {"action": "DELETE_METADATA", "data": {"targetType": "ACCOUNT", "targetId": draw(ACCOUNTS), "key": "k"}}
    return {
        "action": "REVERT_TRANSACTION",
        "data": {"id": target, "force": True, "atEffectiveDate": draw(st.booleans())},
    }


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(writes(), max_size=8), st.lists(writes(), min_size=1, max_size=8))
def test_any_failed_atomic_bulk_is_taken_back_exactly(
    earlier: list[dict[str, Any]], bulk: list[dict[str, Any]]
) -> None:
    service = LedgerService(clock=ManualClock(), bus=EventBus())
    service.create_ledger("main", {})
    service.create_bulk("main", earlier, continue_on_failure=True)
    service.clock.advance(1)
    book = service.ledgers.book("main")
    before, events = book_state(book), service.bus.recent()
    failing = [*bulk, {"action": "REVERT_TRANSACTION", "data": {"id": 10_000}}]
    answer = service.create_bulk("main", failing, atomic=True, continue_on_failure=True)
    assert answer.status == 400
    assert book_state(book) == before
    assert service.bus.recent() == events
