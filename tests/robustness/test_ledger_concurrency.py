"""32 clients booking on the same accounts of one ledger at once: no 5xx, no transaction lost or doubled, no
account overdrawn, every balance the sum of the bookings; judged with the ledger's own reads."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.robustness import servers
from tests.robustness.ledger_load import ledger_problems, run_bookings
from tests.support import RunningMock

CLIENTS = 32
SECONDS = 4.0
SCOPES = "ledger:read ledger:write"


@pytest.fixture(scope="module")
def live_mock() -> Iterator[RunningMock]:
    """A real clock, so bookings are dated as they arrive and the background pump races with them."""
    with servers.serving() as server:
        yield server


def test_concurrent_bookings_lose_nothing_and_never_overdraw(live_mock: RunningMock) -> None:
    token = servers.token(live_mock.url, SCOPES)
    httpx.post(live_mock.url + "/_mock/reset").raise_for_status()
    api = live_mock.url + "/api/ledger"
    created = httpx.post(f"{api}/v2/load", json={}, headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 204, created.text
    book = run_bookings(api, token, "load", clients=CLIENTS, seconds=SECONDS)
    assert book.violations == []
    assert len(book.booked) >= CLIENTS, f"too little load: {len(book.booked)} bookings"  # a slow machine does less
    assert book.statuses[400] > 0  # overdrafts were tried, and refused
    assert ledger_problems(api, token, "load", book) == []
