"""32 clients at once against one mock: no 5xx, nothing lost or duplicated, every instance consistent."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.robustness import servers
from tests.robustness.load import check_empty, check_invariants, run_load
from tests.support import RunningMock

CLIENTS = 32
SECONDS = 4.0  # the report runs 20 s


@pytest.fixture(scope="module")
def live_mock() -> Iterator[RunningMock]:
    """A real clock, so delays end and the background pump races with the requests."""
    with servers.serving() as server:
        yield server


def test_concurrent_clients_leave_a_consistent_state(live_mock: RunningMock) -> None:
    token = servers.token(live_mock.url)
    httpx.post(live_mock.url + "/_mock/reset").raise_for_status()
    book = run_load(live_mock.url, token, clients=CLIENTS, seconds=SECONDS)
    assert book.violations == []
    assert book.requests >= CLIENTS, f"too little load: {book.requests} requests"  # a slow machine does less
    assert check_invariants(live_mock.url, token, book) == []


def test_resets_racing_with_traffic(live_mock: RunningMock) -> None:
    token = servers.token(live_mock.url)
    book = run_load(live_mock.url, token, clients=CLIENTS, seconds=SECONDS / 2, resets=True)
    assert book.violations == []  # with resets racing, only a 5xx or a hang is a violation
    assert book.resets > 0
    httpx.post(live_mock.url + "/_mock/reset").raise_for_status()
    assert check_empty(live_mock.url, token) == []


@pytest.fixture(scope="module")
def tenanted_live_mock() -> Iterator[RunningMock]:
    with servers.serving("--tenancy", "client") as server:
        yield server


def test_concurrent_tenants_each_keep_a_consistent_state_of_their_own(tenanted_live_mock: RunningMock) -> None:
    """Two tenants under load at once (16 clients each): each one's state is exactly what its own
    clients did, nothing lost, nothing from the other."""
    url = tenanted_live_mock.url
    tenants = [f"tenant-{n}" for n in range(2)]
    tokens = {tenant: servers.token(url, client=tenant) for tenant in tenants}

    def load(tenant: str):
        return run_load(url, tokens[tenant], clients=CLIENTS // 2, seconds=SECONDS, tenant=tenant)

    with ThreadPoolExecutor(max_workers=2) as pool:
        books = list(pool.map(load, tenants))
    for tenant, book in zip(tenants, books, strict=True):
        assert book.violations == []
        assert book.requests >= CLIENTS // 2
        assert check_invariants(url, tokens[tenant], book, tenant=tenant) == []


def test_concurrent_clients_with_fault_rules_loaded(live_mock: RunningMock) -> None:
    """Rules that delay a third of the writes (so requests interleave across the delay) and one
    that never matches: still no 5xx, nothing lost, every instance consistent."""
    token = servers.token(live_mock.url)
    httpx.post(live_mock.url + "/_mock/reset").raise_for_status()
    rules = ({"method": "POST", "delayMs": 3, "probability": 0.3}, {"operationId": "noSuchOperation", "status": 500})
    for rule in rules:
        httpx.post(live_mock.url + "/_mock/faults", json=rule).raise_for_status()
    book = run_load(live_mock.url, token, clients=CLIENTS, seconds=SECONDS)
    fired = httpx.get(live_mock.url + "/_mock/faults").json()["data"][0]["fired"]
    httpx.delete(live_mock.url + "/_mock/faults").raise_for_status()
    assert book.violations == []
    assert fired > 0
    assert check_invariants(live_mock.url, token, book) == []
