"""Every mock feature on the wallets API: --state-file (in process and across a restart), tenants, fixtures
and reset, Prefer, fault rules, the request journal, the control API's wallets and the inspector."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.config import Settings
from mockserver.core.clock import ManualClock
from mockserver.errors import MockError
from mockserver.state import fixtures
from mockserver.state.backend import Backend
from mockserver.state.recording import recording_backend
from tests.robustness import servers
from tests.support import ROOT
from tests.wallets.support import USD, WALLETS_LEDGER, Wallets, address

OPERATIONS = ("create", "create", "balance", "credit", "credit", "debit", "hold", "confirm", "void", "patch", "reset")
DEMO = ROOT / "fixtures" / "demo.yaml"


def observed(backend: Backend) -> dict[str, Any]:
    """What a client of the wallets and ledger APIs could see."""
    wallets = backend.wallets
    listed = wallets.list_wallets({"pageSize": ["1000"]})["cursor"]["data"]
    books = backend.ledger.ledgers.books
    return {
        "wallets": listed,
        "summaries": {w["id"]: wallets.wallet_summary(w["id"]) for w in listed},
        "holds": [wallets.get_hold(h["id"]) for h in wallets.list_holds({"pageSize": ["1000"]})["cursor"]["data"]],
        "transactions": wallets.list_transactions({"pageSize": ["1000"]}),
        "ledger": [backend.ledger.all_transactions(name) for name in books],
        "control": backend.engine.bank.wallets(),
    }


def apply(backend: Backend, operation: str, n: int) -> None:
    """One operation through the backend's own (recorded) methods, as the handlers call them."""
    wallets = backend.wallets
    ids = [w["id"] for w in wallets.list_wallets({"pageSize": ["1000"]})["cursor"]["data"]]
    holds = [h["id"] for h in wallets.list_holds({"pageSize": ["1000"]})["cursor"]["data"]]
    money = {"asset": USD, "amount": n % 70}
    try:
        if operation == "create" or not ids:
            wallets.create_wallet({"name": f"w{n % 4}", "metadata": {"n": str(n % 3)}})
        elif operation == "balance":
            wallets.create_balance(ids[n % len(ids)], {"name": f"b{n % 3}", "priority": n % 5})
        elif operation == "credit":
            wallets.credit_wallet(ids[n % len(ids)], {"amount": money}, idempotency_key=f"k{n % 5}" if n % 2 else "")
        elif operation == "debit":
            wallets.debit_wallet(ids[n % len(ids)], {"amount": money, "balances": ["*"] if n % 2 else []})
        elif operation == "hold":
            wallets.debit_wallet(ids[n % len(ids)], {"amount": money, "pending": True})
        elif operation == "confirm" and holds:
            wallets.confirm_hold(holds[n % len(holds)], {"amount": n % 20, "final": bool(n % 2)})
        elif operation == "void" and holds:
            wallets.void_hold(holds[n % len(holds)])
        elif operation == "patch":
            wallets.update_wallet(ids[n % len(ids)], {"metadata": {"p": str(n)}})
        elif operation == "reset":
            fixtures.reset(backend)
    except MockError:
        pass


@settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 10_000)), max_size=25))
def test_any_sequence_of_wallet_writes_replays_into_the_same_state(steps: list[tuple[str, int]]) -> None:
    settings_ = Settings(clock="manual", seed=None)  # random wallet and hold ids: the log must carry them
    first, recorder = recording_backend(settings_, ManualClock())
    for operation, n in steps:
        apply(first, operation, n)
        first.clock.advance(1)
    second, again = recording_backend(settings_, ManualClock())
    again.replay(list(recorder.lines))
    assert again.divergences == []
    assert observed(second) == observed(first)
    assert again.lines == recorder.lines


def test_sigterm_then_restart_keeps_every_wallet(tmp_path: Path) -> None:
    key = servers.write_signing_key(tmp_path / "key.pem")
    state = tmp_path / "state.jsonl"
    args = ("--clock", "manual", "--state-file", str(state), "--signing-key", str(key))
    with servers.serving(*args) as mock, Wallets(mock.url, servers.token(mock.url)) as wallets:
        wallet_id = wallets.create()
        wallets.credit(wallet_id, 100)
        hold = wallets.debit(wallet_id, 40, pending=True).json()["data"]["id"]
        wallets.post(f"/holds/{hold}/confirm", json={"amount": 10}).raise_for_status()
        before = [wallets.get(p).content for p in (f"/wallets/{wallet_id}/summary", f"/holds/{hold}", "/transactions")]
    with servers.serving(*args) as mock, Wallets(mock.url, servers.token(mock.url)) as wallets:
        after = [wallets.get(p).content for p in (f"/wallets/{wallet_id}/summary", f"/holds/{hold}", "/transactions")]
        assert after == before
        assert wallets.balance(wallet_id) == 60


def test_tenants_have_their_own_wallets() -> None:
    with servers.serving("--clock", "manual", "--tenancy", "client") as mock:
        alice = Wallets(mock.url, servers.token(mock.url, client="alice"))
        bob = Wallets(mock.url, servers.token(mock.url, client="bob"))
        with alice, bob:
            wallet_id = alice.create()
            assert alice.get(f"/wallets/{wallet_id}").status_code == 200
            assert bob.get(f"/wallets/{wallet_id}").status_code == 404
            assert bob.get("/wallets").json()["cursor"]["data"] == []
            seen = httpx.get(mock.url + "/_mock/wallets", headers={"X-Mock-Tenant": "alice"}).json()["data"]
            assert [w["id"] for w in seen] == [wallet_id]


def test_fixtures_seed_wallets_through_the_service_and_reset_reloads_them(wallets: Wallets) -> None:
    wallet_id = "0c0c0c0c-0000-4000-8000-000000000001"
    doc = {
        "wallets": [
            {
                "id": wallet_id,
                "name": "seeded",
                "metadata": {"owner": "me"},
                "createdAt": "2024-05-02T10:00:00Z",
                "balances": {"main": {USD: 500}, "gifts": {USD: 20}},
            }
        ]
    }
    assert wallets.control.post("/fixtures", json=doc).status_code == 201
    read = wallets.get(f"/wallets/{wallet_id}").json()["data"]
    assert (read["createdAt"], read["metadata"], read["balances"]["main"]["assets"]) == (
        "2024-05-02T10:00:00Z",
        {"owner": "me"},
        {USD: 500},
    )
    assert wallets.balance(wallet_id, "gifts") == 20
    (opening,) = wallets.get("/transactions").json()["cursor"]["data"]
    assert opening["metadata"] == {"wallets/transaction": "true"} and len(opening["postings"]) == 2
    assert wallets.control.get("/wallets").json()["data"] == [
        {
            "id": wallet_id,
            "metadata": {"owner": "me"},
            "name": "seeded",
            "createdAt": "2024-05-02T10:00:00Z",
            "ledger": WALLETS_LEDGER,
            "balances": {"gifts": {USD: 20}, "main": {USD: 500}},
        }
    ]
    refused = wallets.control.post("/fixtures", json={"wallets": [{"name": "x", "ledger": "default"}]})
    assert refused.status_code == 400 and "--wallets-ledger" in refused.json()["errorMessage"]
    wallets.control.post("/reset").raise_for_status()
    assert wallets.get(f"/wallets/{wallet_id}").status_code == 404  # not a start-up fixture


def test_the_demo_wallet_lives_in_the_wallets_ledger() -> None:
    mock = servers.start("--clock", "manual", "--fixtures", str(DEMO))
    try:
        with Wallets(mock.url, servers.token(mock.url)) as wallets:
            (wallet,) = wallets.get("/wallets", params={"expand": "balances"}).json()["cursor"]["data"]
            assert wallet["ledger"] == WALLETS_LEDGER and wallet["balances"]["main"]["assets"] == {"EUR/2": 25_000}
            wallets.control.post("/reset").raise_for_status()
            assert wallets.get(f"/wallets/{wallet['id']}").status_code == 200
    finally:
        servers.stop(mock)


def test_prefer_faults_and_the_journal(wallets: Wallets) -> None:
    forced = wallets.get("/wallets/x", headers={"Prefer": "code=500"})
    assert forced.status_code == 500 and forced.json()["errorCode"] == "INTERNAL_ERROR"
    example = wallets.get("/holds/x", headers={"Prefer": "example=partlyConfirmed"})
    assert example.json()["data"]["remaining"] == 1000
    assert wallets.get("/wallets/x", headers={"Prefer": "code=404"}).content == b""
    assert wallets.post("/wallets", json={}, headers={"Prefer": "code=201"}).status_code == 201
    assert wallets.get("/wallets").json()["cursor"]["data"] == []  # a forced answer creates nothing
    rule = {"operationId": "creditWallet", "status": 503, "times": 1}
    assert wallets.control.post("/faults", json=rule).status_code == 201
    wallet_id = wallets.create()
    assert wallets.credit(wallet_id, 5).status_code == 503
    assert wallets.credit(wallet_id, 5).status_code == 204
    journal = wallets.control.get("/requests", params={"operationId": "creditWallet"}).json()["data"]
    assert [(r["status"], r.get("fault") is not None) for r in journal] == [(503, True), (204, False)]
    assert journal[1]["body"] == {"amount": {"asset": USD, "amount": 5}}
    assert wallets.account(address(wallet_id))["volumes"][USD]["balance"] == 5


def test_the_inspector_shows_the_wallets(wallets: Wallets) -> None:
    wallet_id = wallets.create("shown")
    wallets.credit(wallet_id, 42)
    page = httpx.get(wallets.root + "/_mock/ui/").text
    assert "shown" in page and wallet_id in page
