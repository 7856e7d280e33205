"""The wallets API in spec mode over HTTP: wallets, balances, credits and debits, as v2.1.5 answers them,
and what the ledger behind them shows (the chart of accounts, the metadata, the transactions)."""

from __future__ import annotations

import pytest

from tests.wallets.support import USD, WALLETS_LEDGER, Wallets, address

NOW = "2025-01-01T00:00:00Z"  # the manual clock after a reset


def test_info_needs_no_token(wallets: Wallets) -> None:
    reply = wallets.api.get("/_info", headers={"Authorization": ""})
    assert reply.status_code == 200 and reply.json() == {"version": "v2.1.5", "debug": False}
    assert wallets.api.get("/wallets", headers={"Authorization": ""}).status_code == 401


def test_a_wallet_is_its_main_account_in_the_wallets_ledger(wallets: Wallets) -> None:
    reply = wallets.post("/wallets", json={"name": "alice", "metadata": {"owner": "alice"}})
    assert reply.status_code == 201
    created = reply.json()["data"]
    wallet_id = created["id"]
    assert created == {
        "id": wallet_id,
        "name": "alice",
        "metadata": {"owner": "alice"},
        "createdAt": NOW,
        "ledger": WALLETS_LEDGER,
        "balances": {"main": {"expiresAt": None, "priority": 0, "assets": {}}},
    }
    main = wallets.account(address(wallet_id))
    assert main["metadata"] == {
        "wallets/spec/type": "wallets.primary",
        "wallets/name": "alice",
        "wallets/id": wallet_id,
        "wallets/balances": "true",
        "wallets/balances/name": "main",
        "wallets/createdAt": NOW,
        "wallets/custom_data_owner": "alice",
    }
    assert "volumes" not in main or main["volumes"] == {}
    # The ledger was created by the service (bucket = its name), as the release does at start-up.
    assert wallets.ledger.get(f"/v2/{WALLETS_LEDGER}").json()["data"]["bucket"] == WALLETS_LEDGER
    assert wallets.get(f"/wallets/{wallet_id}").json()["data"] == created
    # Dashes do not matter to the chart: the id without them finds the same wallet.
    assert wallets.get(f"/wallets/{wallet_id.replace('-', '')}").json()["data"]["id"] == wallet_id


def test_an_empty_body_creates_a_nameless_wallet_and_names_need_not_be_unique(wallets: Wallets) -> None:
    first = wallets.post("/wallets")
    assert first.status_code == 201 and first.json()["data"]["name"] == ""
    twins = [wallets.create("twin"), wallets.create("twin")]
    listed = wallets.get("/wallets", params={"name": "twin"}).json()["cursor"]["data"]
    assert sorted(w["id"] for w in listed) == sorted(twins)
    # The release ignores the key on creation: a retry makes a second wallet.
    again = [wallets.post("/wallets", json={"name": "k"}, headers={"Idempotency-Key": "k1"}) for _ in range(2)]
    assert again[0].json()["data"]["id"] != again[1].json()["data"]["id"]


def test_credit_moves_money_with_the_credit_script_and_marks_the_transaction(wallets: Wallets) -> None:
    wallet_id = wallets.create()
    reply = wallets.credit(wallet_id, 10_000, reference="topup-1", metadata={"why": "topup"})
    assert reply.status_code == 204 and reply.content == b""
    (tx,) = wallets.ledger_transactions()
    assert tx["postings"] == [{"source": "world", "destination": address(wallet_id), "amount": 10_000, "asset": USD}]
    assert tx["metadata"] == {"wallets/transaction": "true", "wallets/custom_data_why": "topup"}
    assert tx["reference"] == "topup-1"
    assert wallets.get(f"/wallets/{wallet_id}").json()["data"]["balances"]["main"]["assets"] == {USD: 10_000}
    assert wallets.account(address(wallet_id))["volumes"] == {USD: {"input": 10_000, "output": 0, "balance": 10_000}}


def test_credit_sources_are_taken_in_order(wallets: Wallets) -> None:
    donor, wallet_id = wallets.create("donor"), wallets.create("alice")
    wallets.credit(donor, 30)
    wallets.ledger.post(
        f"/v2/{WALLETS_LEDGER}/transactions",
        json={"postings": [{"source": "world", "destination": "promo", "amount": 50, "asset": USD}]},
    ).raise_for_status()
    sources = [{"type": "WALLET", "identifier": donor}, {"type": "ACCOUNT", "identifier": "promo"}]
    assert wallets.credit(wallet_id, 60, sources=sources).status_code == 204
    assert (wallets.balance(donor), wallets.balance(wallet_id)) == (0, 60)
    assert wallets.ledger_transactions()[0]["postings"] == [
        {"source": address(donor), "destination": address(wallet_id), "amount": 30, "asset": USD},
        {"source": "promo", "destination": address(wallet_id), "amount": 30, "asset": USD},
    ]
    # Sources that cannot cover the amount: nothing moves (v2.1.5: 500, spec mode 400).
    refused = wallets.credit(wallet_id, 1_000, sources=sources)
    assert refused.status_code == 400 and refused.json()["errorCode"] == "INSUFFICIENT_FUND"


def test_a_wallet_subject_with_a_null_balance_is_the_wallets_main(wallets: Wallets) -> None:
    # Subject.Balance is a Go string: null leaves it empty, and empty is main (v2.1.5 pkg/subject.go:24-28).
    donor, wallet_id = wallets.create("donor"), wallets.create("alice")
    wallets.credit(donor, 30)
    source = {"type": "WALLET", "identifier": donor, "balance": None}
    assert wallets.credit(wallet_id, 30, sources=[source]).status_code == 204
    assert (wallets.balance(donor), wallets.balance(wallet_id)) == (0, 30)
    assert wallets.debit(wallet_id, 10, destination=source).status_code == 204
    assert (wallets.balance(donor), wallets.balance(wallet_id)) == (10, 20)


def test_credit_timestamp_and_idempotency_key_go_to_the_ledger(wallets: Wallets) -> None:
    wallet_id = wallets.create()
    key = {"Idempotency-Key": "credit-1"}
    for _ in range(2):
        assert wallets.credit(wallet_id, 100, timestamp="2024-05-02T10:00:00.1234567Z", headers=key).status_code == 204
    (tx,) = wallets.ledger_transactions()  # the retry was the ledger's replay: one transaction
    assert tx["timestamp"] == "2024-05-02T10:00:00.123457Z" and wallets.balance(wallet_id) == 100
    other = wallets.credit(wallet_id, 200, headers=key)
    assert other.status_code == 400 and "invalid idempotency hash" in other.json()["errorMessage"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"amount": {"asset": USD, "amount": -1}}, "negative amount provided"),
        ({"amount": {"asset": "usd", "amount": 1}}, "invalid format for account 'usd'"),
        (
            {"amount": {"asset": USD, "amount": 1}, "sources": [{"type": "ACCOUNT", "identifier": "@x"}]},
            "invalid format for account '@x'",
        ),
        (
            {"amount": {"asset": USD, "amount": 1}, "sources": [{"type": "BANK", "identifier": "x"}]},
            "unknown source type: BANK",
        ),
        (
            {"amount": {"asset": USD, "amount": 1}, "sources": [{"type": "WALLET", "identifier": ""}]},
            "wallet identifier cannot be empty",
        ),
        ({"amount": {"asset": USD, "amount": 1}, "balance": "nope"}, "balance not exists"),
        ({"amount": {"asset": USD, "amount": 1.5}}, 'math/big: cannot unmarshal "1.5" into a *big.Int'),
        ({"amount": {"asset": USD, "amount": 1}, "metadata": {"k": 1}}, "json: cannot unmarshal number"),
        ({"metadata": {}}, "amount: the amount (amount.asset and amount.amount) is required"),
    ],
)
def test_credit_refusals(wallets: Wallets, body: dict, message: str) -> None:
    reply = wallets.post(f"/wallets/{wallets.create()}/credit", json=body)
    assert reply.status_code == 400 and reply.json()["errorCode"] == "VALIDATION"
    assert reply.json()["errorMessage"].startswith(message)
    assert wallets.ledger_transactions() == []


def test_crediting_an_unknown_id_makes_an_account_that_is_no_wallet(wallets: Wallets) -> None:
    assert wallets.credit("ghost", 5).status_code == 204
    assert wallets.account(address("ghost"))["volumes"][USD]["balance"] == 5
    missing = wallets.get("/wallets/ghost")
    assert missing.status_code == 404 and missing.content == b""


def test_debit_from_main_to_world_or_to_an_account(wallets: Wallets) -> None:
    wallet_id = wallets.create()
    wallets.credit(wallet_id, 1_000)
    assert wallets.debit(wallet_id, 100).status_code == 204
    target = {"type": "ACCOUNT", "identifier": "shop:42"}
    assert wallets.debit(wallet_id, 150, destination=target, metadata={"order": "o-1"}).status_code == 204
    latest = wallets.ledger_transactions()
    assert latest[0]["postings"] == [
        {"source": address(wallet_id), "destination": "shop:42", "amount": 150, "asset": USD}
    ]
    assert latest[0]["metadata"] == {"wallets/transaction": "true", "wallets/custom_data_order": "o-1"}
    assert latest[1]["postings"][0]["destination"] == "world"
    assert wallets.balance(wallet_id) == 750


def test_debit_of_every_balance_spends_them_in_the_release_order(wallets: Wallets) -> None:
    """Expiring balances first (earliest first), then by priority (lowest first), main last; an
    expired one is skipped (formancehq/wallets ``pkg/balance.go:72-88``, ``handler_wallets_debit_test.go``)."""
    wallet_id = wallets.create()
    wallets.new_balance(wallet_id, "coupon1", expiresAt="2025-01-01T00:00:05Z")
    wallets.new_balance(wallet_id, "coupon2", priority=10)
    wallets.new_balance(wallet_id, "coupon3", expiresAt="2024-12-31T23:59:59Z")  # expired already
    wallets.new_balance(wallet_id, "coupon4")
    for name in ("main", "coupon1", "coupon2", "coupon3", "coupon4"):
        wallets.credit(wallet_id, 10, balance="" if name == "main" else name)
    assert wallets.debit(wallet_id, 35, balances=["*"]).status_code == 204
    (tx, *_) = wallets.ledger_transactions()
    assert [(p["source"].rsplit(":", 1)[1], p["amount"]) for p in tx["postings"]] == [
        ("coupon1", 10),
        ("coupon4", 10),
        ("coupon2", 10),
        ("main", 5),
    ]
    assert wallets.balance(wallet_id, "coupon3") == 10  # expired: never spent
    refused = wallets.debit(wallet_id, 1, balances=["*", "main"])
    assert refused.status_code == 400 and refused.json() == {
        "errorCode": "VALIDATION",
        "errorMessage": "invalid balance specified",
    }


def test_debit_refusals(wallets: Wallets) -> None:
    wallet_id = wallets.create()
    wallets.credit(wallet_id, 100)
    wallets.new_balance(wallet_id, "old", expiresAt="2024-01-01T00:00:00Z")
    wallets.credit(wallet_id, 100, balance="old")
    cases = [
        ({"balances": ["main"], "amount": {"asset": USD, "amount": 101}}, "INSUFFICIENT_FUND", "insufficient fund"),
        ({"balances": ["old"], "amount": {"asset": USD, "amount": 1}}, "INSUFFICIENT_FUND", "insufficient fund"),
        ({"balances": ["nope"], "amount": {"asset": USD, "amount": 1}}, "VALIDATION", "balance not exists"),
        ({"amount": {"asset": USD, "amount": -1}}, "VALIDATION", "invalid balance specified"),
        ({"amount": {"asset": "x", "amount": 1}}, "VALIDATION", "invalid balance specified"),
        (
            {"amount": {"asset": USD, "amount": 1}, "destination": {"type": "ACCOUNT", "identifier": "@xxx"}},
            "VALIDATION",
            "invalid balance specified",
        ),
        (
            {"amount": {"asset": USD, "amount": 1}, "pending": True, "timestamp": "2024-05-02T10:00:00Z"},
            "VALIDATION",
            "timestamp cannot be specified using pending debit",
        ),
    ]
    for body, code, message in cases:
        reply = wallets.post(f"/wallets/{wallet_id}/debit", json=body)
        assert (reply.status_code, reply.json()) == (400, {"errorCode": code, "errorMessage": message}), body
    assert wallets.balance(wallet_id) == 100 and wallets.balance(wallet_id, "old") == 100


def test_balances_are_accounts_marked_by_their_metadata(wallets: Wallets) -> None:
    wallet_id = wallets.create()
    created = wallets.new_balance(wallet_id, "coupons-2", expiresAt="2025-06-01T00:00:00.0000005Z", priority=3)
    assert created == {"name": "coupons-2", "expiresAt": "2025-06-01T00:00:00.000001Z", "priority": 3}
    account = wallets.account(address(wallet_id, "coupons2"))  # dashes removed from the address only
    assert account["metadata"] == {
        "wallets/id": wallet_id,
        "wallets/balances": "true",
        "wallets/balances/name": "coupons-2",
        "wallets/balances/expiresAt": "2025-06-01T00:00:00.000001Z",
        "wallets/balances/priority": "3",
    }
    for name, message in (
        ("coupons2", "balance already exists"),
        ("main", "reserved balance name"),
        ("!!", "invalid balance name"),
    ):
        reply = wallets.post(f"/wallets/{wallet_id}/balances", json={"name": name})
        assert (reply.status_code, reply.json()["errorMessage"]) == (400, message)
    listed = wallets.get(f"/wallets/{wallet_id}/balances").json()["cursor"]
    assert listed == {
        "pageSize": 15,
        "hasMore": False,
        "data": [
            {"name": "coupons-2", "expiresAt": "2025-06-01T00:00:00.000001Z", "priority": 3},
            {"name": "main", "expiresAt": None, "priority": 0},
        ],
    }
    assert wallets.get(f"/wallets/{wallet_id}/balances/main").json()["data"] == {
        "name": "main",
        "expiresAt": None,
        "priority": 0,
        "assets": {},
    }
    missing = wallets.get(f"/wallets/{wallet_id}/balances/nope")
    assert missing.status_code == 404 and missing.content == b""
    # An unknown wallet's balances: an empty list (the wallet is never looked up).
    assert wallets.get("/wallets/nobody/balances").json()["cursor"]["data"] == []


def test_update_merges_metadata_and_forwards_the_key(wallets: Wallets) -> None:
    wallet_id = wallets.create(metadata={"a": "1", "b": "2"})
    assert wallets.patch(f"/wallets/{wallet_id}", json={"metadata": {"b": "", "c": "3"}}).status_code == 204
    assert wallets.get(f"/wallets/{wallet_id}").json()["data"]["metadata"] == {"a": "1", "b": "", "c": "3"}
    assert wallets.patch(f"/wallets/{wallet_id}", json={}).status_code == 204
    empty = wallets.patch(f"/wallets/{wallet_id}", content=b"", headers={"Content-Type": "application/json"})
    assert (empty.status_code, empty.json()["errorMessage"]) == (400, "EOF")
    missing = wallets.patch("/wallets/nobody", json={"metadata": {}})
    assert missing.status_code == 404 and missing.content == b""
    key = {"Idempotency-Key": "patch-1"}
    assert wallets.patch(f"/wallets/{wallet_id}", json={"metadata": {"d": "4"}}, headers=key).status_code == 204
    assert wallets.patch(f"/wallets/{wallet_id}", json={"metadata": {"d": "4"}}, headers=key).status_code == 204
    assert wallets.patch(f"/wallets/{wallet_id}", json={"metadata": {"d": "5"}}, headers=key).status_code == 400


def test_list_filters_and_expand(wallets: Wallets) -> None:
    first = wallets.create("alice", {"tier": "gold"})
    second = wallets.create("bob", {"tier": "silver"})
    wallets.credit(first, 7)
    listed = wallets.get("/wallets").json()["cursor"]["data"]
    assert sorted(w["id"] for w in listed) == sorted([first, second])
    assert [w["id"] for w in listed] == sorted([first, second], key=lambda i: i.replace("-", ""))
    assert all(w["balances"]["main"]["assets"] == {} for w in listed)
    gold = wallets.get("/wallets", params={"metadata[tier]": "gold", "expand": "balances"}).json()["cursor"]
    assert [(w["id"], w["balances"]["main"]["assets"]) for w in gold["data"]] == [(first, {USD: 7})]
    assert wallets.get("/wallets", params={"name": "bob"}).json()["cursor"]["data"][0]["id"] == second
    assert (
        wallets.get("/wallets", params={"expand": "volumes"}).json()["cursor"]["data"][0]["balances"]["main"]["assets"]
        == {}
    )


def test_pages_follow_the_ledger_cursor_and_echo_the_page_size(wallets: Wallets) -> None:
    made = {wallets.create(f"w{i}") for i in range(5)}
    seen, page = [], wallets.get("/wallets", params={"pageSize": 2}).json()["cursor"]
    assert page["pageSize"] == 2
    while True:
        # A cursor page holds the cursor's page size but echoes the request's (15 when absent).
        assert len(page["data"]) <= 2 and page["pageSize"] in (2, 15)
        seen += [w["id"] for w in page["data"]]
        if not page["hasMore"]:
            break
        page = wallets.get("/wallets", params={"cursor": page["next"]}).json()["cursor"]
    assert sorted(seen) == sorted(made) and len(seen) == 5
    for bad, message in (
        ("0", "pageSize must be a positive integer"),
        ("-3", "pageSize must be a positive integer"),
        ("ten", 'invalid pageSize: strconv.ParseInt: parsing "ten": invalid syntax'),
        ("1001", "pageSize must be at most 1000"),
    ):
        reply = wallets.get("/wallets", params={"pageSize": bad})
        assert (reply.status_code, reply.json()["errorMessage"]) == (400, message)
    assert wallets.get("/holds", params={"cursor": "garbage"}).status_code == 400


def test_transactions_list_the_wallets_main_account_moves(wallets: Wallets) -> None:
    wallet_id, other = wallets.create(), wallets.create("other")
    wallets.credit(wallet_id, 100)
    wallets.new_balance(wallet_id, "side")
    wallets.credit(wallet_id, 5, balance="side")  # touches no main account: not the wallet's
    wallets.debit(wallet_id, 30)
    wallets.credit(other, 1)
    wallets.ledger.post(
        f"/v2/{WALLETS_LEDGER}/transactions",
        json={"postings": [{"source": "world", "destination": address(wallet_id), "amount": 1, "asset": USD}]},
    ).raise_for_status()  # not written by the wallets service: not a wallets transaction
    mine = wallets.get("/transactions", params={"walletID": wallet_id}).json()["cursor"]["data"]
    assert [t["id"] for t in mine] == [3, 1]
    assert list(mine[0]) == sorted(mine[0]) and mine[0]["ledger"] == WALLETS_LEDGER
    assert mine[0]["postings"] == [{"amount": 30, "asset": USD, "destination": "world", "source": address(wallet_id)}]
    everything = wallets.get("/transactions").json()["cursor"]["data"]
    assert [t["id"] for t in everything] == [4, 3, 2, 1]
    # The same transactions as the ledger's own list filtered the release's way.
    ledger = wallets.ledger.request(
        "GET",
        f"/v2/{WALLETS_LEDGER}/transactions",
        params={"pageSize": 100},
        json={
            "$and": [{"$match": {"account": address(wallet_id)}}, {"$match": {"metadata[wallets/transaction]": "true"}}]
        },
    ).json()["cursor"]["data"]
    assert [t["id"] for t in ledger] == [t["id"] for t in mine]


def test_a_trigger_hears_the_ledger_events_of_wallet_writes(wallets: Wallets, write_token: str) -> None:
    """The wallets service publishes nothing itself; the ledger publishes its usual events for each
    of its writes, and a workflow trigger listening to them fires."""
    import httpx

    api = httpx.Client(
        base_url=wallets.root + "/api/orchestration", headers={"Authorization": f"Bearer {write_token}"}, timeout=10
    )
    flow = api.post("/workflows", json={"stages": [{"noop": {}}]}).json()["data"]["id"]
    body = {"event": "COMMITTED_TRANSACTIONS", "workflowID": flow, "filter": f'event.ledger == "{WALLETS_LEDGER}"'}
    trigger = api.post("/triggers", json=body).json()["data"]["id"]
    wallets.credit(wallets.create(), 10)
    (occurrence,) = api.get(f"/triggers/{trigger}/occurrences").json()["data"]
    assert occurrence["event"]["type"] == "COMMITTED_TRANSACTIONS" and "error" not in occurrence
    (booked,) = occurrence["event"]["payload"]["transactions"]
    assert booked["metadata"] == {"wallets/transaction": "true"}
    api.close()


def test_metadata_filters_are_read_from_the_raw_query_as_the_release_reads_them(wallets: Wallets) -> None:
    wallet_id = wallets.create("a", {"a": "x"})
    for query, found in (
        ("metadata[a]=x", [wallet_id]),
        ("metadata=1&metadata[a]=x", [wallet_id]),  # Connexion's deepObject parsing would fail on it
        ("metadata[a]=y", []),
        ("metadata[]=x&metadata[a]x]=x", [wallet_id]),  # the key stops at the first `]`; `[]` is ignored
    ):
        reply = wallets.get("/wallets?" + query)
        assert reply.status_code == 200, (query, reply.text)
        assert [w["id"] for w in reply.json()["cursor"]["data"]] == found, query


def test_a_balance_named_twice_and_a_page_size_given_twice(wallets: Wallets) -> None:
    wallet_id = wallets.create()
    wallets.credit(wallet_id, 100)
    twice = wallets.debit(wallet_id, 1, balances=["main", "main"])
    assert (twice.status_code, twice.json()) == (
        400,
        {"errorCode": "VALIDATION", "errorMessage": "invalid balance specified"},
    )
    assert wallets.balance(wallet_id) == 100
    # The first value is the page size; spec mode refuses the others when they are not page sizes.
    assert wallets.get("/wallets", params=[("pageSize", "2"), ("pageSize", "ten")]).status_code == 400
    assert wallets.get("/wallets", params=[("pageSize", ""), ("pageSize", "3")]).json()["cursor"]["pageSize"] == 15
