"""``POST /v2/{ledger}/_bulk`` over HTTP: elements, results, options, sizes, errors, events."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.ledger.errors import LedgerError
from tests.ledger.support_admin import Ledger, error, make_app


@pytest.fixture
def api() -> Ledger:
    client = Ledger(make_app())
    client.create("main")
    return client


@pytest.fixture
def real() -> Ledger:
    client = Ledger(make_app(quirks="real"))
    client.create("main")
    return client


def create(destination: str, amount: int = 100, *, source: str = "world", **data: Any) -> dict[str, Any]:
    posting = {"source": source, "destination": destination, "amount": amount, "asset": "USD"}
    return {"action": "CREATE_TRANSACTION", "data": {"metadata": {}, "postings": [posting], **data}}


def test_the_four_actions_answer_in_order_with_their_log_ids(api: Ledger) -> None:
    elements = [
        create("alice"),
        {"action": "ADD_METADATA", "data": {"targetType": "TRANSACTION", "targetId": 1, "metadata": {"a": "b"}}},
        {"action": "REVERT_TRANSACTION", "data": {"id": 1, "metadata": {"why": "test"}}},
        {"action": "DELETE_METADATA", "data": {"targetType": "TRANSACTION", "targetId": 1, "key": "a"}},
        {"action": "ADD_METADATA", "data": {"targetType": "ACCOUNT", "targetId": "bob", "metadata": {"c": "d"}}},
        {"action": "DELETE_METADATA", "data": {"targetType": "ACCOUNT", "targetId": "bob", "key": "c"}},
    ]
    reply = api.post("/main/_bulk", json=elements)
    assert reply.status_code == 200, reply.text
    results = reply.json()["data"]
    assert [r["responseType"] for r in results] == [e["action"] for e in elements]
    assert [r["logID"] for r in results] == [1, 2, 3, 4, 5, 6]
    assert results[0]["data"]["id"] == 1 and results[0]["data"]["postCommitVolumes"]["alice"]["USD"]["balance"] == 100
    revert = results[2]["data"]
    assert revert["id"] == 2
    assert revert["metadata"] == {"why": "test", "com.formance.spec/state/reverts": "1"}
    assert "data" not in results[1] and "data" not in results[3] and "errorCode" not in results[1]
    assert api.get("/main/transactions/1").json()["data"]["reverted"] is True
    types = [e["type"] for e in api.events()]
    assert types == [
        "COMMITTED_TRANSACTIONS",
        "SAVED_METADATA",
        "REVERTED_TRANSACTION",
        "DELETED_METADATA",
        "SAVED_METADATA",
        "DELETED_METADATA",
    ]


def test_a_failed_element_makes_the_bulk_400_and_the_following_ones_are_not_run(api: Ledger) -> None:
    reply = api.post("/main/_bulk", json=[create("alice"), create("bob", source="nobody"), create("carol")])
    assert reply.status_code == 400
    first, failed, skipped = reply.json()["data"]
    assert first["responseType"] == "CREATE_TRANSACTION"
    assert failed == {
        "errorCode": "INSUFFICIENT_FUND",
        "errorDescription": "unexpected error while forging log: failed to execute program: failed to execute "
        "machine: account(s) @nobody had/have insufficient funds",
        "responseType": "ERROR",
        "logID": 0,
    }
    assert skipped == {
        "errorCode": "INTERNAL",
        "errorDescription": "context canceled",
        "responseType": "ERROR",
        "logID": 0,
    }
    assert api.get("/main/stats").json()["data"]["transactions"] == 1  # not atomic: the first stays
    assert [e["type"] for e in api.events()] == ["COMMITTED_TRANSACTIONS"]


def test_continue_on_failure_runs_every_element(api: Ledger) -> None:
    reply = api.post(
        "/main/_bulk",
        params={"continueOnFailure": "true"},
        json=[create("alice"), create("bob", source="nobody"), create("carol")],
    )
    assert reply.status_code == 400
    assert [r["responseType"] for r in reply.json()["data"]] == ["CREATE_TRANSACTION", "ERROR", "CREATE_TRANSACTION"]
    assert api.get("/main/stats").json()["data"]["transactions"] == 2


def test_parallel_runs_in_element_order(api: Ledger) -> None:
    elements = [create(f"user:{n}", amount=n + 1) for n in range(12)]
    reply = api.post("/main/_bulk", params={"parallel": "true"}, json=elements)
    assert reply.status_code == 200
    assert [r["data"]["postings"][0]["amount"] for r in reply.json()["data"]] == list(range(1, 13))


def test_more_than_100_elements_is_413(api: Ledger) -> None:
    assert api.post("/main/_bulk", json=[create("a", amount=1)] * 100).status_code == 200
    message = error(api.post("/main/_bulk", json=[create("a", amount=1)] * 101), 413, "BULK_SIZE_EXCEEDED")
    assert message == "bulk size exceeded, max size is 100"


def test_atomic_and_parallel_together_is_412(api: Ledger) -> None:
    reply = api.post("/main/_bulk", params={"atomic": "true", "parallel": "true"}, json=[create("a")])
    message = error(reply, 412, "VALIDATION")
    assert message == "validating bulk options: atomic and parallel options are mutually exclusive"
    assert api.get("/main/stats").json()["data"]["transactions"] == 0


def test_an_unknown_action_refuses_the_whole_bulk(api: Ledger) -> None:
    reply = api.post("/main/_bulk", json=[create("a"), {"action": "TELEPORT", "data": {}}])
    error(reply, 400, "VALIDATION")  # the spec refuses it first; the service's own text:
    with pytest.raises(LedgerError) as caught:
        api.service.create_bulk("main", [create("a"), {"action": "TELEPORT", "data": {}}])
    assert (caught.value.status, caught.value.message) == (400, "error parsing element: json: Unmarshal(nil)")
    assert api.get("/main/stats").json()["data"]["transactions"] == 0


def test_an_unknown_ledger_is_404(api: Ledger) -> None:
    assert error(api.post("/nowhere/_bulk", json=[create("a")]), 404, "LEDGER_NOT_FOUND") == "not found"


def test_idempotency_keys_replay_per_element(api: Ledger) -> None:
    first = api.post("/main/_bulk", json=[{**create("alice"), "ik": "k1"}]).json()["data"][0]
    again = api.post("/main/_bulk", json=[{**create("alice"), "ik": "k1"}])
    assert again.status_code == 200 and "Idempotency-Hit" not in again.headers
    assert again.json()["data"][0] == first  # same transaction, same log id
    assert api.get("/main/stats").json()["data"]["transactions"] == 1


def test_posting_mistakes_fail_their_element_only(api: Ledger, real: Ledger) -> None:
    bad = create("alice", amount=-1)
    spec_result = api.post("/main/_bulk", json=[bad]).json()["data"][0]
    real_result = real.post("/main/_bulk", json=[bad]).json()["data"][0]
    assert (
        spec_result["errorDescription"] == real_result["errorDescription"] == "error parsing element: negative amount"
    )
    # The release maps every error but its seven kept codes to INTERNAL, and the spec declares just that.
    assert spec_result["errorCode"] == real_result["errorCode"] == "INTERNAL"


@pytest.mark.parametrize(
    ("element", "description"),
    [
        (
            {"action": "REVERT_TRANSACTION", "data": {"id": 42}},
            "unexpected error while forging log: not found",
        ),
        (
            {"action": "ADD_METADATA", "data": {"targetType": "TRANSACTION", "targetId": 9, "metadata": {}}},
            "unexpected error while forging log: not found",
        ),
        (
            {"action": "ADD_METADATA", "data": {"targetType": "LEDGER", "targetId": "x", "metadata": {}}},
            "invalid target type: LEDGER",
        ),
        (
            {"action": "DELETE_METADATA", "data": {"targetType": "LEDGER", "targetId": "x", "key": "k"}},
            "unsupported target type: LEDGER",
        ),
        (
            {"action": "ADD_METADATA", "data": {"targetType": "ACCOUNT", "targetId": 12, "metadata": {}}},
            "json: cannot unmarshal number into Go value of type string",
        ),
        (
            {"action": "DELETE_METADATA", "data": {"targetType": "TRANSACTION", "targetId": "1", "key": "k"}},
            "json: cannot unmarshal string into Go value of type uint64",
        ),
    ],
)
def test_element_errors_are_the_releases_internal_in_both_modes(
    api: Ledger, real: Ledger, element: dict[str, Any], description: str
) -> None:
    for client, code in ((api, "INTERNAL"), (real, "INTERNAL")):
        reply = client.post("/main/_bulk", json=[element])
        assert reply.status_code == 400
        result = reply.json()["data"][0]
        assert (result["errorCode"], result["errorDescription"], result["responseType"]) == (code, description, "ERROR")


def test_an_already_reverted_transaction_and_an_idempotency_mismatch(api: Ledger, real: Ledger) -> None:
    for client in (api, real):
        client.post(
            "/main/_bulk", json=[{**create("alice"), "ik": "same"}, {"action": "REVERT_TRANSACTION", "data": {"id": 1}}]
        )
        again = client.post(
            "/main/_bulk",
            params={"continueOnFailure": "true"},
            json=[{"action": "REVERT_TRANSACTION", "data": {"id": 1}}, {**create("bob"), "ik": "same"}],
        ).json()["data"]
        assert again[0]["errorDescription"] == "unexpected error while forging log: already reverted, id: 1"
        assert again[1]["errorDescription"].startswith("invalid idempotency hash when using idempotency key 'same'")
    assert [
        r["errorCode"]
        for r in api.post("/main/_bulk", json=[{"action": "REVERT_TRANSACTION", "data": {"id": 1}}]).json()["data"]
    ] == ["INTERNAL"]
    codes = [
        r["errorCode"]
        for r in real.post("/main/_bulk", json=[{"action": "REVERT_TRANSACTION", "data": {"id": 1}}]).json()["data"]
    ]
    assert codes == ["INTERNAL"]


def test_kept_codes_are_the_same_in_both_modes(api: Ledger, real: Ledger) -> None:
    for client in (api, real):
        client.send("main", "alice", reference="r1")
        results = client.post(
            "/main/_bulk",
            params={"continueOnFailure": "true"},
            json=[
                create("bob", reference="r1"),
                create("carol", source="nobody"),
                {"action": "CREATE_TRANSACTION", "data": {"metadata": {}}},
            ],
        ).json()["data"]
        assert [r["errorCode"] for r in results] == ["CONFLICT", "INSUFFICIENT_FUND", "NO_POSTINGS"]
        assert (
            results[2]["errorDescription"]
            == "unexpected error while forging log: numscript execution returned no postings"
        )


def test_postings_win_over_a_script_in_an_element(api: Ledger) -> None:
    element = create("alice")
    element["data"]["script"] = {"plain": "this is not numscript"}
    reply = api.post("/main/_bulk", json=[element])
    assert reply.status_code == 200
    assert reply.json()["data"][0]["data"]["postings"][0]["destination"] == "alice"


def test_a_script_element_runs_numscript_and_force_lets_a_source_go_negative(api: Ledger) -> None:
    script = "send [USD 7] (\n  source = @world\n  destination = @alice\n)\n"
    forced = create("bob", amount=5, source="alice:empty", force=True)
    reply = api.post(
        "/main/_bulk",
        json=[
            {"action": "CREATE_TRANSACTION", "data": {"metadata": {}, "script": {"plain": script, "vars": {}}}},
            forced,
        ],
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["data"][0]["data"]["postings"][0]["amount"] == 7
    assert (
        api.get("/main/accounts/alice:empty", params={"expand": "volumes"}).json()["data"]["volumes"]["USD"]["balance"]
        == -5
    )


def test_the_body_must_decode(api: Ledger) -> None:
    reply = api.post("/main/_bulk", json=[{"action": "REVERT_TRANSACTION", "data": {"id": 1, "force": "yes"}}])
    message = error(reply, 400, "VALIDATION")
    assert "force" in message


@pytest.mark.parametrize("mode", ["audit", "strict"])
def test_a_bulk_runs_every_element_under_its_schema_version(mode: str) -> None:
    client = Ledger(make_app(schema_enforcement=mode))
    client.create("main")
    assert client.post("/main/schemas/v1", json={"chart": {"world": {}, "bank": {}}}).status_code == 204
    results = client.post("/main/_bulk", params={"schemaVersion": "v1"}, json=[create("nobody", amount=1)]).json()[
        "data"
    ]
    if mode == "strict":
        assert results[0]["errorCode"] == "INTERNAL"  # as the release: not one of the seven codes it keeps
        assert results[0]["errorDescription"].endswith("account `nobody` is not defined in the chart of accounts")
    else:  # audit: the violation is not an error; the log keeps the version
        assert results[0]["responseType"] == "CREATE_TRANSACTION"
        assert client.book("main").logs[results[0]["logID"]].schema_version == "v1"
    unknown = client.post("/main/_bulk", params={"schemaVersion": "v9"}, json=[create("bank")]).json()["data"][0]
    assert unknown["errorCode"] == "INTERNAL"  # as the release
