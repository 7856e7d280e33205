"""Every volume book against a brute-force oracle: moves in insertion order with running totals,
and in effective order (timestamp, then insertion) with theirs, whatever was back-dated, with
several moves of one transaction on one account, and after an atomic bulk was taken back."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.core.bus import EventBus
from mockserver.core.clock import ManualClock
from mockserver.ledger.book import LedgerBook
from mockserver.ledger.service import LedgerService

ACCOUNTS = st.sampled_from(["world", "a", "b"])
TIMES = st.sampled_from([None, "2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z", "2030-01-01T00:00:00Z"])


@st.composite
def creates(draw: st.DrawFn) -> dict[str, Any]:
    postings = [
        {"source": draw(ACCOUNTS), "destination": draw(ACCOUNTS), "amount": draw(st.integers(0, 9)), "asset": "USD"}
        for _ in range(draw(st.integers(1, 4)))
    ]
    data: dict[str, Any] = {"postings": postings, "force": True}
    stamp = draw(TIMES)
    if stamp:
        data["timestamp"] = stamp
    return {"action": "CREATE_TRANSACTION", "data": data}


def check(book: LedgerBook) -> None:
    order = {tx_id: n for n, tx_id in enumerate(book.tx_ids)}
    for account in book.accounts.values():
        for volumes in account.volumes.values():
            got = sent = 0
            for move in volumes.moves:
                got += move.amount if move.is_input else 0
                sent += 0 if move.is_input else move.amount
                assert (move.input, move.output) == (got, sent)
            expected = sorted(volumes.moves, key=lambda m: (m.tx.timestamp, order[m.tx.id]))  # stable: list order
            assert [id(m) for m in volumes.by_effective] == [id(m) for m in expected]
            got = sent = 0
            for move in volumes.by_effective:
                got += move.amount if move.is_input else 0
                sent += 0 if move.is_input else move.amount
                assert (move.eff_input, move.eff_output) == (got, sent)


@settings(max_examples=80, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(creates(), min_size=1, max_size=10), st.lists(creates(), min_size=1, max_size=6))
def test_volumes_follow_insertion_and_effective_order(
    earlier: list[dict[str, Any]], bulk: list[dict[str, Any]]
) -> None:
    service = LedgerService(clock=ManualClock(), bus=EventBus())
    service.create_ledger("main", {})
    for write in earlier:
        service.create_bulk("main", [write])
        service.clock.advance(1)
    book = service.ledgers.book("main")
    check(book)
    failing = [*bulk, {"action": "REVERT_TRANSACTION", "data": {"id": 10_000}}]
    assert service.create_bulk("main", failing, atomic=True, continue_on_failure=True).status == 400
    check(book)
    service.create_bulk("main", bulk)
    check(book)
