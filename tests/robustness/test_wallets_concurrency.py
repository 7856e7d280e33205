"""32 clients at once debiting one wallet (immediately, and through holds they confirm or void): no 5xx,
no overdraft, and the wallet's balance is exactly what the accepted debits left, as its ledger account says."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
import pytest

from tests.robustness import servers
from tests.support import RunningMock

CLIENTS = 32
ROUNDS = 12  # per client: a bounded run (32 x 12 debits of 5 to 9 against 1,000)
FUNDS = 1_000
USD = "USD/2"


@dataclass
class Outcome:
    debited: int = 0  # accepted immediate debits and confirmed holds
    statuses: list[int] = field(default_factory=list)


@pytest.fixture(scope="module")
def live_mock() -> Iterator[RunningMock]:
    """A real clock and the background pump racing with the requests."""
    with servers.serving() as server:
        yield server


def _client(url: str, number: int) -> Outcome:
    token = servers.token(url, client=f"debitor-{number}")
    outcome = Outcome()
    with httpx.Client(base_url=url + "/api/wallets", headers={"Authorization": f"Bearer {token}"}, timeout=20) as api:
        wallet = api.get("/wallets", params={"name": "shared"}).json()["cursor"]["data"][0]["id"]
        for round_ in range(ROUNDS):
            amount = 5 + (number + round_) % 5
            money = {"amount": {"asset": USD, "amount": amount}}
            if round_ % 3:
                reply = api.post(f"/wallets/{wallet}/debit", json=money)
                outcome.statuses.append(reply.status_code)
                outcome.debited += amount if reply.status_code == 204 else 0
                continue
            held = api.post(f"/wallets/{wallet}/debit", json={**money, "pending": True})
            outcome.statuses.append(held.status_code)
            if held.status_code != 201:
                continue
            hold = held.json()["data"]["id"]
            if number % 2:
                confirmed = api.post(f"/holds/{hold}/confirm", json={"amount": amount - 1})
                outcome.statuses.append(confirmed.status_code)
                outcome.debited += amount  # confirmed (amount - 1) and the 1 left stays held
            else:
                voided = api.post(f"/holds/{hold}/void")
                outcome.statuses.append(voided.status_code)
            after = api.get(f"/holds/{hold}").json()["data"]
            assert 0 <= after["remaining"] <= after["originalAmount"] == amount
    return outcome


def test_concurrent_debits_never_overdraw_one_wallet(live_mock: RunningMock) -> None:
    url = live_mock.url
    httpx.post(url + "/_mock/reset").raise_for_status()
    token = servers.token(url)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url + "/api/wallets", headers=headers, timeout=20) as api:
        wallet = api.post("/wallets", json={"name": "shared"}).json()["data"]["id"]
        assert (
            api.post(f"/wallets/{wallet}/credit", json={"amount": {"asset": USD, "amount": FUNDS}}).status_code == 204
        )
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            outcomes = list(pool.map(lambda n: _client(url, n), range(CLIENTS)))
        statuses = [s for o in outcomes for s in o.statuses]
        assert all(s < 500 for s in statuses), sorted(set(statuses))
        assert set(statuses) <= {201, 204, 400}
        assert 400 in statuses  # the funds ran out: later debits were refused, not overdrawn
        debited = sum(o.debited for o in outcomes)
        summary = api.get(f"/wallets/{wallet}/summary").json()["data"]
        main = api.get(f"/wallets/{wallet}/balances/main").json()["data"]["assets"][USD]
        assert main >= 0 and main == FUNDS - debited
        # What the confirmed holds kept (1 each) is held, not spent nor back on main.
        assert summary["availableFunds"][USD] == main
    with httpx.Client(base_url=url + "/api/ledger", headers=headers, timeout=20) as ledger:
        address = f"wallets:{wallet.replace('-', '')}:main"
        volumes = ledger.get(f"/v2/wallets-002/accounts/{address}", params={"expand": "volumes"}).json()["data"]
        assert volumes["volumes"][USD]["balance"] == main
