"""A round of requests over every service, successes and refusals alike, for test_request_cycles.

Run as a script in a process of its own (``python tests/cycles_workload.py BASE TOKEN ROUND``), so that
the test process holds only the server's objects when it counts what a round left behind.
"""

from __future__ import annotations

import sys
import time

import httpx

SEND = {
    "send": {
        "source": {"account": {"id": "world", "ledger": "cycles"}},
        "destination": {"account": {"id": "users:1", "ledger": "cycles"}},
        "amount": {"amount": 100, "asset": "USD/2"},
    }
}
POSTING = {"source": "world", "destination": "users:1", "amount": 100, "asset": "USD/2"}


def run(base: str, token: str, round_: int) -> None:
    api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    anonymous = httpx.Client(base_url=base, timeout=30)
    orch, ledger, wallets = "/api/orchestration", "/api/ledger/v2/cycles", "/api/wallets"

    def expect(reply: httpx.Response, *statuses: int) -> httpx.Response:
        if reply.status_code not in statuses:
            raise SystemExit(f"{reply.request.method} {reply.request.url}: {reply.status_code} {reply.text[:300]}")
        return reply

    if round_ == 0:
        expect(api.post(ledger), 204)

    # Orchestration v1 and v2: workflows, runs that book on the ledger, waits, triggers, refusals.
    send = expect(api.post(f"{orch}/workflows", json={"name": f"send-{round_}", "stages": [SEND]}), 201)
    workflow = send.json()["data"]["id"]
    waiting = expect(api.post(f"{orch}/workflows", json={"stages": [{"wait_event": {"event": "go"}}]}), 201)
    for _ in range(3):
        instance = expect(api.post(f"{orch}/workflows/{workflow}/instances", json={}), 201).json()["data"]["id"]
        expect(api.get(f"{orch}/instances/{instance}/history"), 200)
    held = expect(api.post(f"{orch}/workflows/{waiting.json()['data']['id']}/instances", json={}), 201)
    expect(api.post(f"{orch}/instances/{held.json()['data']['id']}/events", json={"name": "go"}), 204)
    expect(api.post(f"{orch}/triggers", json={"event": f"cycles.{round_}", "workflowID": workflow}), 201)
    expect(anonymous.post("/_mock/events", json={"type": f"cycles.{round_}", "payload": {"n": round_}}), 202)
    expect(api.get(f"{orch}/instances", params={"running": "true"}), 200)
    expect(api.get(f"{orch}/v2/workflows", params={"pageSize": 2}), 200)
    expect(api.get(f"{orch}/v2/instances", params={"pageSize": 2}), 200)
    expect(api.get(f"{orch}/workflows/nope"), 404)
    expect(api.post(f"{orch}/workflows", json={"stages": [{"bogus": {}}]}), 400)
    expect(api.post(f"{orch}/workflows", content=b"{not json", headers={"Content-Type": "application/json"}), 400)
    expect(anonymous.get(f"{orch}/workflows"), 401)
    expect(api.get(f"{orch}/workflows", headers={"Prefer": "code=503"}), 503)

    # Ledger: postings, Numscript, bulk, revert, metadata, reads with filters, refusals.
    tx = expect(api.post(f"{ledger}/transactions", json={"postings": [POSTING]}), 200).json()["data"]
    script = {"plain": "send [USD/2 10] (\n source = @users:1\n destination = @users:2\n)"}
    expect(api.post(f"{ledger}/transactions", json={"script": script}), 200)
    bulk = [{"action": "CREATE_TRANSACTION", "data": {"postings": [POSTING]}}] * 2
    expect(api.post(f"{ledger}/_bulk", json=bulk), 200)
    expect(api.post(f"{ledger}/transactions/{tx['id']}/revert"), 201)
    expect(api.post(f"{ledger}/accounts/users:1/metadata", json={"round": str(round_)}), 204)
    expect(api.post(f"{ledger}/transactions", json={"postings": [{**POSTING, "source": "users:9"}]}), 400)
    expect(api.post(f"{ledger}/transactions", json={"postings": [POSTING]}, headers={"Idempotency-Key": "k"}), 200)
    expect(api.get(f"{ledger}/transactions", params={"pageSize": 3, "expand": "volumes"}), 200)
    expect(api.post(f"{ledger}/transactions", json={"postings": [POSTING]}, params={"dryRun": "true"}), 200)
    match = {"$match": {"address": "users:"}}
    expect(api.request("GET", f"{ledger}/accounts", json=match, params={"pageSize": 2}), 200)
    expect(api.get(f"{ledger}/aggregate/balances"), 200)
    expect(api.get(f"{ledger}/logs", params={"pageSize": 2}), 200)
    expect(api.get("/api/ledger/v2/missing/transactions"), 404)

    # Wallets: a wallet, a credit, a held debit confirmed, balances, a refusal.
    wallet = expect(api.post(f"{wallets}/wallets", json={"name": f"w{round_}", "metadata": {}}), 201)
    wallet_id = wallet.json()["data"]["id"]
    credit = {"amount": {"asset": "EUR/2", "amount": 5000}, "metadata": {}}
    expect(api.post(f"{wallets}/wallets/{wallet_id}/credit", json=credit), 204)
    debit = {"amount": {"asset": "EUR/2", "amount": 1000}, "pending": True, "metadata": {}}
    hold = expect(api.post(f"{wallets}/wallets/{wallet_id}/debit", json=debit), 201).json()["data"]["id"]
    expect(api.post(f"{wallets}/holds/{hold}/confirm", json={}), 204)
    expect(api.get(f"{wallets}/wallets/{wallet_id}/summary"), 200)
    too_much = {"amount": {"asset": "EUR/2", "amount": 10**9}, "metadata": {}}
    expect(api.post(f"{wallets}/wallets/{wallet_id}/debit", json=too_much), 400)

    # Webhooks: a config whose endpoint is the mock's own event intake, so deliveries are answered.
    if round_ == 0:
        config = {"endpoint": base + "/_mock/events", "eventTypes": ["ledger.committed_transactions"]}
        expect(api.post("/api/webhooks/configs", json=config), 200)
    expect(api.get("/api/webhooks/configs"), 200)
    expect(api.post("/api/webhooks/configs", json={"endpoint": "nope"}), 400)
    # The round's deliveries have all been made before it is counted: the attempts stop growing.
    seen, deadline = -1, time.monotonic() + 5
    while time.monotonic() < deadline:
        made = len(expect(anonymous.get("/_mock/webhooks/attempts"), 200).json()["data"])
        if made == seen:
            break
        seen = made
        time.sleep(0.3)


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2], int(sys.argv[3]))
