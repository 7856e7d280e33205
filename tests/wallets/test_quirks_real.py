"""``--quirks real``: where formancehq/wallets v2.1.5 answers 500 (or cannot answer), the mock answers as it
does, with ``INTERNAL_ERROR`` and the Go error chain; everything else is as in spec mode."""

from __future__ import annotations

import httpx
import pytest

from tests.wallets.support import USD, Wallets

MISSING = '{"errorCode":"NOT_FOUND","errorMessage":"not found"}: account not found'
NIL = "runtime error: invalid memory address or nil pointer dereference"


def _internal(reply: httpx.Response) -> str:
    assert reply.status_code == 500, reply.text
    body = reply.json()
    assert body["errorCode"] == "INTERNAL_ERROR"
    return str(body["errorMessage"])


def test_what_does_not_exist_is_a_500(real_wallets: Wallets) -> None:
    w = real_wallets
    assert _internal(w.get("/wallets/nobody")) == f"getting account: {MISSING}"
    assert _internal(w.get("/wallets/nobody/balances/main")) == MISSING
    assert _internal(w.get("/holds/nope")) == MISSING
    assert _internal(w.post("/holds/nope/confirm")) == f"getting account: {MISSING}"
    assert _internal(w.post("/holds/nope/void")) == "expected 1 transaction, got 0"
    # An account that is no hold: the release cannot read its subject (it panics).
    w.create()  # the wallets' ledger exists once a wallet does
    w.ledger.post("/v2/wallets-002/accounts/wallets:holds:fake/metadata", json={"k": "v"}).raise_for_status()
    assert _internal(w.get("/holds/fake")) == "unexpected end of JSON input"
    # Still 404 with no body where v2.1.5 itself says so.
    w.credit("ghost", 1)
    assert w.get("/wallets/ghost").status_code == 404
    assert w.patch("/wallets/nobody", json={}).status_code == 404
    # And still 200 where it does not look the wallet up.
    assert w.get("/wallets/nobody/summary").json()["data"]["balances"] == []


def test_refused_writes_are_500s_with_the_ledgers_error(real_wallets: Wallets) -> None:
    w = real_wallets
    wallet_id = w.create()
    w.credit(wallet_id, 100)
    poor = _internal(w.debit(wallet_id, 500))
    assert poor.startswith('creating transaction: {"errorCode":"INSUFFICIENT_FUND","errorMessage":"')
    assert "had/have insufficient funds" in poor
    w.new_balance(wallet_id, "old", expiresAt="2024-01-01T00:00:00Z")
    empty = _internal(w.debit(wallet_id, 1, balances=["old"]))  # an empty source block: the ledger refuses it
    assert empty.startswith('creating transaction: {"errorCode":"COMPILATION_FAILED"')
    assert _internal(w.debit(wallet_id, 1, balances=["nope"])) == MISSING
    assert _internal(w.credit(wallet_id, 1, balance="nope")) == MISSING
    bounded = _internal(w.credit(wallet_id, 1, sources=[{"type": "ACCOUNT", "identifier": "empty"}]))
    assert bounded.startswith('creating transaction: {"errorCode":"INSUFFICIENT_FUND"')
    w.credit(wallet_id, 1, reference="r1")
    assert '"errorCode":"CONFLICT"' in _internal(w.credit(wallet_id, 1, reference="r1"))
    assert w.balance(wallet_id) == 101


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"amount": {"asset": USD, "amount": 1}, "sources": [{"type": "BANK", "identifier": "x"}]},
            "unknown source type: BANK",
        ),
        ({"amount": {"asset": USD, "amount": 1}, "sources": [{"type": "WALLET"}]}, "wallet identifier cannot be empty"),
        ({"metadata": {}}, NIL),
    ],
)
def test_credit_mistakes_the_release_does_not_map(real_wallets: Wallets, body: dict, message: str) -> None:
    assert _internal(real_wallets.post(f"/wallets/{real_wallets.create()}/credit", json=body)) == message


def test_debit_mistakes_the_release_does_not_map(real_wallets: Wallets) -> None:
    w = real_wallets
    wallet_id = w.create()
    pending = {"amount": {"asset": USD, "amount": 1}, "pending": True, "timestamp": "2024-05-02T10:00:00Z"}
    assert _internal(w.post(f"/wallets/{wallet_id}/debit", json=pending)) == (
        "timestamp cannot be specified using pending debit"
    )
    assert _internal(w.post(f"/wallets/{wallet_id}/debit", json={})) == NIL
    # What it maps is mapped as in spec mode.
    star = w.debit(wallet_id, 1, balances=["*", "main"])
    assert star.status_code == 400 and star.json()["errorMessage"] == "invalid balance specified"


def test_page_sizes_and_cursors(real_wallets: Wallets) -> None:
    w = real_wallets
    w.create()
    assert _internal(w.get("/wallets", params={"pageSize": "ten"})) == NIL
    negative = _internal(w.get("/wallets", params={"pageSize": -1}))
    assert negative == (
        '{"errorCode":"VALIDATION","errorMessage":"extracting paginated query: invalid \'pageSize\' query param"}'
    )
    zero = w.get("/wallets", params={"pageSize": 0}).json()["cursor"]
    assert "pageSize" not in zero and len(zero["data"]) == 1
    big = w.get("/wallets", params={"pageSize": 5000}).json()["cursor"]
    assert big["pageSize"] == 5000  # echoed; the ledger's page stops at 100
    assert _internal(w.get("/transactions", params={"cursor": "garbage"})).startswith("listing transactions: ")


def test_auth_refusals_are_empty_401s(real_wallets: Wallets) -> None:
    no_token = real_wallets.api.get("/wallets", headers={"Authorization": ""})
    assert no_token.status_code == 401 and no_token.content == b""
    token = httpx.post(
        real_wallets.root + "/api/auth/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "r", "client_secret": "s", "scope": "wallets:read"},
    ).json()["access_token"]
    read_only = real_wallets.api.post("/wallets", json={}, headers={"Authorization": f"Bearer {token}"})
    assert read_only.status_code == 401 and read_only.content == b""
    unknown = real_wallets.api.get("/wallets/x/nothing-here")
    assert unknown.status_code == 404 and unknown.text == "404 page not found\n"


def test_a_balance_named_twice_and_a_page_size_given_twice(real_wallets: Wallets) -> None:
    w = real_wallets
    wallet_id = w.create()
    w.credit(wallet_id, 100)
    twice = w.debit(wallet_id, 1, balances=["main", "main"])
    assert twice.status_code == 500  # one account twice in the script's source block: the ledger refuses it
    assert w.balance(wallet_id) == 100
    assert w.get("/wallets", params=[("pageSize", "2"), ("pageSize", "ten")]).json()["cursor"]["pageSize"] == 2
