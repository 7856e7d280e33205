"""A hash the ledger computes when it is read equals the one it would have computed at the write."""

from __future__ import annotations

import pytest

from mockserver.core.bus import EventBus
from mockserver.core.clock import ManualClock
from mockserver.ledger.request import TransactionRequest
from mockserver.ledger.service import LedgerService

POSTINGS = [
    {"source": "world", "destination": "users:1", "amount": 100, "asset": "USD/2"},
    {"source": "users:1", "destination": "users:2", "amount": 10, "asset": "USD/2"},
    {"source": "users:2", "destination": "world", "amount": 100, "asset": "EUR"},
]


@pytest.mark.parametrize("force", [False, True])
def test_a_postings_only_request_defers_the_same_idempotency_hash(force: bool) -> None:
    request = TransactionRequest.parse({"postings": POSTINGS, "metadata": {}}, force=force)
    deferred = request.deferred_digest()
    assert deferred is not None
    assert deferred.digest() == request.digest()


@pytest.mark.parametrize(
    "extra",
    [
        {"metadata": {"k": "v"}},
        {"reference": "r"},
        {"timestamp": "2025-01-01T00:00:00Z"},
        {"accountMetadata": {"users:1": {"k": "v"}}},
        {"runtime": "experimental-interpreter"},
    ],
)
def test_a_request_with_more_than_postings_is_hashed_at_once(extra: dict[str, object]) -> None:
    assert TransactionRequest.parse({"postings": POSTINGS, **extra}, force=False).deferred_digest() is None


def test_the_log_shows_the_hash_a_key_would_have_stored() -> None:
    service = LedgerService(clock=ManualClock(), bus=EventBus())
    service.create_ledger("hashes")
    service.create_transaction("hashes", {"postings": POSTINGS[:2]})
    service.create_transaction("hashes", {"postings": POSTINGS[:2]}, idempotency_key="k")
    book = service.ledgers.book("hashes")
    unkeyed, keyed = (book.logs[i] for i in book.log_ids)
    assert unkeyed.idempotency_hash == keyed.idempotency_hash != ""
